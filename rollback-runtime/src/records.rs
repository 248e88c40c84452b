//! The rows of the tracking tables, `_rollback_migrations` and `_rollback_log`.

use chrono::{DateTime, Utc};
use rollback_core::{CHECKSUM_ALGORITHM, Migration, read_directives};
use serde::Serialize;

/// The version of this crate, stored with every applied migration.
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The tracking table: one row per applied migration.
pub const MIGRATIONS_TABLE: &str = "_rollback_migrations";
/// The audit table: one row per operation on one migration.
pub const LOG_TABLE: &str = "_rollback_log";

/// A row of `_rollback_migrations`: a migration as it was applied.
///
/// `down_sql` is the down script as it was when the up ran, so a database can
/// be rolled back by a binary or checkout that no longer has the file (after
/// an app downgrade, say).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppliedMigration {
    /// The version as written in the file name.
    pub version: String,
    /// The name after the version.
    pub name: String,
    /// The algorithm of both checksums (`sha256`).
    pub checksum_algorithm: String,
    /// Checksum of the up script that ran.
    pub up_checksum: String,
    /// Checksum of the down script stored below.
    pub down_checksum: String,
    /// The down script, with a `-- rollback:no-transaction` line added when the
    /// layout (not the script) asked for that.
    #[serde(skip)]
    pub down_sql: String,
    /// When the up started.
    pub applied_at: DateTime<Utc>,
    /// How long the up took.
    pub execution_ms: i64,
    /// Started and not finished, on a database that could not roll it back.
    pub dirty: bool,
    /// The version of cargo-rollback that applied it.
    pub tool_version: String,
}

impl AppliedMigration {
    /// The row recorded when `migration` is applied, starting at `applied_at`.
    pub(crate) fn for_migration(
        migration: &Migration,
        applied_at: DateTime<Utc>,
    ) -> AppliedMigration {
        let down = migration.down();
        let down_sql = if down.no_transaction()
            && !read_directives(down.sql()).is_ok_and(|directives| directives.no_transaction)
        {
            format!("-- rollback:no-transaction\n{}", down.sql())
        } else {
            down.sql().to_owned()
        };
        AppliedMigration {
            version: migration.version().to_string(),
            name: migration.name().to_owned(),
            checksum_algorithm: CHECKSUM_ALGORITHM.to_owned(),
            up_checksum: migration.up().checksum().to_owned(),
            down_checksum: down.checksum().to_owned(),
            down_sql,
            applied_at,
            execution_ms: 0,
            dirty: false,
            tool_version: TOOL_VERSION.to_owned(),
        }
    }

    /// `version name`, as migrations are named in messages.
    pub fn label(&self) -> String {
        if self.name.is_empty() {
            self.version.clone()
        } else {
            format!("{} {}", self.version, self.name)
        }
    }
}

/// The table where a dirty migration's progress is kept.
pub const PROGRESS_TABLE: &str = "_rollback_progress";

/// Which of a migration's two scripts was running.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// The up script: the migration was being applied.
    Up,
    /// The down script: the migration was being reverted.
    Down,
}

impl Direction {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Up => "up",
            Direction::Down => "down",
        }
    }

    pub(crate) fn parse(text: &str) -> Option<Direction> {
        [Direction::Up, Direction::Down]
            .into_iter()
            .find(|direction| direction.as_str() == text)
    }
}

/// A row of `_rollback_progress`: how far the script of a migration that
/// runs outside a transaction got, written durably before each of its
/// statements. It means something only while the migration's tracking row is
/// dirty: then the statements before `statement` took effect, the ones
/// after it did not, and `statement` itself was sent and may or may not have
/// (the server finishes a statement whose client went away).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScriptProgress {
    /// The migration's version.
    pub version: String,
    /// The script that was running.
    pub direction: Direction,
    /// The 1-based index of the statement about to run.
    pub statement: i64,
    /// How many statements the script has.
    pub statements: i64,
    /// Checksum of the statements before `statement`, as they ran: a
    /// resume runs the rest of a script only if that part is unchanged
    /// (the rest may have been fixed).
    pub checksum: String,
}

