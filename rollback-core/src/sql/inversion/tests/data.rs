//! Statements that change rows: what cannot be inverted, and the rows a
//! plain insert adds.

use super::{ALL, cannot, parts, recreate, skips, table};
use crate::sql::dialect::Dialect;
use crate::sql::inversion::inverse::{InversePart, Need};

#[test]
fn data_changes_cannot_be_inverted() {
    for dialect in ALL {
        assert_eq!(
            cannot("DELETE FROM t WHERE id = 1", dialect),
            "deleted rows cannot be brought back"
        );
        assert_eq!(
            cannot("INSERT INTO t SELECT * FROM u", dialect),
            "inserted rows cannot be told from the rows that were there"
        );
        assert_eq!(
            cannot("UPDATE t SET a = 1", dialect),
            "the rows' previous values cannot be brought back"
        );
    }
    let pg = Dialect::Postgres;
    assert_eq!(
        cannot("TRUNCATE t", pg),
        "truncated rows cannot be brought back"
    );
    assert_eq!(
        cannot(
            "MERGE INTO t USING u ON t.id = u.id WHEN MATCHED THEN UPDATE SET a = 1",
            pg
        ),
        "merged rows cannot be told from the rows that were there"
    );
    assert_eq!(
        cannot("COPY t FROM STDIN", pg),
        "inserted rows cannot be told from the rows that were there"
    );
    assert_eq!(
        cannot("REPLACE INTO t VALUES (1)", Dialect::MySql),
        "replaced rows cannot be brought back"
    );
    assert_eq!(
        cannot("WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d", pg),
        "deleted rows cannot be brought back"
    );
    for (up, dialect) in [
        ("CALL p()", Dialect::MySql),
        ("EXECUTE stmt", Dialect::MySql),
        ("DO $$ BEGIN DELETE FROM t; END $$", pg),
    ] {
        assert!(cannot(up, dialect).contains("runs code"), "{up}");
    }
}

#[test]
fn more_data_statements_by_dialect() {
    let my = Dialect::MySql;
    assert_eq!(
        cannot("TRUNCATE TABLE t", my),
        "truncated rows cannot be brought back"
    );
    assert!(
        cannot("LOAD DATA INFILE 'x.csv' INTO TABLE t", my).starts_with("sql parser error"),
        "sqlparser 0.63 reads only Hive's LOAD DATA INPATH"
    );
    assert_eq!(
        cannot("INSERT INTO t VALUES (1) ON DUPLICATE KEY UPDATE a = 1", my),
        "the rows' previous values cannot be brought back"
    );
    assert_eq!(
        cannot("INSERT OR REPLACE INTO t VALUES (1)", Dialect::Sqlite),
        "replaced rows cannot be brought back"
    );
    assert_eq!(
        cannot("DELETE FROM t", Dialect::Sqlite),
        "deleted rows cannot be brought back"
    );
    assert_eq!(
        skips(
            "CREATE TABLE t (id int); INSERT INTO t VALUES (1); UPDATE t SET id = 2; DELETE FROM t; TRUNCATE t",
            my
        )
        .iter()
        .filter(|skipped| skipped.is_some())
        .count(),
        4
    );
    assert_eq!(
        cannot("UPDATE t JOIN u ON t.id = u.id SET u.a = 1", my),
        "the rows' previous values cannot be brought back",
        "u is not created by the up"
    );
}

#[test]
fn rows_a_plain_insert_adds_are_deleted_by_a_unique_key() {
    for dialect in ALL {
        assert_eq!(
            parts(
                "INSERT INTO roles (id, Name, note) VALUES (1, 'admin', now()), (-2, 'it''s', DEFAULT)",
                dialect
            ),
            [recreate(Need::InsertedRows {
                table: table("roles"),
                columns: ["id", "Name", "note"]
                    .map(|column| match dialect {
                        Dialect::Postgres => column.to_lowercase(),
                        _ => column.to_string(),
                    })
                    .to_vec(),
                rows: vec![
                    vec![Some("1".to_string()), Some("'admin'".to_string()), None],
                    vec![Some("-2".to_string()), Some("'it''s'".to_string()), None],
                ],
            })],
            "{dialect:?}"
        );
    }
    // What may touch rows already there, or names no columns, is not.
    for up in [
        "INSERT INTO roles VALUES (1, 'admin')",
        "INSERT INTO roles (id) VALUES (1) ON CONFLICT DO NOTHING",
        "INSERT INTO roles (id) SELECT id FROM old_roles",
    ] {
        assert!(
            matches!(
                parts(up, Dialect::Postgres).as_slice(),
                [InversePart::CannotInvert { .. }]
            ),
            "{up}"
        );
    }
    assert!(matches!(
        parts("INSERT IGNORE INTO roles (id) VALUES (1)", Dialect::MySql).as_slice(),
        [InversePart::CannotInvert { .. }]
    ));
}
