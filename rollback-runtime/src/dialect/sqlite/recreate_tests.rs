//! SQLite round trips.

use rollback_core::sql::{ColumnChanges, Dialect, Need, Unnamed};

use crate::dialect::NotRecreated;
use crate::dialect::reconstruct::tests::names;
use crate::dialect::reconstruct::tests::{Case, Db, name, outcome};

const SQLITE: Dialect = Dialect::Sqlite;

const SHOP: &[&str] = &[
    "CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT UNIQUE)",
    "CREATE TABLE \"Order\" ( -- one row per order
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        customer_id INTEGER REFERENCES customers (id) ON DELETE CASCADE,
        \"select\" TEXT NOT NULL DEFAULT 'a' CHECK (\"select\" <> ''),
        note TEXT COLLATE NOCASE,
        UNIQUE (customer_id, \"select\")
    )",
    "CREATE INDEX order_note ON \"Order\" (lower(note)) WHERE note IS NOT NULL",
    "CREATE TRIGGER order_touch AFTER UPDATE OF note ON \"Order\" BEGIN
        UPDATE \"Order\" SET \"select\" = 'b' WHERE id = new.id; -- touched
    END",
    "CREATE TABLE lines (order_id INTEGER REFERENCES \"Order\" (id))",
    "CREATE VIEW open_orders AS SELECT id, note FROM \"Order\" WHERE note IS NULL",
    "INSERT INTO customers (id, email) VALUES (1, 'a@example.com')",
    "INSERT INTO \"Order\" (customer_id, \"select\", note) VALUES (1, 'a', 'first'), (1, 'b', NULL)",
];

#[tokio::test]
async fn a_dropped_table_comes_back_with_its_indexes_and_triggers() {
    let case = Case {
        setup: SHOP,
        lossy: &["DROP TABLE \"Order\""],
        ..Case::default()
    };
    let Some(recreated) = case
        .round_trip(
            SQLITE,
            Need::Table {
                table: name("Order"),
            },
        )
        .await
    else {
        return;
    };
    assert_eq!(recreated.statements.len(), 3);
    assert!(recreated.statements[0].contains("-- one row per order"));
    assert_eq!(recreated.notes, ["the rows of Order"]);
}

#[tokio::test]
async fn a_plain_column_is_added_back() {
    let case = Case {
        setup: &[
            "CREATE TABLE t (id INTEGER PRIMARY KEY, note TEXT NOT NULL DEFAULT 'n' COLLATE NOCASE CHECK (length(note) < 10), b INT)",
        ],
        lossy: &["ALTER TABLE t DROP COLUMN note"],
        ..Case::default()
    };
    let need = Need::Column {
        table: name("t"),
        column: "note".to_owned(),
    };
    let Some(recreated) = case.round_trip(SQLITE, need).await else {
        return;
    };
    assert_eq!(
        recreated.statements,
        [
            "ALTER TABLE \"t\" ADD COLUMN note TEXT NOT NULL DEFAULT 'n' COLLATE NOCASE CHECK (length(note) < 10)"
        ]
    );
    assert_eq!(recreated.notes, ["the values of t.note"]);
}

#[tokio::test]
async fn a_column_add_column_refuses_rebuilds_the_table_in_place() {
    let case = Case {
        setup: &[
            "CREATE TABLE \"select\" (id INTEGER PRIMARY KEY, created TEXT DEFAULT CURRENT_TIMESTAMP, body TEXT)",
            "CREATE INDEX select_body ON \"select\" (body)",
            "CREATE TRIGGER select_touch AFTER INSERT ON \"select\" BEGIN SELECT 1; END",
            "CREATE VIEW bodies AS SELECT body FROM \"select\"",
            "INSERT INTO \"select\" (id, body) VALUES (1, 'x'), (2, 'y')",
        ],
        lossy: &["ALTER TABLE \"select\" DROP COLUMN created"],
        same_rows: &[
            "SELECT group_concat(id || ':' || body, ',') FROM \"select\"",
            "SELECT group_concat(sql, ';') FROM sqlite_master WHERE tbl_name = 'select'",
        ],
        ..Case::default()
    };
    let need = Need::Column {
        table: name("select"),
        column: "created".to_owned(),
    };
    let Some(recreated) = case.round_trip(SQLITE, need).await else {
        return;
    };
    assert!(recreated.statements[1].contains("RENAME TO \"_rollback_old_select\""));
}

