//! The setters of [`ApplyOptions`] and [`RevertOptions`]: one per field,
//! each taking and returning the options, so that a setting added later is
//! not a breaking change for callers.

use std::path::PathBuf;
use std::time::Duration;

use rollback_core::Version;

use super::{ApplyOptions, RevertOptions};
use crate::state::{DownChoice, MissingPolicy};

impl ApplyOptions {
    /// Every pending migration, refusing unknown applied ones, really run.
    pub fn new() -> ApplyOptions {
        ApplyOptions::default()
    }

    /// Apply up to and including this version; all pending when `None`.
    pub fn target(mut self, version: impl Into<Option<Version>>) -> Self {
        self.target = version.into();
        self
    }

    /// What to do with applied migrations the folder does not have.
    pub fn missing(mut self, policy: MissingPolicy) -> Self {
        self.missing = policy;
        self
    }

    /// Rehearse instead of applying: everything is rolled back at the end.
    pub fn dry_run(mut self, dry_run: bool) -> Self {
        self.dry_run = dry_run;
        self
    }
}

impl RevertOptions {
    /// Which down runs when the file and the stored copy differ.
    pub fn down_choice(mut self, choice: DownChoice) -> Self {
        self.down_choice = choice;
        self
    }

    /// Whether the data each down destroys is copied first (the default);
    /// off only when the data is known to be worthless.
    pub fn backup(mut self, backup: bool) -> Self {
        self.backup = backup;
        self
    }

    /// Rehearse instead of reverting: everything is rolled back at the end.
    pub fn dry_run(mut self, dry_run: bool) -> Self {
        self.dry_run = dry_run;
        self
    }

    /// MySQL: the database the copies go to (created if missing), so that
    /// whoever may read the data's database cannot read its backups; beside
    /// their tables when `None`.
    pub fn backup_database(mut self, database: impl Into<Option<String>>) -> Self {
        self.backup_database = database.into();
        self
    }

    /// How long backups are kept: after the rollback, those older than this
    /// are deleted; kept until pruned when `None`.
    pub fn backup_retention(mut self, retention: impl Into<Option<Duration>>) -> Self {
        self.backup_retention = retention.into();
        self
    }

    /// SQLite: a new file to copy the whole database to before the first
    /// down; none when `None`.
    pub fn snapshot(mut self, path: impl Into<Option<PathBuf>>) -> Self {
        self.snapshot = path.into();
        self
    }
}
