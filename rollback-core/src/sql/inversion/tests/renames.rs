//! Renames and moves, undone by their reverse.

use super::{cannot, down, parts, skips, sql, table};
use crate::sql::dialect::Dialect;
use crate::sql::inversion::inverse::{InversePart, Need};
use crate::sql::inversion::invert_script;

#[test]
fn renames_are_reversed() {
    for dialect in [Dialect::Sqlite, Dialect::Postgres] {
        assert_eq!(
            down("ALTER TABLE t RENAME COLUMN a TO b", dialect),
            ["ALTER TABLE t RENAME COLUMN b TO a"]
        );
    }
    let pg = Dialect::Postgres;
    assert_eq!(
        down("ALTER TABLE a RENAME TO b", pg),
        ["ALTER TABLE b RENAME TO a"]
    );
    assert_eq!(
        down("ALTER TABLE s.a RENAME TO b", pg),
        ["ALTER TABLE s.b RENAME TO a"]
    );
    assert_eq!(
        down("ALTER INDEX a RENAME TO b", pg),
        ["ALTER INDEX b RENAME TO a"]
    );
    assert_eq!(
        down("ALTER INDEX s.a RENAME TO b", pg),
        ["ALTER INDEX s.b RENAME TO a"]
    );
    assert_eq!(
        down("ALTER SEQUENCE a\n RENAME TO b", pg),
        ["ALTER SEQUENCE b RENAME TO a"]
    );
    assert_eq!(
        down("ALTER TRIGGER a ON t RENAME TO b", pg),
        ["ALTER TRIGGER b ON t RENAME TO a"]
    );
    assert_eq!(
        down("ALTER TABLE t RENAME CONSTRAINT a TO b", pg),
        ["ALTER TABLE t RENAME CONSTRAINT b TO a"]
    );
    assert_eq!(
        down("ALTER TYPE a RENAME TO b", pg),
        ["ALTER TYPE b RENAME TO a"]
    );
    assert_eq!(
        down("ALTER POLICY a ON t RENAME TO b", pg),
        ["ALTER POLICY b ON t RENAME TO a"]
    );
    let my = Dialect::MySql;
    assert_eq!(
        down("RENAME TABLE a TO b, c TO d", my),
        ["RENAME TABLE d TO c", "RENAME TABLE b TO a"]
    );
    assert_eq!(
        down("ALTER TABLE a RENAME TO b", my),
        ["RENAME TABLE b TO a"]
    );
    assert_eq!(
        down("ALTER TABLE t RENAME INDEX a TO b", my),
        ["ALTER TABLE t RENAME INDEX b TO a"]
    );
    assert_eq!(
        down("ALTER TABLE t RENAME COLUMN a TO b", my),
        ["ALTER TABLE t RENAME COLUMN b TO a"]
    );
}

#[test]
fn more_renames_and_alters_read_word_by_word() {
    let pg = Dialect::Postgres;
    assert_eq!(
        down("ALTER FUNCTION f (integer) RENAME TO g", pg),
        ["ALTER FUNCTION g(INTEGER) RENAME TO f"]
    );
    assert_eq!(
        cannot("ALTER FUNCTION f() OWNER TO joe", pg),
        "the function's previous owner, schema or options are not in the statement"
    );
    assert_eq!(
        skips(
            "CREATE SEQUENCE s START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1; ALTER SEQUENCE s OWNED BY t.id",
            pg
        ),
        [
            Some("the down drops sequence s, which this up creates".to_string()),
            None
        ]
    );
    assert!(
        cannot("ALTER SEQUENCE s OWNED BY t.id", pg).starts_with("sql parser error"),
        "the previous owner of a sequence the up did not create is unknown"
    );
    assert_eq!(
        skips(
            "CREATE TABLE t (id int); ALTER TABLE t ALTER CONSTRAINT c DEFERRABLE",
            pg
        ),
        [
            Some("the down drops table t, which this up creates".to_string()),
            None
        ]
    );
    assert_eq!(
        skips(
            "CREATE TABLE t (id int); CREATE INDEX i ON t (id); ALTER TABLE t RENAME INDEX i TO j",
            Dialect::MySql
        ),
        [
            Some("the down drops table t, which this up creates".to_string()),
            Some("the down drops table t, which this up creates".to_string()),
            None
        ]
    );
}

#[test]
fn a_rename_if_exists_is_undone_only_if_it_happened() {
    assert_eq!(
        parts(
            "ALTER INDEX IF EXISTS sgrif_testing RENAME TO by_downloads",
            Dialect::Postgres
        ),
        [InversePart::Conditional {
            sql: "ALTER INDEX by_downloads RENAME TO sgrif_testing".to_owned(),
            need: Need::Index {
                index: table("sgrif_testing"),
                table: None,
            },
            if_missing: false,
        }]
    );
}

#[test]
fn an_object_moved_to_another_schema_is_moved_back() {
    let pg = Dialect::Postgres;
    assert_eq!(
        down(r#"ALTER TABLE app."Accounts" SET SCHEMA public"#, pg),
        [r#"ALTER TABLE public."Accounts" SET SCHEMA app"#]
    );
    assert_eq!(
        down("ALTER TYPE app.kind SET SCHEMA billing", pg),
        ["ALTER TYPE billing.kind SET SCHEMA app"]
    );
    assert_eq!(
        cannot("ALTER SEQUENCE counter SET SCHEMA app", pg),
        "the statement does not name the schema the object leaves"
    );
    // A table the up creates is dropped where the down moved it back.
    let inverses = invert_script(
        "CREATE TABLE app.t (id int); ALTER TABLE app.t SET SCHEMA public",
        pg,
    );
    assert_eq!(inverses[1].parts, [sql("DROP TABLE IF EXISTS app.t")]);
}
