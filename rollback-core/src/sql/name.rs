//! Names as the databases store them: a table's name with its schema, and
//! identifiers folded the way each database folds them, so that two
//! spellings of one object compare equal. Classification and inversion both
//! read names through these.

use std::fmt;

use sqlparser::ast::{Ident, ObjectName, ObjectNamePart, TableFactor};

use super::dialect::Dialect;

/// A table as the database names it: quotes removed; unquoted identifiers
/// folded the way the database folds them (PostgreSQL: lowercase; SQLite and
/// MySQL: as written), so that two spellings of one table compare equal.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct TableName {
    /// The schema (or MySQL database) the name was qualified with, if any.
    pub schema: Option<String>,
    /// The table's own name.
    pub name: String,
}

impl fmt::Display for TableName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.schema {
            Some(schema) => write!(f, "{schema}.{}", self.name),
            None => f.write_str(&self.name),
        }
    }
}

/// A named table of a `FROM` item, with its alias folded; `None` for
/// subqueries and table functions.
pub(super) fn named_table(
    factor: &TableFactor,
    dialect: Dialect,
) -> Option<(TableName, Option<String>)> {
    match factor {
        TableFactor::Table { name, alias, .. } => Some((
            table_name(name, dialect),
            alias.as_ref().map(|alias| fold(&alias.name, dialect)),
        )),
        _ => None,
    }
}

/// The table an unqualified name stands for when it is an alias of one of
/// `known`; the name itself otherwise.
pub(super) fn resolve_alias(name: TableName, known: &[(TableName, Option<String>)]) -> TableName {
    if name.schema.is_some() {
        return name;
    }
    known
        .iter()
        .find(|(_, alias)| alias.as_ref() == Some(&name.name))
        .map_or(name, |(table, _)| table.clone())
}

/// The table part of a qualified column (`t.c`, `s.t.c`), folded.
pub(super) fn qualifier(column: &ObjectName, dialect: Dialect) -> Option<String> {
    let parts = &column.0;
    let index = parts.len().checked_sub(2)?;
    parts.get(index).map(|part| fold_part(part, dialect))
}

/// An identifier as the database stores it. PostgreSQL folds unquoted names
/// to lower case, ASCII letters only (as it does in UTF-8 databases); SQLite
/// and MySQL keep them as written.
pub(super) fn fold(ident: &Ident, dialect: Dialect) -> String {
    match (ident.quote_style, dialect) {
        (None, Dialect::Postgres) => ident.value.to_ascii_lowercase(),
        _ => ident.value.clone(),
    }
}

/// One part of a dotted name; a part computed by a function (not in these
/// dialects) is kept as the parser prints it.
fn fold_part(part: &ObjectNamePart, dialect: Dialect) -> String {
    match part {
        ObjectNamePart::Identifier(ident) => fold(ident, dialect),
        ObjectNamePart::Function(_) => part.to_string(),
    }
}

/// `name`, `schema.name`, or `database.schema.name` (of which the last two
/// parts are kept).
pub(super) fn table_name(name: &ObjectName, dialect: Dialect) -> TableName {
    let mut parts = name.0.iter().rev().map(|part| fold_part(part, dialect));
    let own = parts.next().unwrap_or_default();
    TableName {
        schema: parts.next(),
        name: own,
    }
}

/// The full name a table gets from `RENAME TO to`: an unqualified new name
/// stays in the table's schema.
pub(super) fn renamed_to(from: &TableName, to: &ObjectName, dialect: Dialect) -> TableName {
    let mut to = table_name(to, dialect);
    if to.schema.is_none() {
        to.schema.clone_from(&from.schema);
    }
    to
}

/// Whether two names are one table. SQLite compares names without regard to
/// ASCII case, quoted or not; the others compare the folded names.
pub(super) fn same_table(a: &TableName, b: &TableName, dialect: Dialect) -> bool {
    let key = |name: &TableName| match dialect {
        Dialect::Sqlite => TableName {
            schema: name.schema.as_ref().map(|s| s.to_ascii_lowercase()),
            name: name.name.to_ascii_lowercase(),
        },
        Dialect::Postgres | Dialect::MySql => name.clone(),
    };
    key(a) == key(b)
}
