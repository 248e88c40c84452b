//! The shape of the catalog queries a [`Snapshot`] of the schema is read
//! with; each dialect's `snapshot.rs` holds its own.

use crate::schema::Snapshot;

/// One dialect's catalog queries.
pub(crate) struct CatalogQueries {
    /// Queries returning `(kind, name, attribute, value)` rows, all text; a
    /// row with a NULL attribute or value only says that the object exists.
    pub objects: &'static [&'static str],
    /// One query returning `(table, column)` rows in column order.
    pub column_order: &'static str,
    /// What the dialect does to the rows once read (SQLite takes its check
    /// constraints out of the table's text).
    pub finish: Option<fn(&mut Snapshot)>,
}
