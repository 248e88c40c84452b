//! Repairing a migration: recording it applied or pending after a person
//! has made the schema match, for a dirty or modified one.

use chrono::Utc;
use rollback_core::{MigrationSet, Version};

use super::{RepairMode, Session};
use crate::error::{Error, Result};
use crate::records::{AppliedMigration, Operation};
use crate::state;
use crate::telemetry;

impl Session {
    /// Settles a dirty or modified migration after a human has looked at the
    /// schema, and logs the decision.
    pub async fn repair(
        &mut self,
        set: &MigrationSet,
        version: &Version,
        mode: RepairMode,
    ) -> Result<()> {
        let span = self.run_span(Operation::Repair, false);
        telemetry::in_run(span, async {
            self.driver.lock().await?;
            let result = self.repair_locked(set, version, mode).await;
            self.release(result).await
        })
        .await
    }

    async fn repair_locked(
        &mut self,
        set: &MigrationSet,
        version: &Version,
        mode: RepairMode,
    ) -> Result<()> {
        let applied = self.applied().await?;
        let row = state::find_applied(set, &applied, version)?;
        let started = Utc::now();
        let writing = "repairing _rollback_migrations";
        match mode {
            RepairMode::Pending => self
                .driver
                .tracking()
                .delete_applied(&row.version)
                .await
                .map_err(Error::database(writing))?,
            RepairMode::Applied => {
                let Some(migration) = set.find(version) else {
                    return Err(Error::NoFile {
                        migration: row.label(),
                    });
                };
                let mut repaired = AppliedMigration::for_migration(migration, row.applied_at);
                repaired.execution_ms = row.execution_ms;
                self.driver
                    .tracking()
                    .save_applied(&repaired)
                    .await
                    .map_err(Error::database(writing))?;
            }
        }
        self.driver
            .tracking()
            .delete_progress(&row.version)
            .await
            .map_err(Error::database(writing))?;
        self.audit(Operation::Repair, &row.version, &row.name, started, None, 0)
            .await
    }
}
