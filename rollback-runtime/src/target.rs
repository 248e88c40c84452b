//! Where migrations go: a URL, or an application's own pool.

/// Where a [`Migrator`](crate::Migrator) runs: a database URL, or an application's pool.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Target<'a> {
    /// `sqlite:app.db`, `postgres://…`, `mysql://…`.
    Url(&'a str),
    /// The database of a SQLite pool.
    #[cfg(feature = "sqlite")]
    Sqlite(&'a sqlx::SqlitePool),
    /// The database of a PostgreSQL pool.
    #[cfg(feature = "postgres")]
    Postgres(&'a sqlx::PgPool),
    /// The database of a MySQL or MariaDB pool.
    #[cfg(feature = "mysql")]
    MySql(&'a sqlx::MySqlPool),
}

impl<'a> From<&'a str> for Target<'a> {
    fn from(url: &'a str) -> Target<'a> {
        Target::Url(url)
    }
}

impl<'a> From<&'a String> for Target<'a> {
    fn from(url: &'a String) -> Target<'a> {
        Target::Url(url)
    }
}

#[cfg(feature = "sqlite")]
impl<'a> From<&'a sqlx::SqlitePool> for Target<'a> {
    fn from(pool: &'a sqlx::SqlitePool) -> Target<'a> {
        Target::Sqlite(pool)
    }
}

#[cfg(feature = "postgres")]
impl<'a> From<&'a sqlx::PgPool> for Target<'a> {
    fn from(pool: &'a sqlx::PgPool) -> Target<'a> {
        Target::Postgres(pool)
    }
}

#[cfg(feature = "mysql")]
impl<'a> From<&'a sqlx::MySqlPool> for Target<'a> {
    fn from(pool: &'a sqlx::MySqlPool) -> Target<'a> {
        Target::MySql(pool)
    }
}
