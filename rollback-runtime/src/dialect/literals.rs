//! A tracking row and an audit row written as SQL literals, for a step's
//! record that shares a round trip with the statements around it (a
//! prepared statement cannot). Each backend brings how it writes text and
//! times; the values go in the column order of its `upsert_applied` and
//! `insert_log`.

use chrono::{DateTime, Utc};

use crate::records::{AppliedMigration, LogEntry, MIGRATIONS_TABLE};

/// How one backend writes a text and a timestamp as literals that no
/// session setting can misread.
pub(crate) struct LiteralStyle {
    pub text: fn(&str) -> String,
    pub time: fn(DateTime<Utc>) -> String,
}

impl LiteralStyle {
    /// `(version, name, checksum_algorithm, up_checksum, down_checksum,
    /// down_sql, applied_at, execution_ms, dirty, tool_version)`.
    pub(crate) fn applied_values(&self, row: &AppliedMigration) -> String {
        let text = self.text;
        format!(
            "({}, {}, {}, {}, {}, {}, {}, {}, {}, {})",
            text(&row.version),
            text(&row.name),
            text(&row.checksum_algorithm),
            text(&row.up_checksum),
            text(&row.down_checksum),
            text(&row.down_sql),
            (self.time)(row.applied_at),
            row.execution_ms,
            if row.dirty { "TRUE" } else { "FALSE" },
            text(&row.tool_version),
        )
    }

    /// The statement that forgets a reverted migration's tracking row.
    pub(crate) fn delete_applied(&self, version: &str) -> String {
        format!(
            "DELETE FROM {MIGRATIONS_TABLE} WHERE version = {}",
            (self.text)(version)
        )
    }

    /// `(operation, version, name, started_at, finished_at, outcome, error,
    /// rows_backed_up, actor)`.
    pub(crate) fn log_values(&self, entry: &LogEntry) -> String {
        let text = self.text;
        format!(
            "({}, {}, {}, {}, {}, {}, {}, {}, {})",
            text(entry.operation.as_str()),
            text(&entry.version),
            text(&entry.name),
            (self.time)(entry.started_at),
            (self.time)(entry.finished_at),
            text(entry.outcome.as_str()),
            entry
                .error
                .as_deref()
                .map_or_else(|| "NULL".to_owned(), text),
            entry.rows_backed_up,
            text(&entry.actor),
        )
    }
}