/// The part of a tracking row that `up` decides with: whether the migration
/// is applied, dirty, or changed since, borrowed from the text the database
/// sent ([`AppliedList`]) or from full rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AppliedVersion<'a> {
    /// The version as written in the file name.
    pub version: &'a str,
    /// The name after the version, for messages.
    pub name: &'a str,
    /// Checksum of the up script that ran.
    pub up_checksum: &'a str,
    /// Started and not finished, on a database that could not roll it back.
    pub dirty: bool,
}

impl AppliedVersion<'_> {
    /// `version name`, as [`AppliedMigration::label`] writes it.
    pub(crate) fn label(&self) -> String {
        if self.name.is_empty() {
            self.version.to_owned()
        } else {
            format!("{} {}", self.version, self.name)
        }
    }
}

impl<'a> From<&'a AppliedMigration> for AppliedVersion<'a> {
    fn from(row: &'a AppliedMigration) -> AppliedVersion<'a> {
        AppliedVersion {
            version: &row.version,
            name: &row.name,
            up_checksum: &row.up_checksum,
            dirty: row.dirty,
        }
    }
}

/// Every tracking row's [`AppliedVersion`] as one text value the database
/// put together (`version up_checksum dirty name`, a line per row), with the
/// number of rows it counted beside it.
///
/// The start-up no-op reads this, not the rows: one value to receive and
/// decode instead of four per row, which cost more than the rest of the
/// no-op together (sqlx decodes each row's values, and SQLite copies each
/// one). Versions are digits and separators and checksums are hex, so the
/// spaces and newlines cannot be part of them; a name is last and may hold
/// spaces. Text that does not split into `count` such lines (a name with a
/// newline, a row edited by hand, a server that cut the value short) is not
/// guessed at: [`AppliedList::rows`] says so and the caller reads the rows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct AppliedList {
    /// The rows the database counted.
    pub count: i64,
    /// Their lines, `None` for no rows.
    pub lines: Option<String>,
}

impl AppliedList {
    /// The rows, or `None` when the text does not hold exactly
    /// [`count`](AppliedList::count) well-formed lines.
    pub(crate) fn rows(&self) -> Option<Vec<AppliedVersion<'_>>> {
        let Some(lines) = &self.lines else {
            return (self.count == 0).then(Vec::new);
        };
        let rows = lines
            .split('\n')
            .map(|line| {
                let mut fields = line.splitn(4, ' ');
                let version = fields.next().filter(|version| !version.is_empty())?;
                let up_checksum = fields.next()?;
                let dirty = match fields.next()? {
                    "0" => false,
                    "1" => true,
                    _ => return None,
                };
                Some(AppliedVersion {
                    version,
                    name: fields.next()?,
                    up_checksum,
                    dirty,
                })
            })
            .collect::<Option<Vec<_>>>()?;
        (i64::try_from(rows.len()).ok() == Some(self.count)).then_some(rows)
    }
}

/// What an audit row records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Operation {
    /// An up ran.
    Apply,
    /// A down ran.
    Revert,
    /// Backed-up data was put back.
    Restore,
    /// A tracking row was corrected by hand.
    Repair,
    /// A backup's copies were deleted for good (`version` and `name` are
    /// its migration's).
    Prune,
    /// Migrations another tool applied were recorded (one row for all of
    /// them, naming the tool and the count).
    Adopt,
}

impl Operation {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::Apply => "apply",
            Operation::Revert => "revert",
            Operation::Restore => "restore",
            Operation::Repair => "repair",
            Operation::Prune => "prune",
            Operation::Adopt => "adopt",
        }
    }

    pub(crate) fn parse(text: &str) -> Option<Operation> {
        [
            Operation::Apply,
            Operation::Revert,
            Operation::Restore,
            Operation::Repair,
            Operation::Prune,
            Operation::Adopt,
        ]
        .into_iter()
        .find(|operation| operation.as_str() == text)
    }
}

/// How an operation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// It did what it was asked.
    Success,
    /// It failed; `error` says why.
    Failure,
}

impl Outcome {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
        }
    }
}

