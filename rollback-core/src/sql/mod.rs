//! SQL as the databases see it: the dialects, and scripts split into statements.

mod analysis;
mod inversion;
mod split;

pub use analysis::{
    AnalyzedStatement, Effect, StatementClass, TableName, analyze_script, analyze_statement,
};
pub use inversion::{ColumnChanges, Inverse, InversePart, Need, Unnamed, invert_script};
pub use split::{Statement, split};

/// The SQL dialect of a database, which decides how a script is tokenized
/// (MySQL's `#` comments and backslash escapes, PostgreSQL's `$$` bodies, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// SQLite.
    Sqlite,
    /// PostgreSQL.
    Postgres,
    /// MySQL and MariaDB.
    MySql,
}

impl Dialect {
    /// A human name for messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Dialect::Sqlite => "SQLite",
            Dialect::Postgres => "PostgreSQL",
            Dialect::MySql => "MySQL",
        }
    }
}
