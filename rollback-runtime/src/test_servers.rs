//! The database servers the crate's own tests run on: SQLite in memory,
//! PostgreSQL and MySQL at `ROLLBACK_TEST_POSTGRES_URL` and
//! `ROLLBACK_TEST_MYSQL_URL`.

use rollback_core::sql::Dialect;

/// The URL of the server a dialect's tests run on. Without one they are
/// skipped, except under CI, which must not skip.
pub(crate) fn server(dialect: Dialect) -> Option<String> {
    let variable = match dialect {
        Dialect::Sqlite => return Some("sqlite::memory:".to_owned()),
        Dialect::Postgres => "ROLLBACK_TEST_POSTGRES_URL",
        Dialect::MySql => "ROLLBACK_TEST_MYSQL_URL",
    };
    match std::env::var(variable) {
        Ok(url) => Some(url),
        Err(_) if std::env::var_os("CI").is_some() => {
            panic!(
                "{variable} is not set: CI must not skip the {} tests",
                dialect.as_str()
            )
        }
        Err(_) => {
            eprintln!(
                "SKIPPING a {} test: {variable} is not set",
                dialect.as_str()
            );
            None
        }
    }
}
