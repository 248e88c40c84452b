//! Reading back, from a scratch database's catalog, what an up statement is
//! about to remove or change, as the SQL that puts it back (DESIGN §7). Each
//! dialect implements [`Reconstruct`]; the generator calls it just before it
//! runs the statement, so the
//! definitions are those the earlier migrations and statements produced.
//! Definitions are read raw, never from a normalized [`Snapshot`](crate::Snapshot):
//! a function body with `--` comments must survive.
use std::collections::BTreeSet;

use async_trait::async_trait;
use rollback_core::sql::{Need, TableName, Unnamed};

use super::inspector::Inspector;
use super::quote;
use super::spelling::Spelling;

/// The SQL that puts back what a statement removes or changes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Recreated {
    /// Complete statements, in the order the down runs them, without `;`.
    pub statements: Vec<String>,
    /// What the statements do not bring back, for a comment in the down:
    /// "the rows of orders", "the values of orders.note".
    pub notes: Vec<String>,
    /// Statements the whole down must run between, outside any
    /// transaction, for these statements to be right: SQLite turns foreign
    /// keys off so, which it ignores inside a transaction.
    pub surrounding: Option<Surrounding>,
}

/// What a down runs first and last, outside any transaction (its
/// `-- rollback:no-transaction`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Surrounding {
    /// Run before the down's first statement.
    pub before: Vec<String>,
    /// Run after its last.
    pub after: Vec<String>,
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

/// How one database reads back, from its catalog, what a statement is about
/// to remove or change (`generate`'s reconstruction).
#[async_trait]
pub(crate) trait Reconstruct: Spelling {
    /// The SQL that puts `need` back as the scratch database holds it now.
    async fn recreate(
        &self,
        inspector: &mut Inspector,
        need: &Need,
    ) -> Result<Recreated, NotRecreated>;

    /// The names of the objects of `unnamed`'s kind on its table now: read
    /// before and after the statement, the new name is the one it created.
    /// By default none: the database names everything it creates (SQLite:
    /// constraints live in the table's text, `CREATE INDEX` always names
    /// the index).
    async fn names(
        &self,
        _inspector: &mut Inspector,
        _unnamed: &Unnamed,
    ) -> Result<BTreeSet<Named>, sqlx::Error> {
        Ok(BTreeSet::new())
    }

    /// The statement that drops the object `unnamed` describes, created under
    /// `name`; call it after the statement that created the object ran (the
    /// statement may depend on what the catalog says the object is).
    async fn drop_unnamed(
        &self,
        _inspector: &mut Inspector,
        unnamed: &Unnamed,
        _name: &str,
    ) -> Result<String, NotRecreated> {
        Err(NotRecreated::Unsupported(format!(
            "{} creates no unnamed {}",
            self.dialect().as_str(),
            unnamed_kind(unnamed)
        )))
    }
}

/// The table an unnamed object belongs to.
pub(crate) fn unnamed_table(unnamed: &Unnamed) -> &TableName {
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
pub(crate) fn cell(row: &[Option<String>], index: usize) -> String {
    row.get(index).cloned().flatten().unwrap_or_default()
}

/// The first column of every row of `sql`, NULLs as empty text.
pub(crate) async fn first_cells(
    inspector: &mut Inspector,
    sql: &str,
) -> Result<Vec<String>, sqlx::Error> {
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
pub(crate) fn copy_rows(
    spelling: &dyn Spelling,
    into: &str,
    from: &str,
    columns: &[String],
) -> String {
    let columns = columns.join(", ");
    let overriding = spelling.overriding_identity();
    format!("INSERT INTO {into} ({columns}){overriding} SELECT {columns} FROM {from}")
}

/// The names of `columns` (in their order) that are in `kept`, quoted: the
/// columns a rebuilt table's rows are copied back through.
pub(crate) fn kept_columns<'a>(
    spelling: &dyn Spelling,
    columns: impl IntoIterator<Item = &'a str>,
    kept: &[String],
) -> Vec<String> {
    columns
        .into_iter()
        .filter(|column| kept.iter().any(|kept| spelling.same_column(column, kept)))
        .map(|column| quote::ident(spelling.dialect(), column))
        .collect()
}

/// Catalog rows of (key, column), ordered by key then column position, as
/// the keys' columns. A key with a column of no name (an expression) is
/// left out: a value cannot be compared with it.
pub(crate) fn group_keys(rows: &[Vec<Option<String>>]) -> Vec<Vec<String>> {
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
pub(crate) fn delete_inserted(
    spelling: &dyn Spelling,
    table: &TableName,
    columns: &[String],
    rows: &[Vec<Option<String>>],
    keys: &[Vec<String>],
) -> Result<Recreated, NotRecreated> {
    let positions = |key: &Vec<String>| -> Option<Vec<(String, usize)>> {
        key.iter()
            .map(|part| {
                let at = columns
                    .iter()
                    .position(|column| spelling.same_column(column, part))?;
                rows.iter()
                    .all(|row| matches!(row.get(at), Some(Some(_))))
                    .then(|| (quote::ident(spelling.dialect(), part), at))
            })
            .collect()
    };
    let Some(key) = keys.iter().find_map(positions) else {
        return Err(NotRecreated::Unsupported(format!(
            "inserted rows cannot be told from the rows that were there: {table} has no unique key whose every column the insert gives a literal value"
        )));
    };
    let target = quote::table(spelling.dialect(), table);
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
    pub(crate) fn from_statements(statements: Vec<String>) -> Recreated {
        Recreated {
            statements,
            notes: Vec::new(),
            surrounding: None,
        }
    }

    /// `self`, then `other`: its statements run after this one's.
    pub(crate) fn then(mut self, other: Recreated) -> Recreated {
        self.statements.extend(other.statements);
        self.notes.extend(other.notes);
        self.surrounding = self.surrounding.or(other.surrounding);
        self
    }

    /// `self`, its down run between `surrounding`'s statements.
    pub(crate) fn surrounded(mut self, surrounding: Surrounding) -> Recreated {
        self.surrounding = Some(surrounding);
        self
    }

    /// `self` with `note` on what it does not bring back.
    pub(crate) fn noting(mut self, note: String) -> Recreated {
        self.notes.push(note);
        self
    }
}

#[cfg(all(test, any(feature = "sqlite", feature = "postgres", feature = "mysql")))]
pub(crate) mod tests;
