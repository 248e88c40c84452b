//! The SQL of backups and restores, as text: pure, so that every dialect's
//! spelling is unit-tested without a database.
//!
//! A backup is a copy made with `CREATE TABLE … AS SELECT` inside the
//! database, next to the data: nothing passes through this process, so memory
//! stays flat however large the table, and on SQLite and PostgreSQL the copy
//! is part of the rollback's own transaction.

use rollback_core::sql::{Dialect, TableName};

use crate::dialect::{quote, spelling};

/// Where a database has no schema for backups, they are tables with this
/// prefix, beside the table they copy.
pub(crate) const TABLE_PREFIX: &str = "_rollback_backup_";

/// The name of the copy: `<id>_<position>_<table>[_<column>]`, in the
/// dialect's backup schema (PostgreSQL, unless `beside_source`: a run
/// confined to a tenant's schema), elsewhere prefixed and in `database`
/// when one is set for backups (MySQL), else beside the source; cut to
/// the dialect's identifier limit (63 bytes on PostgreSQL, 64 on MySQL),
/// which the id and position keep unique.
pub(crate) fn copy_name(
    dialect: Dialect,
    beside_source: bool,
    id: i64,
    position: i64,
    table: &TableName,
    column: Option<&str>,
    database: Option<&str>,
) -> TableName {
    let mut stem = format!("{id}_{position}_{}", table.name);
    if let Some(column) = column {
        stem.push('_');
        stem.push_str(column);
    }
    let spelling = spelling(dialect);
    let limit = spelling.identifier_limit();
    match spelling.backup_schema().filter(|_| !beside_source) {
        Some(schema) => TableName {
            schema: Some(schema.to_owned()),
            name: cut(&stem, limit),
        },
        None => TableName {
            schema: database.map(str::to_owned).or_else(|| table.schema.clone()),
            name: cut(&format!("{TABLE_PREFIX}{stem}"), limit),
        },
    }
}

/// At most `limit` bytes, on a character boundary.
fn cut(name: &str, limit: usize) -> String {
    let mut end = name.len().min(limit);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    name[..end].to_owned()
}

/// A column in a copy or a restore, with the type to cast it to, if any.
///
/// PostgreSQL copies hold values of the database's own types as they are,
/// but values of types defined by a migration (enums, domains, extension
/// types such as `hstore`) as text: a copy that used those types would stop
/// the down from dropping them. A restore casts every value to the live
/// column's type, which turns such text back into the type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Column<'a> {
    pub name: &'a str,
    pub cast: Option<&'a str>,
}

impl Column<'_> {
    /// `b."name"`, cast when asked.
    fn value(&self, dialect: Dialect, table: &str) -> String {
        let value = format!("{table}.{}", quote::ident(dialect, self.name));
        match self.cast {
            Some(cast) => format!("CAST({value} AS {cast})"),
            None => value,
        }
    }
}

