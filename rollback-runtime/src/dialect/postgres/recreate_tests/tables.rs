//! PostgreSQL round trips of tables and columns: dropped, rebuilt and
//! qualified tables, dropped columns, changed column definitions.

use rollback_core::sql::{ColumnChanges, Need, TableName};

use super::{PG, SHOP};
use crate::dialect::reconstruct::tests::{Case, name};

#[tokio::test]
async fn a_dropped_table_comes_back_with_everything_that_went_with_it() {
    let case = Case {
        setup: SHOP,
        lossy: &["DROP TABLE \"Order\" CASCADE"],
        ..Case::default()
    };
    let Some(recreated) = case
        .round_trip(
            PG,
            Need::Table {
                table: name("Order"),
            },
        )
        .await
    else {
        return;
    };
    assert_eq!(
        recreated.notes,
        [
            "the current value of sequence \"Order_id_seq\"",
            "the rows of Order"
        ]
    );
}

#[tokio::test]
async fn a_table_with_an_identity_key_and_incoming_keys_comes_back() {
    let case = Case {
        setup: SHOP,
        // Rows of orders pointing at lost customers would fail the foreign key.
        up: &["DELETE FROM \"Order\""],
        lossy: &["DROP TABLE customers CASCADE"],
        ..Case::default()
    };
    case.round_trip(
        PG,
        Need::Table {
            table: name("customers"),
        },
    )
    .await;
}

#[tokio::test]
async fn a_table_outside_the_search_path_is_qualified() {
    let case = Case {
        setup: &[
            "CREATE SCHEMA shop",
            "CREATE TABLE shop.items (id bigserial PRIMARY KEY, name varchar(40) NOT NULL)",
            "CREATE INDEX items_name ON shop.items (name)",
        ],
        lossy: &["DROP TABLE shop.items"],
        ..Case::default()
    };
    let table = TableName {
        schema: Some("shop".to_owned()),
        name: "items".to_owned(),
    };
    case.round_trip(PG, Need::Table { table }).await;
}

#[tokio::test]
async fn dropped_columns_come_back_with_what_involved_them() {
    for (column, lossy) in [
        (
            "select",
            "ALTER TABLE \"Order\" DROP COLUMN \"select\" CASCADE",
        ),
        ("id", "ALTER TABLE \"Order\" DROP COLUMN id CASCADE"),
        ("qty", "ALTER TABLE \"Order\" DROP COLUMN qty CASCADE"),
        ("total", "ALTER TABLE \"Order\" DROP COLUMN total CASCADE"),
        ("note", "ALTER TABLE \"Order\" DROP COLUMN note CASCADE"),
        ("status", "ALTER TABLE \"Order\" DROP COLUMN status CASCADE"),
    ] {
        let case = Case {
            setup: SHOP,
            lossy: &[lossy],
            ..Case::default()
        };
        let need = Need::Column {
            table: name("Order"),
            column: column.to_owned(),
        };
        case.round_trip(PG, need).await;
    }
}

#[tokio::test]
async fn a_dropped_identity_column_comes_back() {
    let case = Case {
        setup: SHOP,
        lossy: &["ALTER TABLE customers DROP COLUMN id CASCADE"],
        ..Case::default()
    };
    let need = Need::Column {
        table: name("customers"),
        column: "id".to_owned(),
    };
    case.round_trip(PG, need).await;
}

