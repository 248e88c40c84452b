//! Backups of the data a down destroys, taken inside the database just before
//! the down runs, and restores that put it back once the migration has been
//! applied again.
//!
//! What is copied follows from the down's statements (see `plan.rs`):
//! dropped, truncated, emptied or updated tables whole; dropped or retyped
//! columns with the key that finds their row again (the primary key, else a
//! unique key of non-null columns, else SQLite's rowid). A restore inserts the
//! copied rows whose key the table lacks and writes copied column values back
//! into the rows with the same key; rows that are there already keep what
//! they hold now, so a restore never overwrites newer data of a whole row.

mod prune;
pub(crate) mod record;
pub(crate) mod sql;

use chrono::Utc;
use rollback_core::sql::Dialect;

use crate::dialect::quote;
use crate::dialect::{ColumnInfo, Driver, Presence, spelling};
use crate::error::{Error, Refusal, Result};
pub use prune::PruneRule;
pub use record::{Backup, BackupItem, BackupKind, BackupTarget, RestoreReport, RestoredItem};

/// Copies `targets` before `version`'s down runs and records the backup;
/// `None` when none of them exists any more (nothing to lose). The copies go
/// to `database` when one is set (see [`Spelling::backup_database`](crate::dialect::Spelling::backup_database)).
pub(crate) async fn take(
    driver: &mut dyn Driver,
    version: &str,
    name: &str,
    targets: &[BackupTarget],
    database: Option<&str>,
) -> Result<Option<Backup>> {
    let dialect = driver.dialect();
    let writing = "taking a backup";
    // Empty tables first: a rollback of migrations whose tables are empty
    // reads nothing of the backup catalog, and writes no DDL for it (each
    // DDL statement is a commit on MySQL); the catalog is created, and the
    // place of the copies made private, only when there is data to copy.
    let mut holding = Vec::new();
    for target in targets {
        if holds_data(driver, dialect, target).await? {
            holding.push(target);
        }
    }
    if holding.is_empty() {
        return Ok(None);
    }
    let created = driver
        .backups()
        .exists()
        .await
        .map_err(Error::database(writing))?;
    let id = if created {
        driver
            .backups()
            .next_id()
            .await
            .map_err(Error::database(writing))?
    } else {
        driver
            .backups()
            .create()
            .await
            .map_err(Error::database(writing))?;
        1
    };
    prepare_place(driver, dialect, database).await?;
    let mut items = Vec::new();
    for target in holding {
        let position = i64::try_from(items.len()).unwrap_or(i64::MAX) + 1;
        if let Some(item) = copy(driver, dialect, id, position, target, database).await? {
            items.push(item);
        }
    }
    if items.is_empty() {
        return Ok(None);
    }
    let mut bytes = 0;
    for item in &items {
        bytes += driver
            .catalog()
            .size(&item.copy)
            .await
            .map_err(Error::database(writing))?;
    }
    let backup = Backup {
        id,
        version: version.to_owned(),
        name: name.to_owned(),
        created_at: Utc::now(),
        rows: items.iter().map(|item| item.rows).sum(),
        bytes,
        restored_at: None,
        items,
    };
    driver
        .backups()
        .insert(&backup)
        .await
        .map_err(Error::database(writing))?;
    Ok(Some(backup))
}

/// Makes the place copies go private before one is made: the backup schema
/// and catalog closed to every role but their owner (PostgreSQL), the
/// backup database created (MySQL). Run before every backup, so that a
/// grant added since the last one is taken back.
async fn prepare_place(
    driver: &mut dyn Driver,
    dialect: Dialect,
    database: Option<&str>,
) -> Result<()> {
    let writing = "preparing the place of a backup";
    let mut statements = spelling(dialect).seal_backups();
    if let Some(database) = database {
        statements.extend(spelling(dialect).backup_database(database));
    }
    for statement in statements {
        driver
            .execute(&statement)
            .await
            .map_err(Error::database(writing))?;
    }
    Ok(())
}

