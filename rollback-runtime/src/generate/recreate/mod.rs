//! Reading back, from a scratch database's catalog, what an up statement is
//! about to remove or change, as the SQL that puts it back (DESIGN §7). The
//! generator calls [`recreate`] just before it runs the statement, so the
//! definitions are those the earlier migrations and statements produced.
//! Definitions are read raw, never from a normalized [`Snapshot`](crate::Snapshot):
//! a function body with `--` comments must survive.
#![cfg_attr(
    not(any(feature = "sqlite", feature = "postgres", feature = "mysql")),
    allow(
        dead_code,
        unused_variables,
        reason = "without a database feature there is no catalog to read: the dialects' helpers go unused"
    )
)]

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

/// An object of a table as [`names`] finds it: read before and after a
/// statement, the ones that differ are those it created.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Named {
    /// What tells two objects apart: PostgreSQL's oid (a new primary key
    /// takes the name of the one the same statement dropped), else the name.
    pub identity: String,
    /// The name, to drop it by.
    pub name: String,
}

/// The names of the objects of `unnamed`'s kind on its table now: read
/// before and after the statement, the new name is the one it created.
/// On MySQL the constraints' names include the table's indexes: an unnamed
/// foreign key brings an index of its own, named apart from the constraint.
#[cfg_attr(
    not(any(feature = "postgres", feature = "mysql")),
    expect(unused_variables, reason = "SQLite names nothing")
)]
pub(crate) async fn names(
    inspector: &mut Inspector,
    unnamed: &Unnamed,
) -> Result<BTreeSet<Named>, sqlx::Error> {
    match inspector.dialect() {
        #[cfg(feature = "postgres")]
        Dialect::Postgres => postgres::names(inspector, unnamed).await,
        #[cfg(feature = "mysql")]
        Dialect::MySql => mysql::names(inspector, unnamed).await,
        // SQLite names neither: its constraints live in the table's text,
        // and `CREATE INDEX` always names the index.
        _ => Ok(BTreeSet::new()),
    }
}

/// The statement that drops the object `unnamed` describes, created under
/// `name`. On MySQL the statement depends on the object's kind (a foreign
/// key, a check, a key), read from the catalog: call it after the
/// statement that created the object ran.
#[cfg_attr(
    not(any(feature = "postgres", feature = "mysql")),
    expect(unused_variables, reason = "SQLite names nothing")
)]
pub(crate) async fn drop_unnamed(
    inspector: &mut Inspector,
    unnamed: &Unnamed,
    name: &str,
) -> Result<String, NotRecreated> {
    match inspector.dialect() {
        #[cfg(feature = "postgres")]
        Dialect::Postgres => Ok(postgres::drop_unnamed(unnamed, name)),
        #[cfg(feature = "mysql")]
        Dialect::MySql => Ok(mysql::drop_unnamed(inspector, unnamed, name).await?),
        dialect => Err(NotRecreated::Unsupported(format!(
            "{} creates no unnamed {}",
            dialect.as_str(),
            unnamed_kind(unnamed)
        ))),
    }
}

/// The table an unnamed object belongs to.
#[cfg(any(feature = "postgres", feature = "mysql"))]
fn unnamed_table(unnamed: &Unnamed) -> &rollback_core::sql::TableName {
    match unnamed {
        Unnamed::Constraint { table } | Unnamed::Index { table } => table,
    }
}

fn unnamed_kind(unnamed: &Unnamed) -> &'static str {
    match unnamed {
        Unnamed::Constraint { .. } => "constraint",
        Unnamed::Index { .. } => "index",
    }
}

/// The text of column `index` of a catalog row, empty when NULL or absent.
fn cell(row: &[Option<String>], index: usize) -> String {
    row.get(index).cloned().flatten().unwrap_or_default()
}

/// The first column of every row of `sql`, NULLs as empty text.
async fn first_cells(inspector: &mut Inspector, sql: &str) -> Result<Vec<String>, sqlx::Error> {
    Ok(inspector
        .rows(sql)
        .await?
        .iter()
        .map(|row| cell(row, 0))
        .collect())
}