#[tokio::test]
async fn changed_column_definitions_are_put_back() {
    let setup: &[&str] = &[
        "CREATE TABLE t (a varchar(10) NOT NULL DEFAULT 'x', b integer, c text COLLATE \"C\")",
        "CREATE INDEX t_a ON t (a)",
        "INSERT INTO t (a, b, c) VALUES ('y', 1, 'z')",
    ];
    let all = ColumnChanges {
        data_type: true,
        default: true,
        not_null: true,
        identity: false,
    };
    let cases: [(&str, ColumnChanges, &str); 4] = [
        (
            "a",
            all,
            "ALTER TABLE t ALTER COLUMN a TYPE text, ALTER COLUMN a DROP NOT NULL, ALTER COLUMN a SET DEFAULT 'z'",
        ),
        (
            "b",
            ColumnChanges {
                data_type: true,
                ..ColumnChanges::default()
            },
            "ALTER TABLE t ALTER COLUMN b TYPE bigint",
        ),
        (
            "b",
            ColumnChanges {
                default: true,
                not_null: true,
                ..ColumnChanges::default()
            },
            "ALTER TABLE t ALTER COLUMN b SET DEFAULT 5, ALTER COLUMN b SET NOT NULL",
        ),
        (
            "c",
            ColumnChanges {
                data_type: true,
                ..ColumnChanges::default()
            },
            "ALTER TABLE t ALTER COLUMN c TYPE varchar(3) COLLATE \"POSIX\"",
        ),
    ];
    for (column, changes, lossy) in cases {
        let case = Case {
            setup,
            lossy: &[lossy],
            same_rows: &["SELECT a || b || c FROM t"],
            ..Case::default()
        };
        let need = Need::ColumnDefinition {
            table: name("t"),
            column: column.to_owned(),
            now_named: None,
            changes,
        };
        case.round_trip(PG, need).await;
    }
}

#[tokio::test]
async fn an_identity_changed_to_always_is_generated_by_default_again() {
    let case = Case {
        setup: &[
            "CREATE TABLE \"Accounts\" (\"Id\" integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY)",
            "INSERT INTO \"Accounts\" DEFAULT VALUES",
        ],
        lossy: &["ALTER TABLE \"Accounts\" ALTER COLUMN \"Id\" SET GENERATED ALWAYS"],
        same_rows: &["SELECT \"Id\"::text FROM \"Accounts\""],
        ..Case::default()
    };
    let need = Need::ColumnDefinition {
        table: name("Accounts"),
        column: "Id".to_owned(),
        now_named: None,
        changes: ColumnChanges {
            identity: true,
            ..ColumnChanges::default()
        },
    };
    let Some(recreated) = case.round_trip(PG, need).await else {
        return;
    };
    assert_eq!(
        recreated.statements,
        ["ALTER TABLE \"Accounts\" ALTER COLUMN \"Id\" SET GENERATED BY DEFAULT"]
    );
}

#[tokio::test]
async fn a_rebuilt_table_comes_back_with_its_rows() {
    let case = Case {
        setup: &[
            "CREATE TABLE t (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, a text NOT NULL, b integer)",
            "CREATE INDEX t_a ON t (a)",
            "INSERT INTO t (a, b) VALUES ('x', 1), ('y', 2)",
        ],
        up: &[
            "CREATE TABLE new_t (id integer PRIMARY KEY, a text)",
            "INSERT INTO new_t (id, a) SELECT id, a FROM t",
        ],
        lossy: &["DROP TABLE t", "ALTER TABLE new_t RENAME TO t"],
        down: &["ALTER TABLE t RENAME TO new_t"],
        same_rows: &["SELECT string_agg(id || ':' || a, ',' ORDER BY id) FROM t"],
        ..Case::default()
    };
    let need = Need::TableRebuild {
        table: name("t"),
        rows_from: name("new_t"),
        kept_columns: vec!["id".to_owned(), "a".to_owned()],
    };
    case.round_trip(PG, need).await;
}

#[tokio::test]
async fn indexes_a_type_change_rewrites_come_back_as_they_were() {
    // PostgreSQL turns `date(day)` into `day` when `day` becomes a date.
    let case = Case {
        setup: &[
            "CREATE TABLE downloads (day timestamp NOT NULL, n integer)",
            "CREATE INDEX downloads_day ON downloads (date(day))",
            "CREATE INDEX downloads_recent ON downloads (n) WHERE day > '2020-01-01'",
            "CREATE INDEX downloads_n ON downloads (n)",
        ],
        lossy: &["ALTER TABLE downloads ALTER COLUMN day TYPE date"],
        ..Case::default()
    };
    let need = Need::ColumnDefinition {
        table: name("downloads"),
        column: "day".to_owned(),
        now_named: None,
        changes: ColumnChanges {
            data_type: true,
            ..ColumnChanges::default()
        },
    };
    let Some(recreated) = case.round_trip(PG, need).await else {
        return;
    };
    assert_eq!(recreated.statements.len(), 5, "{:?}", recreated.statements);
}