/// Whether `target`'s table exists and has a row: an empty table (or a column
/// of one) has nothing to lose, and gets no copy. The catalog answers first;
/// the table is read only when it cannot.
async fn holds_data(
    driver: &mut dyn Driver,
    dialect: Dialect,
    target: &BackupTarget,
) -> Result<bool> {
    let reading = "reading the catalog for a backup";
    let presence = driver
        .catalog()
        .presence(&target.table)
        .await
        .map_err(Error::database(reading))?;
    if presence != Presence::Unknown {
        return Ok(false);
    }
    let rows = driver
        .catalog()
        .count(&format!(
            "SELECT COUNT(*) FROM (SELECT 1 FROM {} LIMIT 1) AS probe",
            quote::table(dialect, &target.table)
        ))
        .await
        .map_err(Error::database(reading))?;
    Ok(rows > 0)
}

/// Copies one target; `None` when its table or column does not exist.
async fn copy(
    driver: &mut dyn Driver,
    dialect: Dialect,
    id: i64,
    position: i64,
    target: &BackupTarget,
    database: Option<&str>,
) -> Result<Option<BackupItem>> {
    let reading = "reading the catalog for a backup";
    let columns = driver
        .catalog()
        .columns(&target.table)
        .await
        .map_err(Error::database(reading))?;
    if columns.is_empty()
        || target
            .column
            .as_ref()
            .is_some_and(|column| !columns.iter().any(|c| &c.name == column))
    {
        return Ok(None);
    }
    let mut key = driver
        .catalog()
        .row_key(&target.table)
        .await
        .map_err(Error::database(reading))?;
    if key.is_empty()
        && let Some(implicit) = spelling(dialect).implicit_row_key()
    {
        key.push(implicit.to_owned());
    }
    // A column without a key could not find its row again: copy the table.
    let (kind, column) = match &target.column {
        Some(column) if !key.is_empty() => (BackupKind::Column, Some(column.as_str())),
        _ => (BackupKind::Table, None),
    };
    let copied: Vec<&str> = match column {
        Some(column) => key
            .iter()
            .map(String::as_str)
            .chain((!key.iter().any(|k| k == column)).then_some(column))
            .collect(),
        None => columns.iter().map(|c| c.name.as_str()).collect(),
    };
    let selected: Vec<sql::Column<'_>> = copied
        .iter()
        .map(|name| sql::Column {
            name,
            cast: columns
                .iter()
                .any(|c| c.name == *name && c.user_type)
                .then_some("text"),
        })
        .collect();
    let beside_source = driver.backups_beside_sources();
    let copy = sql::copy_name(
        dialect,
        beside_source,
        id,
        position,
        &target.table,
        column,
        database,
    );
    // Where the copy commits at once (MySQL, and a down that runs outside
    // a transaction), a run killed between it and the backup's catalog row
    // leaves it behind, unrecorded, under the name this id gives (ids
    // follow the recorded backups): the data it holds is still in the
    // table, whose down never ran, so it goes.
    driver
        .execute(&sql::drop_copy(dialect, &copy))
        .await
        .map_err(Error::database("dropping the copy a killed run left"))?;
    let mut copied = 0;
    for statement in sql::copy_statements(dialect, &copy, &target.table, &selected) {
        copied = driver
            .execute_counting(&statement)
            .await
            .map_err(Error::database("copying data into a backup"))?;
    }
    let rows = i64::try_from(copied).unwrap_or(i64::MAX);
    Ok(Some(BackupItem {
        position,
        kind,
        table: target.table.clone(),
        column: column.map(str::to_owned),
        key_columns: key,
        copy,
        rows,
    }))
}

/// Puts a backup's data back, last item first (a down drops the tables that
/// point at others before those, so parents come back before children).
pub(crate) async fn restore(driver: &mut dyn Driver, backup: &Backup) -> Result<RestoreReport> {
    let mut items = Vec::new();
    for item in backup.items.iter().rev() {
        let restored = restore_item(driver, backup, item).await?;
        items.push(RestoredItem {
            what: item.describe(),
            copied: item.rows,
            restored,
        });
    }
    Ok(RestoreReport {
        id: backup.id,
        version: backup.version.clone(),
        name: backup.name.clone(),
        rows: items.iter().map(|item| item.restored).sum(),
        items,
    })
}

