//! Reading back, from a scratch database's catalog, what an up statement is
//! about to remove or change, as the SQL that puts it back (DESIGN §7). The
//! generator calls [`recreate`] just before it runs the statement, so the
//! definitions are those the earlier migrations and statements produced.
//! Definitions are read raw, never from a normalized [`Snapshot`](crate::Snapshot):
//! a function body with `--` comments must survive.

#[cfg(feature = "mysql")]
mod mysql;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "sqlite")]
mod sqlite;

use std::collections::BTreeSet;

use rollback_core::sql::{Dialect, Need, Unnamed};

use crate::verify::inspector::Inspector;

/// The SQL that puts back what a statement removes or changes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Recreated {
    /// Complete statements, in the order the down runs them, without `;`.
    pub statements: Vec<String>,
    /// What the statements do not bring back, for a comment in the down:
    /// "the rows of orders", "the values of orders.note".
    pub notes: Vec<String>,
}

/// Why a need cannot be answered.
#[derive(Debug, thiserror::Error)]
pub(crate) enum NotRecreated {
    /// The object is not in the scratch database: the up would fail on it,
    /// or an `IF EXISTS` found nothing.
    #[error("{0} does not exist before the statement")]
    Missing(String),
    /// The object exists but cannot be rebuilt from the catalog: "a
    /// narrowing type change", "a table of another engine".
    #[error("{0}")]
    Unsupported(String),
    /// Reading the catalog failed.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// The SQL that puts `need` back as the scratch database holds it now.
pub(crate) async fn recreate(
    inspector: &mut Inspector,
    need: &Need,
) -> Result<Recreated, NotRecreated> {
    match inspector.dialect() {
        #[cfg(feature = "sqlite")]
        Dialect::Sqlite => sqlite::recreate(inspector, need).await,
        #[cfg(feature = "postgres")]
        Dialect::Postgres => postgres::recreate(inspector, need).await,
        #[cfg(feature = "mysql")]
        Dialect::MySql => mysql::recreate(inspector, need).await,
        #[allow(
            unreachable_patterns,
            reason = "reachable when a database feature is off"
        )]
        dialect => Err(NotRecreated::Unsupported(format!(
            "this build has no {} support",
            dialect.as_str()
        ))),
    }
}

/// The names of the objects of `unnamed`'s kind on its table now: read
/// before and after the statement, the new name is the one it created.
pub(crate) async fn names(
    inspector: &mut Inspector,
    unnamed: &Unnamed,
) -> Result<BTreeSet<String>, sqlx::Error> {
    let _ = (inspector, unnamed);
    Ok(BTreeSet::new())
}

/// The statement that drops the object `unnamed` describes, created under `name`.
pub(crate) fn drop_unnamed(dialect: Dialect, unnamed: &Unnamed, name: &str) -> String {
    let _ = (dialect, unnamed, name);
    String::new()
}
