//! Grants, session settings, maintenance, and statements the parser cannot
//! read or cargo-rollback does not know.

use super::{ALL, cannot, down};
use crate::sql::dialect::Dialect;
use crate::sql::inversion::invert_script;

#[test]
fn grants_and_revokes_are_swapped() {
    let pg = Dialect::Postgres;
    assert_eq!(
        down("GRANT SELECT ON t TO reader", pg),
        ["REVOKE SELECT ON t FROM reader"]
    );
    assert_eq!(
        down("REVOKE ALL ON t FROM reader", pg),
        ["GRANT ALL ON t TO reader"]
    );
}

#[test]
fn unreadable_and_unknown_statements() {
    for dialect in ALL {
        for up in ["garbage here", "DROP TABLE", "ALTER TABLE t DROP COLUMN"] {
            assert!(cannot(up, dialect).starts_with("sql parser error"), "{up}");
        }
    }
    assert_eq!(
        cannot("EXPLAIN SELECT 1", Dialect::Postgres),
        "not a statement kind cargo-rollback can invert"
    );
    assert!(
        cannot(
            "ALTER TABLE t ALTER CONSTRAINT c DEFERRABLE",
            Dialect::Postgres
        )
        .starts_with("sql parser error")
    );
}

#[test]
fn session_reads_and_maintenance_are_skipped() {
    for (up, dialect) in [
        ("SET search_path TO public", Dialect::Postgres),
        ("SET CONSTRAINTS ALL DEFERRED", Dialect::Postgres),
        ("RESET ALL", Dialect::Postgres),
        ("PRAGMA foreign_keys = OFF", Dialect::Sqlite),
        ("PRAGMA foreign_keys = 1", Dialect::Sqlite),
        ("SET FOREIGN_KEY_CHECKS = 0", Dialect::MySql),
        ("SELECT 1", Dialect::Sqlite),
        ("VALUES (1)", Dialect::Postgres),
        ("WITH x AS (SELECT 1) SELECT * FROM x", Dialect::Postgres),
        ("BEGIN", Dialect::Sqlite),
        ("COMMIT", Dialect::Postgres),
        ("START TRANSACTION", Dialect::MySql),
        ("ANALYZE t", Dialect::Postgres),
        ("VACUUM", Dialect::Sqlite),
        ("REINDEX TABLE t", Dialect::Postgres),
        ("COPY t TO STDOUT", Dialect::Postgres),
    ] {
        let inverse = &invert_script(up, dialect)[0];
        assert!(inverse.parts.is_empty(), "{up}: {inverse:?}");
        assert!(inverse.skipped.is_some(), "{up}");
    }
    assert!(invert_script("-- only a comment\n", Dialect::Postgres).is_empty());
}

#[test]
fn deep_nesting_does_not_overflow() {
    let nested = format!("SELECT {}1{}", "(".repeat(5000), ")".repeat(5000));
    for dialect in ALL {
        assert_eq!(invert_script(&nested, dialect).len(), 1);
    }
}