/// `INSERT INTO into (c, …) SELECT c, … FROM from`: the rows of a rebuilt
/// table copied back, the names already quoted. PostgreSQL's takes the
/// values of identity columns as they are.
fn copy_rows(dialect: Dialect, into: &str, from: &str, columns: &[String]) -> String {
    let columns = columns.join(", ");
    let overriding = if dialect == Dialect::Postgres {
        " OVERRIDING SYSTEM VALUE"
    } else {
        ""
    };
    format!("INSERT INTO {into} ({columns}){overriding} SELECT {columns} FROM {from}")
}

/// Whether two column names are the same column: PostgreSQL compares them
/// exactly, the others ignoring case.
fn same_column(dialect: Dialect, a: &str, b: &str) -> bool {
    match dialect {
        Dialect::Postgres => a == b,
        Dialect::Sqlite | Dialect::MySql => a.eq_ignore_ascii_case(b),
    }
}

/// The names of `columns` (in their order) that are in `kept`, quoted: the
/// columns a rebuilt table's rows are copied back through.
fn kept_columns<'a>(
    dialect: Dialect,
    columns: impl IntoIterator<Item = &'a str>,
    kept: &[String],
) -> Vec<String> {
    columns
        .into_iter()
        .filter(|column| kept.iter().any(|kept| same_column(dialect, column, kept)))
        .map(|column| crate::quote::ident(dialect, column))
        .collect()
}

/// Catalog rows of (key, column), ordered by key then column position, as
/// the keys' columns. A key with a column of no name (an expression) is
/// left out: a value cannot be compared with it.
fn group_keys(rows: &[Vec<Option<String>>]) -> Vec<Vec<String>> {
    let mut keys: Vec<(String, Option<Vec<String>>)> = Vec::new();
    for row in rows {
        let (key, column) = (cell(row, 0), cell(row, 1));
        if keys.last().is_none_or(|(last, _)| *last != key) {
            keys.push((key, Some(Vec::new())));
        }
        if let Some((_, columns)) = keys.last_mut() {
            match columns {
                Some(list) if !column.is_empty() => list.push(column),
                _ => *columns = None,
            }
        }
    }
    keys.into_iter()
        .filter_map(|(_, columns)| columns)
        .collect()
}

/// The `DELETE`s that take out the rows an insert added (see
/// [`Need::InsertedRows`]), one per row, by the first of the table's unique
/// `keys` (each its columns) whose every column the insert gives a literal.
fn delete_inserted(
    dialect: Dialect,
    table: &rollback_core::sql::TableName,
    columns: &[String],
    rows: &[Vec<Option<String>>],
    keys: &[Vec<String>],
) -> Result<Recreated, NotRecreated> {
    let positions = |key: &Vec<String>| -> Option<Vec<(String, usize)>> {
        key.iter()
            .map(|part| {
                let at = columns
                    .iter()
                    .position(|column| same_column(dialect, column, part))?;
                rows.iter()
                    .all(|row| matches!(row.get(at), Some(Some(_))))
                    .then(|| (crate::quote::ident(dialect, part), at))
            })
            .collect()
    };
    let Some(key) = keys.iter().find_map(positions) else {
        return Err(NotRecreated::Unsupported(format!(
            "inserted rows cannot be told from the rows that were there: {table} has no unique key whose every column the insert gives a literal value"
        )));
    };
    let target = crate::quote::table(dialect, table);
    let deletes = rows
        .iter()
        .map(|row| {
            let condition = key
                .iter()
                .map(|(column, at)| format!("{column} = {}", cell(row, *at)))
                .collect::<Vec<_>>()
                .join(" AND ");
            format!("DELETE FROM {target} WHERE {condition}")
        })
        .collect();
    Ok(Recreated::from_statements(deletes))
}

impl Recreated {
    /// Recreated by `statements` alone, nothing left out.
    fn from_statements(statements: Vec<String>) -> Recreated {
        Recreated {
            statements,
            notes: Vec::new(),
        }
    }

    /// `self`, then `other`: its statements run after this one's.
    #[cfg(feature = "postgres")]
    fn then(mut self, other: Recreated) -> Recreated {
        self.statements.extend(other.statements);
        self.notes.extend(other.notes);
        self
    }

    /// `self` with `note` on what it does not bring back.
    fn noting(mut self, note: String) -> Recreated {
        self.notes.push(note);
        self
    }
}

#[cfg(test)]
mod tests;
