//! Statements that read or change rows, and which tables' rows they reach.

use super::{ALL, assert_class, class_and_effects, effects, table};
use crate::sql::analysis::analyze_statement;
use crate::sql::analysis::analyzed::{Effect, StatementClass};
use crate::sql::dialect::Dialect;

#[test]
fn data_statements_in_every_dialect() {
    for dialect in ALL {
        assert_class(
            dialect,
            StatementClass::Data,
            &[
                "INSERT INTO t (a) VALUES (1)",
                "INSERT INTO t SELECT * FROM u",
                "SELECT 1",
                "WITH x AS (SELECT 1) SELECT * FROM x",
            ],
        );
        assert_eq!(
            analyze_statement("DELETE FROM t WHERE id = 1", dialect),
            (
                StatementClass::Data,
                vec![Effect::DeleteRows { table: table("t") }],
                None
            )
        );
        assert_eq!(
            effects("UPDATE t SET a = 1", dialect),
            [Effect::UpdateRows { table: table("t") }]
        );
    }
    assert_class(
        Dialect::Postgres,
        StatementClass::Data,
        &["VALUES (1)", "COPY t FROM STDIN"],
    );
}

#[test]
fn upserts_and_replaces_touch_existing_rows() {
    assert_eq!(
        effects(
            "INSERT INTO t VALUES (1) ON CONFLICT (id) DO UPDATE SET a = 1",
            Dialect::Postgres
        ),
        [Effect::UpdateRows { table: table("t") }]
    );
    assert!(
        effects(
            "INSERT INTO t VALUES (1) ON CONFLICT DO NOTHING",
            Dialect::Postgres
        )
        .is_empty()
    );
    assert_eq!(
        effects(
            "INSERT INTO t VALUES (1) ON DUPLICATE KEY UPDATE a = 1",
            Dialect::MySql
        ),
        [Effect::UpdateRows { table: table("t") }]
    );
    assert_eq!(
        class_and_effects("REPLACE INTO t VALUES (1)", Dialect::MySql),
        (
            StatementClass::Data,
            vec![Effect::DeleteRows { table: table("t") }]
        )
    );
    assert_eq!(
        effects("INSERT OR REPLACE INTO t VALUES (1)", Dialect::Sqlite),
        [Effect::DeleteRows { table: table("t") }]
    );
}

#[test]
fn data_modifying_parts_of_queries() {
    assert_eq!(
        effects(
            "WITH d AS (DELETE FROM t RETURNING *) INSERT INTO u SELECT * FROM d",
            Dialect::Postgres
        ),
        [Effect::DeleteRows { table: table("t") }]
    );
    assert_eq!(
        effects("WITH x AS (SELECT 1) UPDATE t SET a = 1", Dialect::Postgres),
        [Effect::UpdateRows { table: table("t") }]
    );
    assert_eq!(
        effects("DELETE FROM t USING u WHERE t.id = u.id", Dialect::Postgres),
        [Effect::DeleteRows { table: table("t") }]
    );
    assert_eq!(
        effects(
            "UPDATE t SET a = 1 FROM u WHERE t.id = u.id",
            Dialect::Postgres
        ),
        [Effect::UpdateRows { table: table("t") }]
    );
    assert_eq!(
        effects(
            "MERGE INTO t USING u ON t.id = u.id WHEN MATCHED THEN UPDATE SET a = 1 WHEN NOT MATCHED THEN INSERT VALUES (1)",
            Dialect::Postgres
        ),
        [Effect::UpdateRows { table: table("t") }]
    );
}

#[test]
fn mysql_multi_table_deletes_and_updates() {
    assert_eq!(
        effects("DELETE a FROM t AS a JOIN u ON a.id = u.id", Dialect::MySql),
        [Effect::DeleteRows { table: table("t") }]
    );
    assert_eq!(
        effects(
            "DELETE t1, t2 FROM t1 JOIN t2 ON t1.id = t2.id",
            Dialect::MySql
        ),
        [
            Effect::DeleteRows { table: table("t1") },
            Effect::DeleteRows { table: table("t2") }
        ]
    );
    assert_eq!(
        effects(
            "UPDATE t1 AS a JOIN t2 AS b ON a.id = b.id SET b.x = 1",
            Dialect::MySql
        ),
        [
            Effect::UpdateRows { table: table("t1") },
            Effect::UpdateRows { table: table("t2") }
        ]
    );
}
