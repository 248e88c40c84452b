//! The dialect and string literals the PostgreSQL reconstruction writes.

use rollback_core::sql::Dialect;

use crate::dialect::quote::literal;

pub(super) const PG: Dialect = Dialect::Postgres;

/// `text` as a string literal.
pub(super) fn lit(text: &str) -> String {
    literal(PG, text)
}
