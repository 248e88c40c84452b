//! Everything that knows one database, in one folder per database
//! (`sqlite/`, `postgres/`, `mysql/`): its connection and session settings,
//! its lock, its tracking-table SQL, the catalog reads behind plans,
//! backups and schema snapshots, its backup and restore SQL, `generate`'s
//! reconstruction from its catalog, and how it creates scratch databases.
//!
//! Generic code (the engine in `session`, `plan`, `backup`, `verify`,
//! `generate`, `schema`) reaches a database only through the traits
//! declared here and the one [`Backend`] each database provides, chosen in
//! [`backend`]. A fourth database is a folder of its own implementing
//! them, plus one arm in [`backend`] (and its variant of
//! `rollback_core::sql::Dialect`, which the SQL analysis needs too); see
//! docs/architecture.md.

mod backend;
mod backup_tables;
mod catalog;
mod connection;
mod driver;
mod inspector;
#[cfg(any(feature = "postgres", feature = "mysql"))]
mod literals;
mod mysql;
mod options;
mod postgres;
pub(crate) mod quote;
mod reconstruct;
mod snapshot;
mod spelling;
mod sqlite;
mod statements;
#[cfg(all(test, feature = "sqlite", feature = "postgres", feature = "mysql"))]
mod tests;
mod tracking;

use rollback_core::sql::Dialect;

pub(crate) use backend::Backend;
pub(crate) use catalog::{ColumnInfo, Presence};
pub(crate) use driver::Driver;
pub(crate) use inspector::Inspector;
pub use options::ConnectOptions;
pub(crate) use reconstruct::{Named, NotRecreated, Surrounding};
pub(crate) use spelling::{SentinelValue, Spelling};

use crate::error::Result;
use crate::target::Target;
use crate::url::DatabaseUrl;

/// The backend of `dialect`: the one place a database is chosen. Every
/// backend is compiled whether or not its sqlx driver is (without it,
/// connecting says which feature to enable), so that plans, SQL text and
/// their tests do not depend on features.
pub(crate) fn backend(dialect: Dialect) -> &'static dyn Backend {
    match dialect {
        Dialect::Sqlite => &sqlite::Sqlite,
        Dialect::Postgres => &postgres::Postgres,
        Dialect::MySql => &mysql::MySql,
    }
}

/// How `dialect` spells its SQL.
pub(crate) fn spelling(dialect: Dialect) -> &'static dyn Spelling {
    backend(dialect)
}

/// Opens a connection for `url`: the one way every part of the runtime
/// (the engine, verify, generate, scratch databases) connects.
pub(crate) async fn connect(
    url: &DatabaseUrl,
    options: &ConnectOptions,
) -> Result<Box<dyn Driver>> {
    backend(url.dialect()).connect(url, options).await
}

/// Opens an [`Inspector`] on `url`: a SQLite file is created if it does not
/// exist (scratch databases start empty), with the session settings and the
/// init SQL of `options`.
pub(crate) async fn inspect(url: &DatabaseUrl, options: &ConnectOptions) -> Result<Inspector> {
    let options = ConnectOptions {
        create_if_missing: true,
        ..options.clone()
    };
    Ok(Inspector::new(
        connect(url, &options).await?,
        spelling(url.dialect()),
    ))
}

/// Opens the dedicated connection of a run on `target`: for a pool, one
/// with the pool's options but never one of the pool's own connections, so
/// that the lock and any init SQL stay off the pool.
pub(crate) async fn open(
    target: Target<'_>,
    options: &ConnectOptions,
) -> Result<(Box<dyn Driver>, DatabaseUrl)> {
    match target {
        Target::Url(url) => {
            let url = DatabaseUrl::parse(url)?;
            Ok((connect(&url, options).await?, url))
        }
        #[cfg(feature = "sqlite")]
        Target::Sqlite(pool) => sqlite::open_pool(pool, options).await,
        #[cfg(feature = "postgres")]
        Target::Postgres(pool) => postgres::open_pool(pool, options).await,
        #[cfg(feature = "mysql")]
        Target::MySql(pool) => mysql::open_pool(pool, options).await,
    }
}
