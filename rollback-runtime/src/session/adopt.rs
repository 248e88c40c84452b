//! What adoption (`crate::adopt`) does with the session's connection: read
//! another tool's tracking table as text, under the run's lock, and record
//! the migrations it applied with one audit row, in one transaction.

use std::collections::BTreeSet;

use super::Session;
use crate::dialect::{self, Spelling};
use crate::error::{Error, Result};
use crate::records::{AppliedMigration, LogEntry, Operation, Outcome};
use rollback_core::sql::TableName;

impl Session {
    /// How this database spells the SQL adoption reads another tool's table with.
    pub(crate) fn spelling(&self) -> &'static dyn Spelling {
        dialect::spelling(self.dialect())
    }

    /// The columns of `table` in the current schema; none when it does not exist.
    pub(crate) async fn column_names(&mut self, table: &str) -> Result<Vec<String>> {
        let table = TableName {
            schema: None,
            name: table.to_owned(),
        };
        let columns = self
            .driver
            .catalog()
            .columns(&table)
            .await
            .map_err(Error::database("reading another tool's tracking table"))?;
        Ok(columns.into_iter().map(|column| column.name).collect())
    }

    /// The rows of a query, every value as text.
    pub(crate) async fn text_rows(&mut self, sql: &str) -> Result<Vec<Vec<Option<String>>>> {
        self.driver
            .catalog()
            .rows(sql)
            .await
            .map_err(Error::database("reading another tool's tracking table"))
    }

    /// The versions whose last operation in `_rollback_log` is a successful
    /// revert: reverted by cargo-rollback since it recorded them, whatever
    /// another tool's table still says.
    pub(crate) async fn reverted_versions(&mut self) -> Result<BTreeSet<String>> {
        let mut reverted = BTreeSet::new();
        for entry in self.log(u32::MAX).await? {
            if entry.outcome != Outcome::Success {
                continue;
            }
            match entry.operation {
                Operation::Revert => {
                    reverted.insert(entry.version);
                }
                Operation::Apply | Operation::Repair => {
                    reverted.remove(&entry.version);
                }
                Operation::Restore | Operation::Adopt | Operation::Prune => {}
            }
        }
        Ok(reverted)
    }

    /// Takes the migration lock for adoption.
    pub(crate) async fn lock_for_adoption(&mut self) -> Result<()> {
        self.driver.lock().await
    }

    /// Releases the lock after adoption, keeping what it committed.
    pub(crate) async fn unlock_after_adoption<T>(&mut self, result: Result<T>) -> Result<T> {
        self.release(result).await
    }

    /// Records `rows` and the audit row `entry` in one transaction (creating
    /// the tracking tables first when they do not exist): all of them or none.
    pub(crate) async fn record_adopted(
        &mut self,
        rows: &[AppliedMigration],
        entry: &LogEntry,
    ) -> Result<()> {
        let writing = "recording the adopted migrations";
        let tracking = self.driver.tracking();
        if !tracking.exists().await.map_err(Error::database(writing))? {
            tracking
                .create()
                .await
                .map_err(Error::database("creating the tracking tables"))?;
        }
        self.driver
            .begin_step(false)
            .await
            .map_err(Error::database(writing))?;
        let written = async {
            let tracking = self.driver.tracking();
            for row in rows {
                tracking.save_applied(row).await?;
            }
            tracking.insert_log(entry).await?;
            self.driver.commit_step(false).await
        }
        .await;
        if let Err(source) = written {
            let _ = self.driver.rollback_step(false).await;
            return Err(Error::database(writing)(source));
        }
        Ok(())
    }
}