#[tokio::test]
async fn a_rebuild_that_would_misdirect_foreign_keys_is_refused() {
    let setup = &[
        "CREATE TABLE t (id INTEGER PRIMARY KEY, created TEXT DEFAULT CURRENT_TIMESTAMP)",
        "CREATE TABLE child (t_id INTEGER REFERENCES t (id))",
    ];
    let need = Need::Column {
        table: name("t"),
        column: "created".to_owned(),
    };
    let refused = outcome(SQLITE, setup, need).await;
    assert!(
        matches!(&refused, Some(Err(NotRecreated::Unsupported(reason))) if reason.contains("child")),
        "{refused:?}"
    );
}

#[tokio::test]
async fn indexes_views_and_triggers_come_back_as_written() {
    let cases = [
        (
            Need::Index {
                index: name("order_note"),
                table: None,
            },
            "DROP INDEX order_note",
        ),
        (
            Need::View {
                view: name("open_orders"),
                materialized: false,
            },
            "DROP VIEW open_orders",
        ),
        (
            Need::Trigger {
                name: name("order_touch"),
                table: None,
            },
            "DROP TRIGGER order_touch",
        ),
    ];
    for (need, lossy) in cases {
        let case = Case {
            setup: SHOP,
            lossy: &[lossy],
            ..Case::default()
        };
        case.round_trip(SQLITE, need).await;
    }
}

#[tokio::test]
async fn a_rebuilt_table_comes_back_with_its_rows() {
    let case = Case {
        setup: &[
            "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT NOT NULL, b INT DEFAULT 3)",
            "CREATE INDEX t_a ON t (a)",
            "CREATE TRIGGER t_touch AFTER UPDATE ON t BEGIN SELECT 1; END",
            "INSERT INTO t (id, a, b) VALUES (1, 'x', 5), (2, 'y', 6)",
        ],
        up: &[
            "CREATE TABLE new_t (id INTEGER PRIMARY KEY, a TEXT)",
            "INSERT INTO new_t (id, a) SELECT id, a FROM t",
        ],
        lossy: &[
            "DROP TABLE t",
            "ALTER TABLE new_t RENAME TO t",
            "CREATE INDEX t_a ON t (a)",
        ],
        down: &["ALTER TABLE t RENAME TO new_t"],
        same_rows: &["SELECT group_concat(id || ':' || a, ',') FROM t"],
        ..Case::default()
    };
    let need = Need::TableRebuild {
        table: name("t"),
        rows_from: name("new_t"),
        kept_columns: vec!["id".to_owned(), "a".to_owned()],
    };
    case.round_trip(SQLITE, need).await;
}

#[tokio::test]
async fn what_sqlite_cannot_do_is_refused_and_what_is_not_there_is_missing() {
    let setup = &["CREATE TABLE t (a INT)"];
    let changed = Need::ColumnDefinition {
        table: name("t"),
        column: "a".to_owned(),
        now_named: None,
        changes: ColumnChanges::default(),
    };
    let Some(refused) = outcome(SQLITE, setup, changed).await else {
        return;
    };
    assert!(matches!(refused, Err(NotRecreated::Unsupported(_))));
    let index = Need::Index {
        index: name("nothing"),
        table: None,
    };
    let missing = outcome(SQLITE, setup, index).await;
    assert!(matches!(missing, Some(Err(NotRecreated::Missing(_)))));
    let column = Need::Column {
        table: name("t"),
        column: "b".to_owned(),
    };
    let missing = outcome(SQLITE, setup, column).await;
    assert!(matches!(missing, Some(Err(NotRecreated::Missing(_)))));
}

#[tokio::test]
async fn sqlite_names_nothing() {
    let Some(mut db) = Db::open(SQLITE).await else {
        return;
    };
    db.run(&["CREATE TABLE t (a INT)"]).await;
    let unnamed = Unnamed::Constraint { table: name("t") };
    let found = names(&mut db.inspector, &unnamed).await.expect("names");
    assert!(found.is_empty());
    db.close().await;
}

#[tokio::test]
async fn a_table_renamed_back_gets_the_text_that_names_it_back() {
    // SQLite rewrites `ON items` as `ON "products"` in the index, trigger
    // and view, and renaming back leaves `ON "items"`.
    let case = Case {
        setup: &[
            "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT)",
            "CREATE INDEX items_name ON items (name)",
            "CREATE TRIGGER items_touch AFTER UPDATE ON items BEGIN SELECT 1; END",
            "CREATE VIEW named AS SELECT name FROM items WHERE name IS NOT NULL",
            "CREATE VIEW line_items AS SELECT 1 AS one",
        ],
        lossy: &["ALTER TABLE items RENAME TO products"],
        down: &["ALTER TABLE products RENAME TO items"],
        ..Case::default()
    };
    let Some(recreated) = case
        .round_trip(
            SQLITE,
            Need::References {
                table: name("items"),
            },
        )
        .await
    else {
        return;
    };
    assert_eq!(recreated.statements.len(), 8, "{:?}", recreated.statements);
}
