//! How PostgreSQL spells what the generic code writes.

use rollback_core::sql::Dialect;

use super::snapshot::QUERIES;
use crate::dialect::quote::ident;
use crate::dialect::snapshot::CatalogQueries;
use crate::dialect::spelling::{SentinelValue, Spelling};
use crate::schema::{ObjectKey, Snapshot};

/// PostgreSQL.
pub(crate) struct Postgres;

impl Spelling for Postgres {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn identifier_limit(&self) -> usize {
        63
    }

    /// The catalog keeps a name as created, and `"Name"` and `name` are
    /// two columns.
    fn same_column(&self, a: &str, b: &str) -> bool {
        a == b
    }

    fn rows_per_second(&self) -> i64 {
        1_000_000
    }

    fn backup_schema(&self) -> Option<&'static str> {
        Some("_rollback_backup")
    }

    fn casts_copied_values(&self) -> bool {
        true
    }

    fn overriding_identity(&self) -> &'static str {
        " OVERRIDING SYSTEM VALUE"
    }

    /// Functions are overloaded: the argument list finds the one created.
    fn drop_routine(&self, kind: &str, name: &str, arguments: Option<&str>) -> String {
        let signature = arguments.map_or_else(String::new, |arguments| format!("({arguments})"));
        format!("DROP {kind} IF EXISTS {name}{signature}")
    }

    /// A trigger's name is unique on its table only.
    fn drop_trigger(&self, qualified_name: &str, name: &str, table: Option<&str>) -> String {
        match table {
            Some(table) => format!("DROP TRIGGER IF EXISTS {name} ON {table}"),
            None => format!("DROP TRIGGER IF EXISTS {qualified_name}"),
        }
    }

    /// A snapshot names a table outside the current schema `schema.name`.
    fn snapshot_table(&self, name: &str) -> String {
        match name.split_once('.') {
            Some((schema, table)) => format!(
                "{}.{}",
                ident(Dialect::Postgres, schema),
                ident(Dialect::Postgres, table)
            ),
            None => ident(Dialect::Postgres, name),
        }
    }

    /// Arrays take the empty array; enums their first label.
    fn special_sentinel(&self, kind: &str, schema: &Snapshot) -> Option<Option<SentinelValue>> {
        if kind.ends_with("[]") {
            return Some(Some(SentinelValue::loose("'{}'")));
        }
        let labels = schema
            .objects
            .get(&ObjectKey {
                kind: "type".to_owned(),
                name: kind.to_owned(),
            })?
            .get("labels")?;
        Some(labels.split(", ").next().map(SentinelValue::loose))
    }

    fn true_literal(&self) -> &'static str {
        "true"
    }

    /// `hex()` is not PostgreSQL's.
    fn hex_of(&self, expression: &str) -> String {
        format!("encode({expression}, 'hex')")
    }

    fn fingerprint(&self, table: &str, _columns: &[String]) -> String {
        format!(
            "SELECT count(*)::text || ':' || coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '') FROM {table} AS x"
        )
    }

    fn snapshot_queries(&self) -> &'static CatalogQueries {
        &QUERIES
    }
}
