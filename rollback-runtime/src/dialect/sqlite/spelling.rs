//! How SQLite spells what the generic code writes.

use rollback_core::sql::Dialect;

use super::snapshot::QUERIES;
use crate::dialect::snapshot::CatalogQueries;
use crate::dialect::spelling::Spelling;

/// SQLite.
pub(crate) struct Sqlite;

impl Spelling for Sqlite {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn catalog_names_fold_case(&self) -> bool {
        true
    }

    fn rows_per_second(&self) -> i64 {
        2_000_000
    }

    fn backup_readers(&self, _database: Option<&str>) -> String {
        "copies go beside their tables in the database file: whoever can read the file can read them".to_owned()
    }

    fn implicit_row_key(&self) -> Option<&'static str> {
        Some("rowid")
    }

    /// SQLite reports no count for `CREATE TABLE … AS SELECT`: the copy is
    /// created empty and filled by an `INSERT … SELECT`, which it counts, so
    /// the data is read once, not copied and then counted.
    fn copy_statements(&self, copy: &str, select: &str) -> Vec<String> {
        vec![
            format!("CREATE TABLE {copy} AS {select} LIMIT 0"),
            format!("INSERT INTO {copy} {select}"),
        ]
    }

    fn any_type_takes_text(&self) -> bool {
        true
    }

    /// `PRAGMA foreign_keys = …` is a no-op inside a transaction: an up that
    /// says it runs with foreign keys as the connection has them.
    fn ignored_in_transaction(&self, statement: &str) -> bool {
        let words: String = statement
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        let Some(pragma) = words.strip_prefix("pragma") else {
            return false;
        };
        let name = pragma.split_once('.').map_or(pragma, |(_, name)| name);
        ["foreign_keys=", "foreign_keys(", "\"foreign_keys\"="]
            .iter()
            .any(|form| name.starts_with(form))
    }

    fn fingerprint(&self, table: &str, columns: &[String]) -> String {
        let row: Vec<String> = columns
            .iter()
            .map(|column| format!("quote({column})"))
            .collect();
        format!(
            "SELECT count(*) || ':' || coalesce(group_concat(r, '|'), '') FROM (SELECT {} AS r FROM {table} ORDER BY 1)",
            row.join(" || ',' || ")
        )
    }

    fn snapshot_queries(&self) -> &'static CatalogQueries {
        &QUERIES
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_setting_foreign_keys_is_ignored_in_a_transaction() {
        for ignored in [
            "PRAGMA foreign_keys = OFF",
            "pragma FOREIGN_KEYS=1",
            "PRAGMA main.foreign_keys = ON",
            "PRAGMA foreign_keys(0)",
        ] {
            assert!(Sqlite.ignored_in_transaction(ignored), "{ignored}");
        }
        for kept in [
            "PRAGMA foreign_key_check",
            "PRAGMA foreign_keys",
            "PRAGMA legacy_alter_table = ON",
            "SELECT 1",
        ] {
            assert!(!Sqlite.ignored_in_transaction(kept), "{kept}");
        }
    }
}