/// The statements that copy `columns` of a table (for a column, the key
/// that finds its row again and the column itself); the last one reports the
/// rows copied: one `CREATE TABLE … AS SELECT` where the database reports its
/// count (see [`Spelling::copy_statements`](crate::dialect::Spelling::copy_statements)).
pub(crate) fn copy_statements(
    dialect: Dialect,
    copy: &TableName,
    source: &TableName,
    columns: &[Column<'_>],
) -> Vec<String> {
    let selected = columns
        .iter()
        .map(|column| match column.cast {
            Some(_) => format!(
                "{} AS {}",
                column.value(dialect, "s"),
                quote::ident(dialect, column.name)
            ),
            None => column.value(dialect, "s"),
        })
        .collect::<Vec<_>>()
        .join(", ");
    let copy = quote::table(dialect, copy);
    let select = format!(
        "SELECT {selected} FROM {} AS s",
        quote::table(dialect, source)
    );
    spelling(dialect).copy_statements(&copy, &select)
}

/// `t.k = b.k AND …`, each copied key value cast to the live key's type.
fn key_match(dialect: Dialect, key: &[Column<'_>]) -> String {
    key.iter()
        .map(|k| {
            format!(
                "t.{} = {}",
                quote::ident(dialect, k.name),
                k.value(dialect, "b")
            )
        })
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// The statement that puts a copied column's values back into the rows that
/// have the same key.
pub(crate) fn restore_column(
    dialect: Dialect,
    copy: &TableName,
    target: &TableName,
    column: Column<'_>,
    key: &[Column<'_>],
) -> String {
    let matches = key_match(dialect, key);
    let (copy, target) = (quote::table(dialect, copy), quote::table(dialect, target));
    let (name, value) = (
        quote::ident(dialect, column.name),
        column.value(dialect, "b"),
    );
    spelling(dialect).update_from(&target, &copy, &name, &value, &matches)
}

/// The statement that inserts the copied rows whose key the table does not
/// have (all of them when `key` is empty: the caller checks that the table
/// is empty then). `columns` are the ones both tables have and an `INSERT`
/// may set; `overriding` lets the database (PostgreSQL) take copied values for `GENERATED
/// ALWAYS` identity columns.
pub(crate) fn restore_rows(
    dialect: Dialect,
    copy: &TableName,
    target: &TableName,
    columns: &[Column<'_>],
    key: &[Column<'_>],
    overriding: bool,
) -> String {
    let list = columns
        .iter()
        .map(|c| quote::ident(dialect, c.name))
        .collect::<Vec<_>>()
        .join(", ");
    let selected = columns
        .iter()
        .map(|c| c.value(dialect, "b"))
        .collect::<Vec<_>>()
        .join(", ");
    let (copy, target) = (quote::table(dialect, copy), quote::table(dialect, target));
    let overriding = if overriding {
        spelling(dialect).overriding_identity()
    } else {
        ""
    };
    let mut statement =
        format!("INSERT INTO {target} ({list}){overriding} SELECT {selected} FROM {copy} AS b");
    if !key.is_empty() {
        statement.push_str(&format!(
            " WHERE NOT EXISTS (SELECT 1 FROM {target} AS t WHERE {})",
            key_match(dialect, key)
        ));
    }
    statement
}

/// The statement that drops a copy.
pub(crate) fn drop_copy(dialect: Dialect, copy: &TableName) -> String {
    format!("DROP TABLE IF EXISTS {}", quote::table(dialect, copy))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(name: &str) -> TableName {
        TableName {
            schema: None,
            name: name.to_owned(),
        }
    }

    #[test]
    fn copies_live_in_the_backup_schema_or_beside_the_source() {
        let orders = table("orders");
        assert_eq!(
            copy_name(Dialect::Postgres, false, 3, 1, &orders, Some("note"), None),
            TableName {
                schema: Some("_rollback_backup".to_owned()),
                name: "3_1_orders_note".to_owned()
            }
        );
        assert_eq!(
            copy_name(Dialect::Sqlite, false, 3, 2, &orders, None, None).name,
            "_rollback_backup_3_2_orders"
        );
        assert_eq!(
            copy_name(Dialect::MySql, false, 3, 2, &orders, None, Some("vault")),
            TableName {
                schema: Some("vault".to_owned()),
                name: "_rollback_backup_3_2_orders".to_owned()
            }
        );
        assert_eq!(
            copy_name(Dialect::Postgres, true, 3, 1, &orders, None, None),
            TableName {
                schema: None,
                name: "_rollback_backup_3_1_orders".to_owned()
            }
        );
    }

    #[test]
    fn long_names_are_cut_to_the_identifier_limit_on_a_character_boundary() {
        let long = table(&"é".repeat(40));
        let pg = copy_name(Dialect::Postgres, false, 12, 1, &long, None, None).name;
        assert!(pg.len() <= 63 && pg.starts_with("12_1_é"), "{pg}");
        let mysql = copy_name(Dialect::MySql, false, 12, 1, &long, None, None).name;
        assert!(mysql.len() <= 64 && mysql.starts_with("_rollback_backup_12_1_"));
    }

    fn plain(name: &str) -> Column<'_> {
        Column { name, cast: None }
    }

    #[test]
    fn copies_select_their_columns_and_cast_where_asked() {
        let copy = table("_rollback_backup_1_1_t_c");
        assert_eq!(
            copy_statements(
                Dialect::Sqlite,
                &copy,
                &table("t"),
                &[plain("id"), plain("c")]
            ),
            [
                r#"CREATE TABLE "_rollback_backup_1_1_t_c" AS SELECT s."id", s."c" FROM "t" AS s LIMIT 0"#,
                r#"INSERT INTO "_rollback_backup_1_1_t_c" SELECT s."id", s."c" FROM "t" AS s"#
            ]
        );
        let mood = Column {
            name: "mood",
            cast: Some("text"),
        };
        let postgres = copy_statements(Dialect::Postgres, &copy, &table("t"), &[plain("id"), mood]);
        let select = r#"SELECT s."id", CAST(s."mood" AS text) AS "mood" FROM "t" AS s"#;
        assert_eq!(postgres.len(), 4, "{postgres:?}");
        assert_eq!(
            postgres[0],
            format!(r#"CREATE TABLE "_rollback_backup_1_1_t_c" AS {select} WITH NO DATA"#)
        );
        assert!(
            postgres[1].starts_with("DO $rollback_seal$")
                && postgres[1].contains(r#"to_regclass('"_rollback_backup_1_1_t_c"')"#),
            "{}",
            postgres[1]
        );
        assert_eq!(
            postgres[2],
            r#"ALTER TABLE "_rollback_backup_1_1_t_c" ENABLE ROW LEVEL SECURITY"#
        );
        assert_eq!(
            postgres[3],
            format!(r#"INSERT INTO "_rollback_backup_1_1_t_c" {select}"#)
        );
        assert_eq!(
            copy_statements(Dialect::MySql, &copy, &table("t"), &[plain("id")]),
            ["CREATE TABLE `_rollback_backup_1_1_t_c` AS SELECT s.`id` FROM `t` AS s"]
        );
    }

    #[test]
    fn columns_are_restored_by_key_in_each_dialect() {
        let (copy, target) = (table("b"), table("t"));
        let key = [plain("a"), plain("z")];
        let mood = Column {
            name: "c",
            cast: Some("mood"),
        };
        assert_eq!(
            restore_column(Dialect::Postgres, &copy, &target, mood, &key),
            r#"UPDATE "t" AS t SET "c" = CAST(b."c" AS mood) FROM "b" AS b WHERE t."a" = b."a" AND t."z" = b."z""#
        );
        assert_eq!(
            restore_column(Dialect::MySql, &copy, &target, plain("c"), &key[..1]),
            "UPDATE `t` AS t JOIN `b` AS b ON t.`a` = b.`a` SET t.`c` = b.`c`"
        );
    }

    #[test]
    fn rows_are_restored_where_their_key_is_missing() {
        let (copy, target) = (table("b"), table("t"));
        let columns = [plain("id"), plain("note")];
        assert_eq!(
            restore_rows(
                Dialect::Postgres,
                &copy,
                &target,
                &columns,
                &columns[..1],
                true
            ),
            r#"INSERT INTO "t" ("id", "note") OVERRIDING SYSTEM VALUE SELECT b."id", b."note" FROM "b" AS b WHERE NOT EXISTS (SELECT 1 FROM "t" AS t WHERE t."id" = b."id")"#
        );
        assert_eq!(
            restore_rows(Dialect::Sqlite, &copy, &target, &columns, &[], false),
            r#"INSERT INTO "t" ("id", "note") SELECT b."id", b."note" FROM "b" AS b"#
        );
    }
}
