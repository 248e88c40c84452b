//! The backup catalog: `_rollback_backups` (one row per backup, that is per
//! migration a rollback reverted) and `_rollback_backup_items` (one row per
//! table or column copied). The copies themselves are tables of their own
//! (see `backup/`); these rows say where they are and what they hold, so that
//! `backups` can list them and `restore` can put them back.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rollback_core::sql::TableName;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row, Type};

use super::connection::MigrationConnection;
use crate::backup::record::{Backup, BackupItem, BackupKind};

/// The backup catalog of a migration connection.
#[async_trait]
pub(crate) trait BackupTables: Send {
    /// Whether the catalog exists (nothing is created to find out).
    async fn exists(&mut self) -> Result<bool, sqlx::Error>;

    async fn create(&mut self) -> Result<(), sqlx::Error>;

    async fn next_id(&mut self) -> Result<i64, sqlx::Error>;

    /// Records a backup and its items.
    async fn insert(&mut self, backup: &Backup) -> Result<(), sqlx::Error>;

    /// Every backup with its items, oldest first.
    async fn list(&mut self) -> Result<Vec<Backup>, sqlx::Error>;

    async fn mark_restored(&mut self, id: i64, at: DateTime<Utc>) -> Result<(), sqlx::Error>;

    /// Forgets a backup (its tables are dropped by the caller).
    async fn delete(&mut self, id: i64) -> Result<(), sqlx::Error>;
}

#[async_trait]
impl<DB> BackupTables for MigrationConnection<DB>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'a> &'a str: ColumnIndex<DB::Row> + Encode<'a, DB> + Type<DB>,
    for<'a> Option<&'a str>: Encode<'a, DB>,
    usize: ColumnIndex<DB::Row>,
    DB::Arguments: IntoArguments<DB>,
    for<'r> String: Decode<'r, DB> + Type<DB>,
    for<'r> i64: Decode<'r, DB> + Encode<'r, DB> + Type<DB>,
    for<'r> DateTime<Utc>: Decode<'r, DB> + Encode<'r, DB> + Type<DB>,
{
    async fn exists(&mut self) -> Result<bool, sqlx::Error> {
        let row = sqlx::query(self.sql.backups.exists)
            .fetch_one(&mut self.conn)
            .await?;
        Ok(row.try_get::<i64, _>(0usize)? == 2)
    }

    async fn create(&mut self) -> Result<(), sqlx::Error> {
        sqlx::raw_sql(self.sql.backups.create)
            .execute(&mut self.conn)
            .await
            .map(drop)
    }

    async fn next_id(&mut self) -> Result<i64, sqlx::Error> {
        let row = sqlx::query(self.sql.backups.next_id)
            .fetch_one(&mut self.conn)
            .await?;
        row.try_get(0usize)
    }

    async fn insert(&mut self, backup: &Backup) -> Result<(), sqlx::Error> {
        sqlx::query(self.sql.backups.insert_backup)
            .bind(backup.id)
            .bind(backup.version.as_str())
            .bind(backup.name.as_str())
            .bind(backup.created_at)
            .bind(backup.rows)
            .bind(backup.bytes)
            .execute(&mut self.conn)
            .await?;
        for item in &backup.items {
            let keys = serde_json::to_string(&item.key_columns)
                .map_err(|error| sqlx::Error::Encode(error.into()))?;
            sqlx::query(self.sql.backups.insert_item)
                .bind(backup.id)
                .bind(item.position)
                .bind(item.kind.as_str())
                .bind(item.table.schema.as_deref())
                .bind(item.table.name.as_str())
                .bind(item.column.as_deref())
                .bind(keys.as_str())
                .bind(item.copy.schema.as_deref())
                .bind(item.copy.name.as_str())
                .bind(item.rows)
                .execute(&mut self.conn)
                .await?;
        }
        Ok(())
    }

    async fn list(&mut self) -> Result<Vec<Backup>, sqlx::Error> {
        let rows = sqlx::query(self.sql.backups.select_backups)
            .fetch_all(&mut self.conn)
            .await?;
        let mut backups = rows
            .iter()
            .map(|row| {
                Ok(Backup {
                    id: row.try_get("id")?,
                    version: row.try_get("version")?,
                    name: row.try_get("name")?,
                    created_at: row.try_get("created_at")?,
                    rows: row.try_get("row_count")?,
                    bytes: row.try_get("byte_count")?,
                    restored_at: row.try_get("restored_at")?,
                    items: Vec::new(),
                })
            })
            .collect::<Result<Vec<Backup>, sqlx::Error>>()?;
        let items = sqlx::query(self.sql.backups.select_items)
            .fetch_all(&mut self.conn)
            .await?;
        for row in &items {
            let backup_id: i64 = row.try_get("backup_id")?;
            let kind: String = row.try_get("kind")?;
            let keys: String = row.try_get("key_columns")?;
            let item = BackupItem {
                position: row.try_get("position")?,
                kind: BackupKind::parse(&kind).ok_or_else(|| {
                    sqlx::Error::Decode(format!("unknown backup kind `{kind}`").into())
                })?,
                table: TableName {
                    schema: row.try_get("source_schema")?,
                    name: row.try_get("source_table")?,
                },
                column: row.try_get("source_column")?,
                key_columns: serde_json::from_str(&keys)
                    .map_err(|error| sqlx::Error::Decode(error.into()))?,
                copy: TableName {
                    schema: row.try_get("backup_schema")?,
                    name: row.try_get("backup_table")?,
                },
                rows: row.try_get("row_count")?,
            };
            if let Some(backup) = backups.iter_mut().find(|backup| backup.id == backup_id) {
                backup.items.push(item);
            }
        }
        Ok(backups)
    }

    async fn mark_restored(&mut self, id: i64, at: DateTime<Utc>) -> Result<(), sqlx::Error> {
        sqlx::query(self.sql.backups.mark_restored)
            .bind(at)
            .bind(id)
            .execute(&mut self.conn)
            .await
            .map(drop)
    }

    async fn delete(&mut self, id: i64) -> Result<(), sqlx::Error> {
        for sql in [
            self.sql.backups.delete_items,
            self.sql.backups.delete_backup,
        ] {
            sqlx::query(sql).bind(id).execute(&mut self.conn).await?;
        }
        Ok(())
    }
}
