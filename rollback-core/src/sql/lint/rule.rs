//! What a rule is: a stable code, a default severity, the databases it
//! speaks about, why it matters, how to fix what it finds, and a bad and a
//! good example (which the tests run and docs/lint.md shows).

use std::fmt;
use std::str::FromStr;

use crate::sql::dialect::Dialect;

/// How much a finding matters. `Error` fails `cargo rollback lint` (exit 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; never fails a run.
    Info,
    /// Worth a look before it runs in production.
    Warning,
    /// Loses data, breaks the running application or cannot run as written.
    Error,
}

impl Severity {
    /// The spelling in output and in `[package.metadata.rollback.lint]`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A rule's level as configured: a severity, or `off`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// The rule does not run.
    Off,
    /// Its findings have this severity.
    On(Severity),
}

impl FromStr for Level {
    type Err = String;

    fn from_str(value: &str) -> Result<Level, String> {
        match value {
            "off" => Ok(Level::Off),
            "info" => Ok(Level::On(Severity::Info)),
            "warning" => Ok(Level::On(Severity::Warning)),
            "error" => Ok(Level::On(Severity::Error)),
            other => Err(format!(
                "invalid value `{other}` (expected `off`, `info`, `warning` or `error`)"
            )),
        }
    }
}

/// The kind of harm a rule guards against, for grouping in docs and output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Family {
    /// About the migration files and the linter's own directives.
    Script,
    /// Destroys stored data.
    Destructive,
    /// Breaks the release that is running while the migration runs.
    Compatibility,
    /// Locks or rewrites a table that may be large.
    Locking,
    /// Can fail on the data a production table holds.
    Failing,
    /// Transaction boundaries the database needs.
    Transaction,
}

/// A script to show a rule on: an up and its down. The linted migration
/// follows one that creates `users (id, email VARCHAR(200), name TEXT,
/// status VARCHAR(20))` and `orders (id, user_id REFERENCES users, total)`.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Example {
    /// The up script.
    pub up: &'static str,
    /// The down script (empty: irrelevant to the rule).
    pub down: &'static str,
}

/// One check, as data: the check functions only say which code they found.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Rule {
    /// The stable code (`RB101`): never reused for another check.
    pub code: &'static str,
    /// A short kebab-case name.
    pub name: &'static str,
    /// The severity unless configured otherwise.
    pub severity: Severity,
    /// The kind of harm.
    pub family: Family,
    /// The databases it applies to.
    #[serde(serialize_with = "dialect_names")]
    pub dialects: &'static [Dialect],
    /// Why the finding matters.
    pub why: &'static str,
    /// What to do instead.
    pub fix: &'static str,
    /// A migration it reports (in the first of `dialects`).
    pub bad: Example,
    /// The same change written so that it does not.
    pub good: Example,
}

fn dialect_names<S: serde::Serializer>(
    dialects: &&'static [Dialect],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(dialects.iter().map(|dialect| dialect.as_str()))
}

/// Every database.
pub(super) const ALL: &[Dialect] = &[Dialect::Postgres, Dialect::MySql, Dialect::Sqlite];
/// PostgreSQL only.
pub(super) const POSTGRES: &[Dialect] = &[Dialect::Postgres];
/// MySQL and MariaDB only.
pub(super) const MYSQL: &[Dialect] = &[Dialect::MySql];
/// SQLite only.
pub(super) const SQLITE: &[Dialect] = &[Dialect::Sqlite];
/// PostgreSQL, MySQL and MariaDB.
pub(super) const PG_MYSQL: &[Dialect] = &[Dialect::Postgres, Dialect::MySql];

/// An example whose down does not matter to the rule.
pub(super) const fn example(up: &'static str) -> Example {
    Example { up, down: "" }
}
