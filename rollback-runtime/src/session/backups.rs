//! The backup operations of a session: list, restore, drop, prune.

use chrono::Utc;
use rollback_core::{MigrationSet, Version};

use super::Session;
use crate::backup::{self, Backup, PruneRule, RestoreReport};
use crate::dialect;
use crate::error::{Error, Refusal, Result};
use crate::progress::{Event, Progress};
use crate::records::{Operation, TrackingChange};
use crate::state;
use crate::telemetry;

impl Session {
    /// Every backup, oldest first; none when no rollback has taken one.
    /// Reads only: creates nothing.
    pub async fn backups(&mut self) -> Result<Vec<Backup>> {
        let reading = "reading _rollback_backups";
        if !self
            .driver
            .backups()
            .exists()
            .await
            .map_err(Error::database(reading))?
        {
            return Ok(Vec::new());
        }
        self.driver
            .backups()
            .list()
            .await
            .map_err(Error::database(reading))
    }

    /// Puts backup `id` (the newest when `None`) back into its tables, in
    /// one transaction with its audit row. Refuses unless its migration has
    /// been applied again: the tables and columns the data goes into are the
    /// ones its up creates.
    pub async fn restore(&mut self, set: &MigrationSet, id: Option<i64>) -> Result<RestoreReport> {
        let span = self.run_span(Operation::Restore, false);
        telemetry::in_run(span, async {
            self.driver.lock().await?;
            let result = self.restore_locked(set, id).await;
            self.release(result).await
        })
        .await
    }

    /// Drops backup `id`'s copies and forgets it, logged as a `prune`.
    pub async fn drop_backup(&mut self, id: i64) -> Result<Backup> {
        self.driver.lock().await?;
        let result = async {
            let backup = self.find_backup(Some(id)).await?;
            self.delete_backup(&backup).await?;
            Ok(backup)
        }
        .await;
        self.release(result).await
    }

    /// Deletes the backups `rule` selects, oldest first: each one's copies
    /// and catalog rows, in a step of its own with a `prune` row in
    /// `_rollback_log` naming its migration. Returns what was deleted.
    pub async fn prune_backups(&mut self, rule: &PruneRule) -> Result<Vec<Backup>> {
        self.driver.lock().await?;
        let result = self.prune_locked(rule, &mut |_| {}).await;
        self.release(result).await
    }

    /// [`Session::prune_backups`] under the lock, each deletion reported.
    pub(super) async fn prune_locked(
        &mut self,
        rule: &PruneRule,
        progress: Progress<'_>,
    ) -> Result<Vec<Backup>> {
        let backups = self.backups().await?;
        let chosen: Vec<Backup> = rule
            .select(&backups, Utc::now())
            .into_iter()
            .cloned()
            .collect();
        for backup in &chosen {
            self.delete_backup(backup).await?;
            progress(&Event::Pruned { backup });
        }
        Ok(chosen)
    }

    /// Deletes one backup's copies and catalog rows for good, in a step of
    /// its own with a `prune` row in `_rollback_log` naming its migration:
    /// data deleted on purpose leaves a trace, whether a rule chose it or a
    /// person named it.
    async fn delete_backup(&mut self, backup: &Backup) -> Result<()> {
        let started = Utc::now();
        self.driver
            .begin_step(false)
            .await
            .map_err(Error::database(
                "starting the backup deletion's transaction",
            ))?;
        let outcome = backup::drop_backup(&mut *self.driver, backup).await;
        self.finish_step(
            Operation::Prune,
            &backup.version,
            &backup.name,
            false,
            started,
            outcome,
            0,
            TrackingChange::Unchanged,
        )
        .await
    }

    /// Refuses a backup database where copies cannot live in another one.
    pub(super) fn check_backup_database(&self, database: Option<&str>) -> Result<()> {
        let Some(database) = database else {
            return Ok(());
        };
        let spelling = dialect::spelling(self.dialect());
        let reason = if database.is_empty() {
            "a database needs a name".to_owned()
        } else if spelling.backup_database(database).is_none() {
            spelling.backup_readers(None)
        } else {
            return Ok(());
        };
        Err(Error::BackupDatabase {
            database: database.to_owned(),
            dialect: self.dialect().as_str(),
            reason,
        })
    }

    async fn find_backup(&mut self, id: Option<i64>) -> Result<Backup> {
        let backups = self.backups().await?;
        match id {
            Some(id) => backups
                .into_iter()
                .find(|backup| backup.id == id)
                .ok_or(Error::UnknownBackup { id }),
            None => backups.into_iter().last().ok_or(Error::NoBackups),
        }
    }

    async fn restore_locked(
        &mut self,
        set: &MigrationSet,
        id: Option<i64>,
    ) -> Result<RestoreReport> {
        let backup = self.find_backup(id).await?;
        let applied = self.applied().await?;
        state::refuse_dirty(&applied)?;
        let reapplied = Version::parse(&backup.version)
            .is_some_and(|version| state::find_applied(set, &applied, &version).is_ok());
        if !reapplied {
            return Err(Refusal::NotReapplied {
                id: backup.id,
                migration: backup::label(&backup),
                version: backup.version.clone(),
            }
            .into());
        }
        let started = Utc::now();
        self.driver
            .begin_step(false)
            .await
            .map_err(Error::database("starting the restore's transaction"))?;
        let outcome = async {
            let report = backup::restore(&mut *self.driver, &backup).await?;
            self.driver
                .backups()
                .mark_restored(backup.id, Utc::now())
                .await
                .map_err(Error::database("recording the restore"))?;
            Ok(report)
        }
        .await;
        let rows = outcome.as_ref().map_or(0, |report| report.rows);
        self.finish_step(
            Operation::Restore,
            &backup.version,
            &backup.name,
            false,
            started,
            outcome,
            rows,
            TrackingChange::Unchanged,
        )
        .await
    }
}
