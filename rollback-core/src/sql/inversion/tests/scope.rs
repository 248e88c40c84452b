//! What the up creates, followed through the script: what acts on it needs
//! no undoing, and a table rebuild copies the rows back.

use super::{parts, recreate, skips, sql, table};
use crate::sql::dialect::Dialect;
use crate::sql::inversion::inverse::Need;
use crate::sql::inversion::invert_script;

#[test]
fn what_acts_on_a_created_table_is_dropped_with_it() {
    let up = "CREATE TABLE t (id int);
CREATE INDEX i ON t (id);
CREATE TRIGGER tr BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION g();
CREATE POLICY p ON t USING (true);
ALTER TABLE t ADD COLUMN c int, ADD CONSTRAINT k UNIQUE (c), ENABLE ROW LEVEL SECURITY;
INSERT INTO t VALUES (1);
UPDATE t SET c = 1;
DELETE FROM t;
CREATE VIEW v AS SELECT * FROM t";
    let inverses = invert_script(up, Dialect::Postgres);
    let created = Some("the down drops table t, which this up creates".to_string());
    let summary: Vec<_> = inverses
        .iter()
        .map(|inverse| (inverse.line, inverse.parts.clone(), inverse.skipped.clone()))
        .collect();
    let mut expected = vec![(9, vec![sql("DROP VIEW IF EXISTS v")], None)];
    expected.extend(
        (2..=8)
            .rev()
            .map(|line| (line, Vec::new(), created.clone())),
    );
    expected.push((1, vec![sql("DROP TABLE IF EXISTS t")], None));
    assert_eq!(summary, expected);
}

#[test]
fn a_created_table_is_followed_through_renames() {
    let up = "CREATE TABLE a (id int); ALTER TABLE a RENAME TO b; CREATE INDEX i ON b (id)";
    let inverses = invert_script(up, Dialect::Sqlite);
    let parts: Vec<_> = inverses
        .iter()
        .map(|inverse| inverse.parts.clone())
        .collect();
    assert_eq!(
        parts,
        [
            vec![],
            vec![sql("ALTER TABLE b RENAME TO a")],
            vec![sql("DROP TABLE IF EXISTS a")],
        ]
    );
}

const REBUILD: &str = "PRAGMA foreign_keys = OFF;
CREATE TABLE users_new (id INTEGER PRIMARY KEY, \"Name\" TEXT);
INSERT INTO users_new SELECT id, name FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
CREATE INDEX users_name ON users (\"Name\");
PRAGMA foreign_keys = ON;";

#[test]
fn sqlite_rebuild_copies_the_rows_back() {
    let inverses = invert_script(REBUILD, Dialect::Sqlite);
    let parts: Vec<_> = inverses
        .iter()
        .flat_map(|inverse| inverse.parts.clone())
        .collect();
    assert_eq!(
        parts,
        [
            recreate(Need::RebuildRename {
                table: table("users"),
                back_to: table("users_new"),
            }),
            recreate(Need::TableRebuild {
                table: table("users"),
                rows_from: table("users_new"),
                kept_columns: vec!["id".to_string(), "Name".to_string()],
            }),
            sql("DROP TABLE IF EXISTS users_new"),
        ]
    );
    let lines: Vec<_> = inverses.iter().map(|inverse| inverse.line).collect();
    assert_eq!(lines, [7, 6, 5, 4, 3, 2, 1]);
}

#[test]
fn rebuild_renaming_the_old_table_away_first() {
    let up = "ALTER TABLE ciphers RENAME TO oldCiphers;
CREATE TABLE ciphers (uuid TEXT PRIMARY KEY, data TEXT);
INSERT INTO ciphers SELECT uuid, data FROM oldCiphers;
DROP TABLE oldCiphers;";
    let parts: Vec<_> = invert_script(up, Dialect::Sqlite)
        .into_iter()
        .flat_map(|inverse| inverse.parts)
        .collect();
    assert_eq!(
        parts,
        [
            recreate(Need::TableRebuild {
                table: table("oldCiphers"),
                rows_from: table("ciphers"),
                kept_columns: vec!["uuid".to_string(), "data".to_string()],
            }),
            sql("DROP TABLE IF EXISTS ciphers"),
            sql("ALTER TABLE oldCiphers RENAME TO ciphers"),
            recreate(Need::References {
                table: table("ciphers")
            }),
        ]
    );
}

#[test]
fn a_table_created_then_dropped_is_read_back_before_it_is_dropped() {
    let parts: Vec<_> = invert_script("CREATE TABLE t (id int); DROP TABLE t", Dialect::Postgres)
        .into_iter()
        .flat_map(|inverse| inverse.parts)
        .collect();
    assert_eq!(
        parts,
        [
            recreate(Need::Table { table: table("t") }),
            sql("DROP TABLE IF EXISTS t")
        ]
    );
}

#[test]
fn a_rename_of_an_object_the_up_creates_is_kept() {
    let parts: Vec<_> = invert_script(
        "CREATE TYPE a AS ENUM ('x'); ALTER TYPE a RENAME TO b; ALTER TYPE b ADD VALUE 'y'",
        Dialect::Postgres,
    )
    .into_iter()
    .map(|inverse| inverse.parts)
    .collect();
    assert_eq!(
        parts,
        [
            vec![],
            vec![sql("ALTER TYPE b RENAME TO a")],
            vec![sql("DROP TYPE IF EXISTS a")],
        ],
        "a renamed type is followed: its new label goes with it"
    );
    assert_eq!(
        skips(
            "CREATE TYPE a AS ENUM ('x'); ALTER TYPE a ADD VALUE 'y'",
            Dialect::Postgres
        ),
        [
            Some("the down drops type a, which this up creates".to_string()),
            None
        ]
    );
}

#[test]
fn a_sqlite_table_renamed_back_gets_the_text_that_names_it_back() {
    let sqlite = Dialect::Sqlite;
    assert_eq!(
        parts("ALTER TABLE a RENAME TO b", sqlite),
        [
            sql("ALTER TABLE b RENAME TO a"),
            recreate(Need::References { table: table("a") }),
        ]
    );
    // A table the up creates has nothing else naming it before the up.
    let inverses = invert_script(
        "CREATE TABLE a (id INTEGER); ALTER TABLE a RENAME TO b",
        sqlite,
    );
    assert_eq!(inverses[0].parts, [sql("ALTER TABLE b RENAME TO a")]);
}
