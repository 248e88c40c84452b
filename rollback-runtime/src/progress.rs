//! What a run reports while it works, so that a caller can show progress
//! (the CLI draws a bar and a spinner) or collect a rehearsal's timings; the
//! library itself never prints.

use std::path::Path;
use std::time::Duration;

use serde::Serialize;

use crate::backup::Backup;
use crate::records::Operation;

/// Something that happened during a run.
#[derive(Debug)]
#[non_exhaustive]
pub enum Event<'a> {
    /// A migration starts.
    Started {
        /// Apply or revert.
        operation: Operation,
        /// Its version.
        version: &'a str,
        /// Its name.
        name: &'a str,
        /// 1-based place in the run.
        position: usize,
        /// Migrations in the run.
        total: usize,
    },
    /// The whole database was copied to a file (SQLite's `VACUUM INTO`).
    Snapshot {
        /// The file.
        path: &'a Path,
        /// How long the copy took.
        elapsed: Duration,
    },
    /// The data its down destroys was copied.
    BackedUp {
        /// The backup.
        backup: &'a Backup,
        /// How long the copy took.
        elapsed: Duration,
    },
    /// A backup older than the retention was deleted after the rollback.
    Pruned {
        /// The backup, as it was.
        backup: &'a Backup,
    },
    /// A statement starts.
    Statement {
        /// 1-based index in its script.
        index: usize,
        /// Statements in the script.
        total: usize,
        /// The statement.
        sql: &'a str,
    },
    /// A statement ended.
    StatementDone {
        /// 1-based index in its script.
        index: usize,
        /// The statement.
        sql: &'a str,
        /// How long it ran.
        elapsed: Duration,
        /// Whether it failed (the run's error says why).
        failed: bool,
    },
    /// A migration finished.
    Finished(&'a Step),
}

/// A callback told about each event as it happens.
pub type Progress<'a> = &'a mut (dyn FnMut(&Event<'_>) + Send);

/// A migration step that ran, reported as it finishes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Step {
    /// Apply or revert.
    pub operation: Operation,
    /// The version.
    pub version: String,
    /// The name.
    pub name: String,
    /// How long it took.
    pub execution_ms: i64,
    /// Rows copied to a backup before a down ran.
    pub rows_backed_up: i64,
    /// The backup a down's data went to (`restore ID` takes it).
    pub backup_id: Option<i64>,
}
