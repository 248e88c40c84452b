//! What a backup is, as its catalog records it and `backups` and `restore`
//! report it: what generic code and each backend's backup catalog share.

use chrono::{DateTime, Utc};
use rollback_core::sql::TableName;
use serde::Serialize;

/// What a backup item holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BackupKind {
    /// Every row and column of a table.
    Table,
    /// One column, with the key of each row.
    Column,
}

impl BackupKind {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            BackupKind::Table => "table",
            BackupKind::Column => "column",
        }
    }

    pub(crate) fn parse(text: &str) -> Option<BackupKind> {
        [BackupKind::Table, BackupKind::Column]
            .into_iter()
            .find(|kind| kind.as_str() == text)
    }
}

/// Data a rollback is about to destroy, to be copied first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackupTarget {
    /// A table or one of its columns.
    pub kind: BackupKind,
    /// The table.
    pub table: TableName,
    /// The column, for [`BackupKind::Column`].
    pub column: Option<String>,
}

impl BackupTarget {
    /// `orders` or `orders.note`, for people.
    pub fn describe(&self) -> String {
        match &self.column {
            Some(column) => format!("{}.{column}", self.table),
            None => self.table.to_string(),
        }
    }
}

/// One copied table or column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct BackupItem {
    /// Order within the backup (the order of the down's statements).
    pub position: i64,
    /// A whole table or one column.
    pub kind: BackupKind,
    /// The table copied from.
    pub table: TableName,
    /// The column copied, for a column item.
    pub column: Option<String>,
    /// The columns that find a row again; empty when the table had none.
    pub key_columns: Vec<String>,
    /// The copy.
    pub copy: TableName,
    /// Rows copied.
    pub rows: i64,
}

impl BackupItem {
    /// `orders` or `orders.note`, for people.
    pub fn describe(&self) -> String {
        match &self.column {
            Some(column) => format!("{}.{column}", self.table),
            None => self.table.to_string(),
        }
    }
}

/// The backup a rollback took of one migration's down.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Backup {
    /// What `restore ID` takes.
    pub id: i64,
    /// The migration whose down destroyed the data.
    pub version: String,
    /// Its name.
    pub name: String,
    /// When the copy was made.
    pub created_at: DateTime<Utc>,
    /// Rows copied, over all items.
    pub rows: i64,
    /// Bytes the copies take on disk (0 when the database cannot tell).
    pub bytes: i64,
    /// When it was last restored.
    pub restored_at: Option<DateTime<Utc>>,
    /// What was copied.
    pub items: Vec<BackupItem>,
}

/// What a restore put back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct RestoreReport {
    /// The backup.
    pub id: i64,
    /// Its migration's version.
    pub version: String,
    /// Its migration's name.
    pub name: String,
    /// Rows inserted or updated, per item, in the order they were restored.
    pub items: Vec<RestoredItem>,
    /// Rows inserted or updated in all.
    pub rows: i64,
}

/// One item of a [`RestoreReport`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct RestoredItem {
    /// `orders` or `orders.note`.
    pub what: String,
    /// Rows in the copy.
    pub copied: i64,
    /// Rows inserted (a table) or updated (a column).
    pub restored: i64,
}
