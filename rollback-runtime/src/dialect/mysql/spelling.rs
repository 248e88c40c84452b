//! How MySQL and MariaDB spell what the generic code writes.

use rollback_core::sql::Dialect;

use super::snapshot::QUERIES;
use crate::dialect::quote::{ident, literal};
use crate::dialect::snapshot::CatalogQueries;
use crate::dialect::spelling::{SentinelValue, Spelling};
use crate::schema::Snapshot;

/// MySQL and MariaDB.
pub(crate) struct MySql;

impl Spelling for MySql {
    fn dialect(&self) -> Dialect {
        Dialect::MySql
    }

    fn rows_per_second(&self) -> i64 {
        500_000
    }

    /// Grants are per database or table: a database of their own keeps the
    /// copies from everyone with `SELECT` on the data's database.
    fn backup_database(&self, database: &str) -> Option<String> {
        Some(format!(
            "CREATE DATABASE IF NOT EXISTS {} CHARACTER SET utf8mb4",
            ident(Dialect::MySql, database)
        ))
    }

    fn backup_readers(&self, database: Option<&str>) -> String {
        match database {
            Some(database) => format!(
                "copies go to database {}: any user with SELECT on it, or global SELECT, can read them",
                ident(Dialect::MySql, database)
            ),
            None => "copies go beside their tables: any user with SELECT on the database, or global SELECT, can read them (a backup database keeps them apart)".to_owned(),
        }
    }

    /// MySQL has no `UPDATE … FROM`: the copy is joined.
    fn update_from(
        &self,
        target: &str,
        copy: &str,
        column: &str,
        value: &str,
        matches: &str,
    ) -> String {
        format!("UPDATE {target} AS t JOIN {copy} AS b ON {matches} SET t.{column} = {value}")
    }

    /// `ENUM` and `SET` columns take their first label.
    fn special_sentinel(&self, kind: &str, _schema: &Snapshot) -> Option<Option<SentinelValue>> {
        let lower = kind.to_lowercase();
        if !(lower.starts_with("enum(") || lower.starts_with("set(")) {
            return None;
        }
        Some(
            kind.split('\'')
                .nth(1)
                .map(|label| SentinelValue::loose(literal(Dialect::MySql, label))),
        )
    }

    /// `CAST(… AS TEXT)` is not MySQL's spelling.
    fn text_of(&self, expression: &str) -> String {
        format!("CAST({expression} AS CHAR)")
    }

    fn fingerprint(&self, table: &str, columns: &[String]) -> String {
        let row: Vec<String> = columns
            .iter()
            .map(|column| format!("QUOTE({column})"))
            .collect();
        format!(
            "SELECT CAST(CONCAT(COUNT(*), ':', COALESCE(MD5(GROUP_CONCAT(r ORDER BY r SEPARATOR '|')), '')) AS CHAR) FROM (SELECT CONCAT_WS(',', {}) AS r FROM {table}) AS x",
            row.join(", ")
        )
    }

    fn snapshot_queries(&self) -> &'static CatalogQueries {
        &QUERIES
    }
}
