//! The dialect, string literals and database names the MySQL
//! reconstruction writes.

use rollback_core::sql::{Dialect, TableName};

use crate::dialect::quote::literal;

pub(super) const MY: Dialect = Dialect::MySql;

pub(super) fn lit(text: &str) -> String {
    literal(MY, text)
}

/// The database an object is in, for `information_schema`: its schema, or
/// the connection's.
pub(super) fn database(name: &TableName) -> String {
    name.schema
        .as_deref()
        .map_or_else(|| "DATABASE()".to_owned(), lit)
}
