//! Whole scripts: merged verdicts, text and lines, and the table rebuild
//! seen across statements.

use super::{ALL, class, drop_table, table};
use crate::sql::analysis::analyzed::{Effect, StatementClass};
use crate::sql::analysis::{analyze_script, analyze_statement};
use crate::sql::dialect::Dialect;

#[test]
fn the_worst_class_of_several_statements_wins() {
    let (worst, effects, reason) = analyze_statement(
        "CREATE TABLE a (id int); DROP TABLE b; SELECT 1",
        Dialect::Sqlite,
    );
    assert_eq!(worst, StatementClass::Destructive);
    assert_eq!(effects, [drop_table("b")]);
    assert_eq!(reason, None);
    assert_eq!(
        class("DELETE FROM t; CALL p()", Dialect::MySql),
        StatementClass::Unclassified
    );
    assert_eq!(
        analyze_statement("-- nothing", Dialect::Postgres),
        (StatementClass::Schema, Vec::new(), None)
    );
}

#[test]
fn scripts_keep_text_and_lines() {
    let analyzed = analyze_script(
        "-- seed\nINSERT INTO t VALUES (1);\n\nDROP TABLE t;\nnonsense",
        Dialect::Sqlite,
    );
    let summary: Vec<_> = analyzed
        .iter()
        .map(|s| (s.sql.as_str(), s.line, s.class))
        .collect();
    assert_eq!(
        summary,
        [
            ("INSERT INTO t VALUES (1)", 2, StatementClass::Data),
            ("DROP TABLE t", 4, StatementClass::Destructive),
            ("nonsense", 5, StatementClass::Unclassified),
        ]
    );
}

const REBUILD: &str = "PRAGMA foreign_keys = OFF;
CREATE TABLE users_new (id INTEGER PRIMARY KEY, \"Name\" TEXT);
INSERT INTO users_new SELECT id, name FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
PRAGMA foreign_keys = ON;";

#[test]
fn sqlite_rebuild_replaces_the_drop_table() {
    let analyzed = analyze_script(REBUILD, Dialect::Sqlite);
    let classes: Vec<_> = analyzed.iter().map(|s| s.class).collect();
    assert_eq!(
        classes,
        [
            StatementClass::Schema,
            StatementClass::Schema,
            StatementClass::Data,
            StatementClass::Destructive,
            StatementClass::Schema,
            StatementClass::Schema,
        ]
    );
    assert_eq!(
        analyzed[3].effects,
        [Effect::RebuildTable {
            table: table("users"),
            kept_columns: vec!["id".to_string(), "Name".to_string()],
        }]
    );
    assert_eq!(
        analyze_statement("DROP TABLE users", Dialect::Sqlite).1,
        [drop_table("users")],
        "no script-level rule for one statement"
    );
}

#[test]
fn rebuild_names_match_after_folding() {
    let script = "CREATE TABLE Users_New (id int, Email text);
DROP TABLE USERS;
ALTER TABLE users_new RENAME TO \"users\";";
    assert_eq!(
        effects_of(script, Dialect::Postgres),
        [Effect::RebuildTable {
            table: table("users"),
            kept_columns: vec!["id".to_string(), "email".to_string()],
        }]
    );
    assert_eq!(
        effects_of(script, Dialect::Sqlite),
        [Effect::RebuildTable {
            table: table("USERS"),
            kept_columns: vec!["id".to_string(), "Email".to_string()],
        }]
    );
}

fn effects_of(script: &str, dialect: Dialect) -> Vec<Effect> {
    analyze_script(script, dialect)
        .into_iter()
        .flat_map(|s| s.effects)
        .collect()
}

#[test]
fn rebuild_renaming_the_old_table_away_first() {
    let script = "ALTER TABLE ciphers RENAME TO oldCiphers;
CREATE TABLE ciphers (uuid TEXT PRIMARY KEY, data TEXT);
INSERT INTO ciphers SELECT uuid, data FROM oldCiphers;
DROP TABLE oldCiphers;";
    assert_eq!(
        effects_of(script, Dialect::Sqlite),
        [Effect::RebuildTable {
            table: table("ciphers"),
            kept_columns: vec!["uuid".to_string(), "data".to_string()],
        }]
    );
    let mysql = "RENAME TABLE ciphers TO oldCiphers;
CREATE TABLE ciphers (uuid TEXT, data TEXT);
DROP TABLE oldCiphers, other;";
    assert_eq!(
        effects_of(mysql, Dialect::MySql),
        [
            Effect::RebuildTable {
                table: table("ciphers"),
                kept_columns: vec!["uuid".to_string(), "data".to_string()],
            },
            drop_table("other"),
        ]
    );
}

#[test]
fn not_a_rebuild() {
    for script in [
        // No new table renamed into place.
        "CREATE TABLE users_new (id int); DROP TABLE users;",
        // Renamed into place, but never created here.
        "DROP TABLE users; ALTER TABLE users_new RENAME TO users;",
        // Renamed before the drop: the drop removes the renamed table.
        "CREATE TABLE users_new (id int); ALTER TABLE users_new RENAME TO users; DROP TABLE users;",
        // A new table with no column list: what survives is not known.
        "CREATE TABLE users_new AS SELECT * FROM users; DROP TABLE users; ALTER TABLE users_new RENAME TO users;",
    ] {
        assert!(
            effects_of(script, Dialect::Sqlite).contains(&drop_table("users")),
            "{script}"
        );
    }
}

#[test]
fn deep_nesting_does_not_overflow() {
    let nested = format!("SELECT {}1{}", "(".repeat(5000), ")".repeat(5000));
    for dialect in ALL {
        assert_eq!(class(&nested, dialect), StatementClass::Unclassified);
    }
}