/// A row of `_rollback_log`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogEntry {
    /// Row id, in insertion order (`None` before insertion).
    pub id: Option<i64>,
    /// What was done.
    pub operation: Operation,
    /// The migration's version.
    pub version: String,
    /// The migration's name.
    pub name: String,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// When it ended.
    pub finished_at: DateTime<Utc>,
    /// How it ended.
    pub outcome: Outcome,
    /// The error, when it failed.
    pub error: Option<String>,
    /// Rows copied to a backup before the step.
    pub rows_backed_up: i64,
    /// `user@host` of the process that did it.
    pub actor: String,
}

impl LogEntry {
    /// The audit row of one operation, finished now: a failure when it has
    /// an error.
    pub(crate) fn finished_now(
        operation: Operation,
        version: &str,
        name: &str,
        started_at: DateTime<Utc>,
        error: Option<String>,
        rows_backed_up: i64,
    ) -> LogEntry {
        LogEntry {
            id: None,
            operation,
            version: version.to_owned(),
            name: name.to_owned(),
            started_at,
            finished_at: Utc::now(),
            outcome: if error.is_some() {
                Outcome::Failure
            } else {
                Outcome::Success
            },
            error,
            rows_backed_up,
            actor: actor(),
        }
    }
}

/// What a successful step changes in `_rollback_migrations`.
#[derive(Debug, Clone, Copy)]
pub(crate) enum TrackingChange<'a> {
    /// Nothing (a restore).
    Unchanged,
    /// The migration's row, as applied.
    Save(&'a AppliedMigration),
    /// The row of this version goes: the migration was reverted.
    Delete(&'a str),
}

/// The record of a successful step, committed with it: its tracking change
/// and its audit row.
#[derive(Debug, Clone, Copy)]
pub(crate) struct StepRecord<'a> {
    pub change: TrackingChange<'a>,
    pub entry: &'a LogEntry,
}

/// `user@host` of this process, for the audit log: looked up once per
/// process (the user database and the host name), not once per audit row.
pub(crate) fn actor() -> String {
    static ACTOR: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    ACTOR
        .get_or_init(|| {
            let user = whoami::username().unwrap_or_else(|_| "unknown".to_owned());
            let host = whoami::hostname().unwrap_or_else(|_| "unknown".to_owned());
            format!("{user}@{host}")
        })
        .clone()
}

#[cfg(test)]
mod tests {
    use super::{AppliedList, AppliedVersion};

    fn list(count: i64, lines: Option<&str>) -> AppliedList {
        AppliedList {
            count,
            lines: lines.map(str::to_owned),
        }
    }

    #[test]
    fn an_applied_list_splits_into_its_rows() {
        let text = "1 ab12 0 users\n2019-01-01-000000 cd34 1 add index with spaces\n3 ef56 0 ";
        assert_eq!(
            list(3, Some(text)).rows(),
            Some(vec![
                AppliedVersion {
                    version: "1",
                    name: "users",
                    up_checksum: "ab12",
                    dirty: false
                },
                AppliedVersion {
                    version: "2019-01-01-000000",
                    name: "add index with spaces",
                    up_checksum: "cd34",
                    dirty: true,
                },
                AppliedVersion {
                    version: "3",
                    name: "",
                    up_checksum: "ef56",
                    dirty: false
                },
            ])
        );
        assert_eq!(list(0, None).rows(), Some(Vec::new()));
    }

    #[test]
    fn an_applied_list_it_cannot_read_whole_is_not_guessed_at() {
        for (count, text) in [
            // A name with a newline: one line more than rows.
            (1, Some("1 ab12 0 two\nlines")),
            // Cut short by the server.
            (2, Some("1 ab12 0 users\n2 cd")),
            (2, Some("1 ab12 0 users")),
            // A flag that is not 0 or 1, a missing field, an empty version.
            (1, Some("1 ab12 t users")),
            (1, Some("1 ab12")),
            (1, Some(" ab12 0 users")),
            // Rows counted, no text.
            (1, None),
        ] {
            assert_eq!(list(count, text).rows(), None, "{text:?}");
        }
    }
}
