//! Statements that destroy stored data or definitions, with an effect per
//! table, view, schema or column they destroy.

use super::{
    ALL, assert_class, change_type, class_and_effects, drop_column, drop_table, effects, qualified,
    table,
};
use crate::sql::analysis::analyze_statement;
use crate::sql::analysis::analyzed::{Effect, StatementClass};
use crate::sql::dialect::Dialect;

#[test]
fn drop_table_in_every_dialect() {
    for dialect in ALL {
        assert_eq!(
            analyze_statement("DROP TABLE users", dialect),
            (StatementClass::Destructive, vec![drop_table("users")], None)
        );
        assert_eq!(
            effects("DROP TABLE IF EXISTS a, b", dialect),
            [drop_table("a"), drop_table("b")]
        );
    }
}

#[test]
fn postgres_multi_table_drop_with_cascade_folds_names() {
    assert_eq!(
        effects(
            r#"DROP TABLE IF EXISTS a, "B", Sales.Orders CASCADE"#,
            Dialect::Postgres
        ),
        [
            drop_table("a"),
            drop_table("B"),
            Effect::DropTable {
                table: qualified("sales", "orders")
            },
        ]
    );
}

#[test]
fn drop_column_in_every_dialect() {
    for dialect in ALL {
        assert_eq!(
            analyze_statement("ALTER TABLE t DROP COLUMN c", dialect),
            (
                StatementClass::Destructive,
                vec![drop_column("t", "c")],
                None
            )
        );
    }
    assert_eq!(
        effects("ALTER TABLE t DROP c", Dialect::MySql),
        [drop_column("t", "c")]
    );
}

#[test]
fn postgres_type_changes() {
    for sql in [
        "ALTER TABLE t ALTER COLUMN c TYPE bigint",
        "ALTER TABLE t ALTER c SET DATA TYPE text USING c::text",
    ] {
        assert_eq!(
            analyze_statement(sql, Dialect::Postgres),
            (
                StatementClass::Destructive,
                vec![change_type("t", "c")],
                None
            )
        );
    }
}

#[test]
fn mysql_type_changes_name_the_old_column() {
    for sql in [
        "ALTER TABLE t MODIFY c INT NOT NULL",
        "ALTER TABLE t MODIFY COLUMN c BIGINT",
    ] {
        assert_eq!(effects(sql, Dialect::MySql), [change_type("t", "c")]);
    }
    for sql in [
        "ALTER TABLE t CHANGE old new INT",
        "ALTER TABLE t CHANGE COLUMN `old` new INT",
    ] {
        assert_eq!(effects(sql, Dialect::MySql), [change_type("t", "old")]);
    }
}

#[test]
fn every_operation_of_an_alter_table_is_reported() {
    let (class, effects, _) = analyze_statement(
        "ALTER TABLE ONLY t ALTER COLUMN a TYPE bigint, DROP COLUMN b, ADD COLUMN c int, DROP COLUMN d",
        Dialect::Postgres,
    );
    assert_eq!(class, StatementClass::Destructive);
    assert_eq!(
        effects,
        [
            change_type("t", "a"),
            drop_column("t", "b"),
            drop_column("t", "d")
        ]
    );
    assert_eq!(
        class_and_effects(
            "ALTER TABLE t ADD COLUMN a INT, ADD COLUMN b INT",
            Dialect::MySql
        ),
        (StatementClass::Schema, Vec::new())
    );
}

#[test]
fn other_destructive_drops() {
    assert_class(
        Dialect::Postgres,
        StatementClass::Destructive,
        &[
            "DROP SEQUENCE s",
            "DROP TYPE mood",
            "DROP DOMAIN d",
            "DROP DATABASE d",
            "DROP EXTENSION citext CASCADE",
            "DROP FUNCTION f CASCADE",
        ],
    );
    assert_eq!(
        effects("DROP VIEW IF EXISTS v, w", Dialect::Postgres),
        [
            Effect::DropView {
                view: table("v"),
                materialized: false
            },
            Effect::DropView {
                view: table("w"),
                materialized: false
            },
        ]
    );
    assert_eq!(
        effects("DROP MATERIALIZED VIEW m", Dialect::Postgres),
        [Effect::DropView {
            view: table("m"),
            materialized: true
        }]
    );
    assert_eq!(
        effects("DROP SCHEMA Utils CASCADE", Dialect::Postgres),
        [Effect::DropSchema {
            schema: "utils".to_string(),
            cascade: true
        }]
    );
    assert_eq!(
        effects("DROP SCHEMA s", Dialect::Postgres),
        [Effect::DropSchema {
            schema: "s".to_string(),
            cascade: false
        }]
    );
    assert_eq!(
        effects("DROP VIEW v", Dialect::Sqlite),
        [Effect::DropView {
            view: table("v"),
            materialized: false
        }]
    );
}

#[test]
fn truncate() {
    assert_eq!(
        analyze_statement("TRUNCATE a, b RESTART IDENTITY CASCADE", Dialect::Postgres),
        (
            StatementClass::Destructive,
            vec![
                Effect::Truncate { table: table("a") },
                Effect::Truncate { table: table("b") }
            ],
            None
        )
    );
    assert_eq!(
        effects("TRUNCATE TABLE t", Dialect::MySql),
        [Effect::Truncate { table: table("t") }]
    );
}

#[test]
fn mariadb_create_or_replace_table_drops_the_old_one() {
    assert_eq!(
        class_and_effects("CREATE OR REPLACE TABLE t (id INT)", Dialect::MySql),
        (StatementClass::Destructive, vec![drop_table("t")])
    );
}