async fn restore_item(driver: &mut dyn Driver, backup: &Backup, item: &BackupItem) -> Result<i64> {
    let dialect = driver.dialect();
    let reading = "reading the catalog for a restore";
    let refuse = |reason: String| -> Error {
        Refusal::CannotRestore {
            id: backup.id,
            migration: label(backup),
            reason,
        }
        .into()
    };
    let live = driver
        .catalog()
        .columns(&item.table)
        .await
        .map_err(Error::database(reading))?;
    if live.is_empty() {
        return Err(refuse(format!("table {} does not exist", item.table)));
    }
    let implicit_key = spelling(dialect).implicit_row_key();
    let has =
        |name: &str| implicit_key == Some(name) || live.iter().any(|column| column.name == name);
    if let Some(missing) = item.key_columns.iter().find(|key| !has(key)) {
        return Err(refuse(format!(
            "table {} has no column {missing}, the key of the copied rows",
            item.table
        )));
    }
    let writing = "restoring a backup";
    let column = |name| live_column(dialect, &live, name);
    let key: Vec<sql::Column<'_>> = item.key_columns.iter().map(|k| column(k)).collect();
    let statement = match (&item.kind, &item.column) {
        (BackupKind::Column, Some(name)) => {
            if !has(name) {
                return Err(refuse(format!("table {} has no column {name}", item.table)));
            }
            sql::restore_column(dialect, &item.copy, &item.table, column(name), &key)
        }
        _ => {
            let copied = driver
                .catalog()
                .columns(&item.copy)
                .await
                .map_err(Error::database(reading))?;
            let columns: Vec<sql::Column<'_>> = live
                .iter()
                .filter(|live| !live.generated)
                .filter(|live| copied.iter().any(|c| c.name == live.name))
                .map(|live| column(&live.name))
                .collect();
            if key.is_empty() {
                let rows = driver
                    .catalog()
                    .count(&format!(
                        "SELECT COUNT(*) FROM {}",
                        quote::table(dialect, &item.table)
                    ))
                    .await
                    .map_err(Error::database(reading))?;
                if rows > 0 {
                    return Err(refuse(format!(
                        "table {} has no key to match the copied rows and already holds {rows} rows",
                        item.table
                    )));
                }
            }
            let overriding = live
                .iter()
                .any(|live| live.identity_always && columns.iter().any(|c| c.name == live.name));
            sql::restore_rows(dialect, &item.copy, &item.table, &columns, &key, overriding)
        }
    };
    let rows = driver
        .execute_counting(&statement)
        .await
        .map_err(Error::database(writing))?;
    if item.kind == BackupKind::Table {
        driver
            .after_rows_restored(&item.table)
            .await
            .map_err(Error::database(writing))?;
    }
    Ok(i64::try_from(rows).unwrap_or(i64::MAX))
}

/// A column a restore writes, cast where the dialect casts copied values
/// (PostgreSQL) to the live column's type
/// (which turns values copied as text back into enums, domains, …; see
/// [`sql::Column`]).
fn live_column<'a>(dialect: Dialect, live: &'a [ColumnInfo], name: &'a str) -> sql::Column<'a> {
    let cast = live
        .iter()
        .find(|column| column.name == name)
        .filter(|_| spelling(dialect).casts_copied_values())
        .map(|column| column.type_name.as_str());
    sql::Column { name, cast }
}

/// Drops a backup's copies and forgets it.
pub(crate) async fn drop_backup(driver: &mut dyn Driver, backup: &Backup) -> Result<()> {
    let dialect = driver.dialect();
    let writing = "dropping a backup";
    for item in &backup.items {
        driver
            .execute(&sql::drop_copy(dialect, &item.copy))
            .await
            .map_err(Error::database(writing))?;
    }
    driver
        .backups()
        .delete(backup.id)
        .await
        .map_err(Error::database(writing))
}

/// `version name` of a backup's migration.
pub(crate) fn label(backup: &Backup) -> String {
    if backup.name.is_empty() {
        backup.version.clone()
    } else {
        format!("{} {}", backup.version, backup.name)
    }
}
