//! What is unclassified, and why; and the short list of kinds the parser
//! cannot read that are harmless anyway.

use super::{ALL, assert_class, class, reason};
use crate::sql::analysis::analyze_statement;
use crate::sql::analysis::analyzed::StatementClass;
use crate::sql::dialect::Dialect;

#[test]
fn code_run_from_elsewhere_is_unclassified() {
    for (sql, dialect) in [
        ("CALL p()", Dialect::MySql),
        ("CALL p()", Dialect::Postgres),
        ("EXECUTE stmt", Dialect::MySql),
        ("DO $$ BEGIN DELETE FROM t; END $$", Dialect::Postgres),
    ] {
        let (class, effects, reason) = analyze_statement(sql, dialect);
        assert_eq!(class, StatementClass::Unclassified, "{sql}");
        assert!(effects.is_empty());
        assert!(
            reason.is_some_and(|reason| reason.contains("runs code")),
            "{sql}"
        );
    }
}

#[test]
fn unreadable_statements_are_unclassified_with_the_parsers_reason() {
    for dialect in ALL {
        for sql in [
            "DROP TABLE",
            "garbage here",
            "SELECT 'unterminated",
            "ALTER TABLE t DROP COLUMN",
            "((((",
        ] {
            let (class, effects, reason) = analyze_statement(sql, dialect);
            assert_eq!(class, StatementClass::Unclassified, "{sql}");
            assert!(effects.is_empty());
            assert!(
                reason
                    .as_deref()
                    .is_some_and(|r| r.starts_with("sql parser error")),
                "{sql}: {reason:?}"
            );
        }
    }
}

#[test]
fn known_kinds_the_module_does_not_judge_are_unclassified() {
    assert_eq!(
        reason("EXPLAIN SELECT 1", Dialect::Postgres),
        "not a statement kind cargo-rollback knows"
    );
}

#[test]
fn harmless_kinds_sqlparser_cannot_read() {
    assert_class(
        Dialect::Sqlite,
        StatementClass::Schema,
        &[
            "PRAGMA foreign_keys = OFF",
            "PRAGMA legacy_alter_table=ON",
            "REINDEX",
        ],
    );
    assert_class(
        Dialect::Postgres,
        StatementClass::Schema,
        &[
            "SET CONSTRAINTS ALL DEFERRED",
            "COMMENT ON FUNCTION f(int4) IS 'x'",
            "comment on constraint c on t is 'x'",
            "REINDEX TABLE t",
            "CREATE statistics s ON a, b FROM t",
            "DROP STATISTICS s",
            "CREATE SEQUENCE s START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1",
            "CREATE TABLE t (id int, CONSTRAINT t_id_not_null NOT NULL id)",
            "CREATE RULE r AS ON INSERT TO t DO INSTEAD NOTHING",
            "ALTER SEQUENCE s OWNED BY t.id",
            "ALTER SEQUENCE s\n    RENAME TO u",
            "ALTER TRIGGER tr ON t RENAME TO tr2",
            "ALTER INDEX IF EXISTS i RENAME TO j",
            "ALTER VIEW v RENAME TO w",
            "DROP INDEX CONCURRENTLY IF EXISTS i",
            "DROP RULE r ON t",
            "-- why\nREINDEX TABLE t;",
        ],
    );
    assert_class(
        Dialect::Postgres,
        StatementClass::Data,
        &["REFRESH MATERIALIZED VIEW m"],
    );
    assert_class(
        Dialect::MySql,
        StatementClass::Schema,
        &["PREPARE stmt FROM @sql"],
    );
}

#[test]
fn the_harmless_list_is_narrow() {
    for (sql, dialect) in [
        ("ALTER SEQUENCE s RESTART WITH 1", Dialect::Postgres),
        (
            "ALTER TABLE t ALTER CONSTRAINT c DEFERRABLE",
            Dialect::Postgres,
        ),
        ("ALTER TABLE t ENGINE = InnoDB", Dialect::MySql),
        ("REINDEX TABLE t; DROP TABLE u", Dialect::Postgres),
        ("PRAGMA foreign_keys = OFF", Dialect::Postgres),
        (
            "CREATE OR REPLACE TABLE t (id INT) SELECT 1 x y",
            Dialect::MySql,
        ),
        ("SELECT", Dialect::Postgres),
    ] {
        assert_eq!(class(sql, dialect), StatementClass::Unclassified, "{sql}");
    }
}
