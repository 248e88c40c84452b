//! The connection of a run: what the engine in `session` does with a
//! database (lock, steps, statements, rehearsals), each backend's way.

use async_trait::async_trait;
use rollback_core::sql::{Dialect, TableName};

use super::backup_tables::BackupTables;
use super::catalog::Catalog;
#[cfg(doc)]
use super::options::ConnectOptions;
use super::tracking::TrackingTables;
use crate::error::{Limit, Result};
use crate::records::{AppliedMigration, ScriptProgress, StepRecord, TrackingChange};

/// A connection to one database, with the tracking tables behind it.
///
/// A run goes `lock`, then for each migration `begin_step` … `finish_step`
/// (or `rollback_step`), then `unlock`, on every exit path.
#[async_trait]
pub(crate) trait Driver: Send {
    fn dialect(&self) -> Dialect;

    /// Whether DDL rolls back with its transaction. Where it does not (MySQL),
    /// a migration is recorded dirty before it runs and clean after.
    fn transactional_ddl(&self) -> bool;

    /// Whether a backup's copies go beside their sources (prefixed tables)
    /// rather than in the database's backup schema: a run confined to one
    /// schema of a shared database (a tenant) keeps its copies in it, where
    /// another tenant's copies, numbered alike, cannot collide with them.
    fn backups_beside_sources(&self) -> bool {
        false
    }

    /// Takes the exclusive migration lock, waiting at most the lock timeout.
    async fn lock(&mut self) -> Result<()>;

    /// Releases the lock, keeping what the run committed.
    async fn unlock(&mut self) -> Result<()>;

    /// Opens the unit of one migration: a transaction, or for a
    /// no-transaction script, whatever lets it run outside one (by default,
    /// nothing: the connection is in autocommit between steps).
    async fn begin_step(&mut self, no_transaction: bool) -> Result<(), sqlx::Error> {
        if no_transaction {
            Ok(())
        } else {
            self.execute("BEGIN").await
        }
    }

    /// Opens the unit of a step whose script is the next thing it sends:
    /// PostgreSQL holds the `BEGIN` back and sends it with the script's first
    /// statement (or with the step's record, for an empty script), one round
    /// trip less per migration. Nothing else may use the connection until the
    /// script's first statement is sent.
    async fn begin_script_step(&mut self, no_transaction: bool) -> Result<(), sqlx::Error> {
        self.begin_step(no_transaction).await
    }

    /// Opens the unit of a step that cannot roll its DDL back, with its
    /// script's `progress` and then `row` (marked dirty) as its first
    /// writes: in that order, so that where each commits on its own a dirty
    /// row always has its progress beside it (a progress row whose tracking
    /// row is not dirty means nothing). MySQL sends the three in one round
    /// trip.
    async fn begin_dirty_step(
        &mut self,
        no_transaction: bool,
        row: &AppliedMigration,
        progress: &ScriptProgress,
    ) -> Result<(), sqlx::Error> {
        self.begin_step(no_transaction).await?;
        self.tracking().save_progress(progress).await?;
        self.tracking().save_applied(row).await
    }

    async fn commit_step(&mut self, no_transaction: bool) -> Result<(), sqlx::Error> {
        if no_transaction {
            Ok(())
        } else {
            self.execute("COMMIT").await
        }
    }

    /// Ends a successful step: its record written inside the step's
    /// transaction, then committed, so that the two commit together (one
    /// commit per migration, and never a logged success that did not
    /// happen). By default the tracking change, the audit row and the commit
    /// one after the other; PostgreSQL sends them in one round trip, MySQL
    /// with the next step's dirty marker.
    async fn finish_step(
        &mut self,
        no_transaction: bool,
        record: &StepRecord<'_>,
    ) -> Result<(), sqlx::Error> {
        let tables = self.tracking();
        match record.change {
            TrackingChange::Unchanged => {}
            TrackingChange::Save(row) => tables.save_applied(row).await?,
            TrackingChange::Delete(version) => tables.delete_applied(version).await?,
        }
        tables.insert_log(record.entry).await?;
        self.commit_step(no_transaction).await
    }

    async fn rollback_step(&mut self, no_transaction: bool) -> Result<(), sqlx::Error> {
        if no_transaction {
            Ok(())
        } else {
            self.execute("ROLLBACK").await
        }
    }

    /// Runs one statement of a migration script.
    async fn execute(&mut self, statement: &str) -> Result<(), sqlx::Error>;

    /// Runs one statement and returns how many rows it inserted or changed.
    async fn execute_counting(&mut self, statement: &str) -> Result<u64, sqlx::Error>;

    /// Which of the run's limits cancelled a statement that failed with
    /// `error`, if one did.
    fn cancelled_by(&self, error: &sqlx::Error) -> Option<Limit>;

    /// Turns the run into a rehearsal: from here to `unlock`, everything is
    /// rolled back at the end. False where the database cannot (DDL that
    /// commits at once).
    async fn begin_rehearsal(&mut self) -> Result<bool, sqlx::Error> {
        Ok(false)
    }

    /// Copies the whole database to a new file at `path`; false where the
    /// database is not a file (every server).
    async fn snapshot(&mut self, _path: &std::path::Path) -> Result<bool, sqlx::Error> {
        Ok(false)
    }

    /// After rows were restored with the ids they had: PostgreSQL moves the
    /// table's sequences past them, so the next insert does not collide.
    async fn after_rows_restored(&mut self, _table: &TableName) -> Result<(), sqlx::Error> {
        Ok(())
    }

    /// The tracking tables, on the same connection.
    fn tracking(&mut self) -> &mut dyn TrackingTables;

    /// The database's catalog, on the same connection.
    fn catalog(&mut self) -> &mut dyn Catalog;

    /// The backup catalog, on the same connection.
    fn backups(&mut self) -> &mut dyn BackupTables;

    async fn close(self: Box<Self>);
}

/// The error of a lock wait: a timeout when the database's error `code` is
/// the one it gives for that, else a database failure.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn lock_error(
    error: sqlx::Error,
    timeout_code: &str,
    waited: std::time::Duration,
) -> crate::error::Error {
    use crate::error::Error;

    let timed_out = error
        .as_database_error()
        .and_then(|database| database.code())
        .is_some_and(|code| code == timeout_code);
    if timed_out {
        Error::LockTimeout { waited }
    } else {
        Error::database("taking the migration lock")(error)
    }
}
