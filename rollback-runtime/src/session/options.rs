//! [`ApplyOptions`] and [`RevertOptions`], and their setters: one per
//! field, each taking and returning the options, so that a setting added
//! later is not a breaking change for callers.

use std::path::PathBuf;
use std::time::Duration;

use rollback_core::Version;

use crate::state::{DownChoice, MissingPolicy, Selection};

/// What `apply` should do. Built with [`ApplyOptions::new`] and its setters,
/// so that a new setting is not a breaking change.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct ApplyOptions {
    /// Apply up to and including this version; all pending when `None`.
    pub target: Option<Version>,
    /// What to do with applied migrations the folder does not have.
    pub missing: MissingPolicy,
    /// Rehearse: apply everything, then roll it all back (PostgreSQL and
    /// SQLite), as [`RevertOptions::dry_run`] does for a rollback.
    pub dry_run: bool,
}

/// What `revert` should do. Built with [`RevertOptions::new`] and its
/// setters, so that a new setting is not a breaking change:
///
/// ```rust
/// use rollback_runtime::session::RevertOptions;
/// use rollback_runtime::{DownChoice, Selection};
/// let options = RevertOptions::new(Selection::Last(2))
///     .down_choice(DownChoice::Stored)
///     .dry_run(true);
/// assert!(options.backup);
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RevertOptions {
    /// Which migrations.
    pub selection: Selection,
    /// Which down runs when the file and the stored copy differ.
    pub down_choice: DownChoice,
    /// Copy the data each down destroys before it runs (on by default).
    pub backup: bool,
    /// Rehearse: run everything, then roll it all back (PostgreSQL and
    /// SQLite; see [`Session::revert`](super::Session::revert)).
    pub dry_run: bool,
    /// SQLite: also copy the whole database to this new file (`VACUUM
    /// INTO`) under the lock, before the first down runs.
    pub snapshot: Option<PathBuf>,
    /// MySQL: the database the copies go to, created if missing, so that
    /// grants on the data's database do not reach them; beside their tables
    /// when `None`. Refused elsewhere ([`Error::BackupDatabase`](crate::Error::BackupDatabase)).
    pub backup_database: Option<String>,
    /// After a rollback, delete backups older than this (see
    /// [`Session::prune_backups`](super::Session::prune_backups)); kept until pruned when `None`.
    pub backup_retention: Option<Duration>,
}

impl RevertOptions {
    /// A rollback of `selection` with the defaults: refuse conflicting downs,
    /// back up, really run.
    pub fn new(selection: Selection) -> RevertOptions {
        RevertOptions {
            selection,
            down_choice: DownChoice::Ask,
            backup: true,
            dry_run: false,
            snapshot: None,
            backup_database: None,
            backup_retention: None,
        }
    }
}

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
