//! Every rule on its own bad and good example (the ones docs/lint.md
//! shows), and the engine's handling of lint-ignore, levels and downs.

use std::fs;

use super::{Finding, Level, LintOptions, Severity, lint, rules};
use crate::sql::dialect::Dialect;
use crate::{EmptyDown, LoadOptions, load};

/// The migration every example follows.
const BASE_UP: &str = "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(200), name TEXT, status VARCHAR(20));\nCREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id), total INTEGER);\n";
const BASE_DOWN: &str = "DROP TABLE orders;\nDROP TABLE users;\n";

/// Lints a folder of the base migration and one with `up` and `down`
/// (`SELECT 1` when empty), returning the second's findings.
fn lint_example(up: &str, down: &str, options: &LintOptions) -> Vec<Finding> {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("1_base.up.sql"), BASE_UP).unwrap();
    fs::write(dir.path().join("1_base.down.sql"), BASE_DOWN).unwrap();
    fs::write(dir.path().join("2_change.up.sql"), up).unwrap();
    let down = if down.is_empty() { "SELECT 1;" } else { down };
    fs::write(dir.path().join("2_change.down.sql"), down).unwrap();
    let load_options = LoadOptions {
        empty_down: EmptyDown::Irreversible,
        ..LoadOptions::default()
    };
    let loaded = load(dir.path(), &load_options).unwrap();
    lint(&loaded.migrations, options, &|migration| {
        migration.version().as_str() == "2"
    })
}

fn codes(findings: &[Finding]) -> Vec<&'static str> {
    findings.iter().map(|finding| finding.code).collect()
}

#[test]
fn there_are_at_least_thirty_rules_with_unique_codes() {
    let mut all: Vec<&str> = rules().map(|rule| rule.code).collect();
    assert!(all.len() >= 30, "{} rules", all.len());
    let count = all.len();
    all.sort_unstable();
    all.dedup();
    assert_eq!(all.len(), count, "duplicate codes");
    for rule in rules() {
        assert!(
            rule.code.starts_with("RB") && rule.code.len() == 5,
            "{}",
            rule.code
        );
        assert!(
            !rule.why.is_empty() && !rule.fix.is_empty(),
            "{}",
            rule.code
        );
        assert!(!rule.dialects.is_empty(), "{}", rule.code);
    }
}

#[test]
fn every_rule_reports_its_bad_example_and_not_its_good_one() {
    for rule in rules() {
        let options = LintOptions::new(rule.dialects[0]);
        let bad = lint_example(rule.bad.up, rule.bad.down, &options);
        assert!(
            codes(&bad).contains(&rule.code),
            "{} ({}) missed its bad example: {bad:#?}",
            rule.code,
            rule.name
        );
        let good = lint_example(rule.good.up, rule.good.down, &options);
        assert!(
            !codes(&good).contains(&rule.code),
            "{} ({}) reported its good example: {good:#?}",
            rule.code,
            rule.name
        );
    }
}

#[test]
fn dialect_specific_rules_stay_in_their_dialect() {
    for rule in rules().filter(|rule| rule.dialects.len() == 1) {
        for dialect in [Dialect::Sqlite, Dialect::Postgres, Dialect::MySql] {
            if dialect == rule.dialects[0] {
                continue;
            }
            let found = lint_example(rule.bad.up, rule.bad.down, &LintOptions::new(dialect));
            assert!(
                !codes(&found).contains(&rule.code),
                "{} fired on {}",
                rule.code,
                dialect.as_str()
            );
        }
    }
}

#[test]
fn findings_name_file_line_severity_and_fix() {
    let options = LintOptions::new(Dialect::Postgres);
    let found = lint_example(
        "CREATE TABLE notes (body TEXT);\n\nDROP TABLE orders;\n",
        "",
        &options,
    );
    let drop = found
        .iter()
        .find(|finding| finding.code == "RB101")
        .unwrap();
    assert!(drop.path.ends_with("2_change.up.sql"), "{}", drop.path);
    assert_eq!(drop.line, 3);
    assert_eq!(drop.severity, Severity::Error);
    assert!(drop.message.contains("orders"), "{}", drop.message);
    assert!(drop.fix.contains("later migration"), "{}", drop.fix);
}

#[test]
fn tables_created_in_the_same_migration_are_not_existing() {
    let options = LintOptions::new(Dialect::Postgres);
    let found = lint_example(
        "CREATE TABLE notes (id INT, body TEXT);\nCREATE INDEX notes_body ON notes (body);\nALTER TABLE notes ADD COLUMN n INT NOT NULL;\nALTER TABLE notes RENAME COLUMN body TO text;\nDROP TABLE notes;",
        "",
        &options,
    );
    for code in ["RB101", "RB201", "RB203", "RB301"] {
        assert!(!codes(&found).contains(&code), "{code}: {found:#?}");
    }
}

#[test]
fn lint_ignore_with_a_reason_silences_the_next_statement_only() {
    let options = LintOptions::new(Dialect::Postgres);
    let found = lint_example(
        "-- rollback:lint-ignore RB101 archived in 0041\nDROP TABLE orders;\nALTER TABLE users DROP COLUMN name;\n",
        "",
        &options,
    );
    assert!(!codes(&found).contains(&"RB101"), "{found:#?}");
    assert!(codes(&found).contains(&"RB102"), "{found:#?}");

    let found = lint_example(
        "-- rollback:lint-ignore RB102 archived in 0041\nDROP TABLE orders;\n",
        "",
        &options,
    );
    assert!(
        codes(&found).contains(&"RB101"),
        "another code silences nothing"
    );
}

#[test]
fn lint_ignore_without_reason_is_a_finding_and_silences_nothing() {
    let options = LintOptions::new(Dialect::Postgres);
    let found = lint_example(
        "-- rollback:lint-ignore RB101\nDROP TABLE orders;\n",
        "",
        &options,
    );
    let codes = codes(&found);
    assert!(
        codes.contains(&"RB002") && codes.contains(&"RB101"),
        "{found:#?}"
    );
    let directive = found
        .iter()
        .find(|finding| finding.code == "RB002")
        .unwrap();
    assert_eq!(directive.line, 1);
}

#[test]
fn levels_turn_rules_off_or_change_their_severity() {
    let mut options = LintOptions::new(Dialect::Postgres);
    options.set_level("RB101", Level::Off).unwrap();
    options
        .set_level("RB102", Level::On(Severity::Warning))
        .unwrap();
    let found = lint_example(
        "DROP TABLE orders;\nALTER TABLE users DROP COLUMN name;\n",
        "",
        &options,
    );
    assert!(!codes(&found).contains(&"RB101"));
    let column = found
        .iter()
        .find(|finding| finding.code == "RB102")
        .unwrap();
    assert_eq!(column.severity, Severity::Warning);
    let error = options.set_level("RB999", Level::Off).unwrap_err();
    assert!(error.contains("RB999"), "{error}");
}

#[test]
fn downs_may_destroy_what_their_up_created() {
    let options = LintOptions::new(Dialect::Sqlite);
    let found = lint_example(
        "CREATE TABLE notes (body TEXT);\nALTER TABLE users ADD COLUMN nickname TEXT;",
        "ALTER TABLE users DROP COLUMN nickname;\nDROP TABLE notes;",
        &options,
    );
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn unparsable_statements_are_reported_and_do_not_stop_the_rest() {
    let options = LintOptions::new(Dialect::Postgres);
    let found = lint_example("THIS IS NOT SQL;\nDROP TABLE orders;", "", &options);
    assert_eq!(codes(&found), ["RB001", "RB101"], "{found:#?}");
    assert_eq!(found[0].severity, Severity::Info);
}

#[test]
fn an_empty_down_is_irreversible_without_a_reason() {
    let options = LintOptions::new(Dialect::Sqlite);
    let found = lint_example("CREATE TABLE notes (body TEXT);", "-- nothing\n", &options);
    assert_eq!(codes(&found), ["RB004"], "{found:#?}");
}

#[test]
fn narrowing_needs_the_old_type_from_an_older_migration() {
    let options = LintOptions::new(Dialect::MySql);
    let found = lint_example(
        "ALTER TABLE users MODIFY COLUMN email VARCHAR(20);",
        "",
        &options,
    );
    assert!(codes(&found).contains(&"RB403"), "{found:#?}");
    let found = lint_example(
        "ALTER TABLE unknown MODIFY COLUMN email VARCHAR(20);",
        "",
        &options,
    );
    assert!(!codes(&found).contains(&"RB403"), "{found:#?}");
}

#[test]
fn a_column_rebuilt_under_its_own_name_keeps_its_values() {
    let options = LintOptions::new(Dialect::Postgres);
    let found = lint_example(
        "ALTER TABLE users ADD COLUMN name_new VARCHAR(100);\nUPDATE users SET name_new = name WHERE id > 0;\nALTER TABLE users DROP COLUMN name;\nALTER TABLE users RENAME COLUMN name_new TO name;",
        "",
        &options,
    );
    assert!(!codes(&found).contains(&"RB102"), "{found:#?}");
}

#[test]
fn a_down_may_drop_a_column_its_up_added_to_a_table_it_then_renamed() {
    let options = LintOptions::new(Dialect::Postgres);
    let found = lint_example(
        "ALTER TABLE orders ADD COLUMN note TEXT;\nALTER TABLE orders RENAME TO purchases;",
        "ALTER TABLE purchases DROP COLUMN note;\nALTER TABLE purchases RENAME TO orders;",
        &options,
    );
    assert!(!codes(&found).contains(&"RB104"), "{found:#?}");
}

#[test]
fn only_the_scripts_own_no_transaction_directive_is_judged_needless() {
    let dir = tempfile::tempdir().unwrap();
    let migration = dir.path().join("1_index");
    fs::create_dir(&migration).unwrap();
    fs::write(migration.join("up.sql"), "CREATE TABLE t (a INT);\n").unwrap();
    fs::write(migration.join("down.sql"), "DROP TABLE t;\n").unwrap();
    fs::write(
        migration.join("metadata.toml"),
        "run_in_transaction = false\n",
    )
    .unwrap();
    let loaded = load(dir.path(), &LoadOptions::default()).unwrap();
    let found = lint(
        &loaded.migrations,
        &LintOptions::new(Dialect::Postgres),
        &|_| true,
    );
    assert!(!codes(&found).contains(&"RB704"), "{found:#?}");
}

#[test]
fn dropping_an_index_before_its_table_takes_no_lock_worth_reporting() {
    let options = LintOptions::new(Dialect::Postgres);
    let found = lint_example(
        "CREATE TABLE notes (body TEXT);\nCREATE INDEX notes_body ON notes (body);",
        "DROP INDEX notes_body;\nDROP TABLE notes;",
        &options,
    );
    assert!(!codes(&found).contains(&"RB302"), "{found:#?}");
}

#[test]
fn dropping_the_old_copy_at_the_end_of_a_rebuild_loses_nothing() {
    let options = LintOptions::new(Dialect::Postgres);
    let found = lint_example(
        "ALTER TABLE orders RENAME TO orders_old;\nCREATE TABLE orders (id BIGINT PRIMARY KEY, user_id INTEGER, total INTEGER);\nINSERT INTO orders SELECT * FROM orders_old;\nDROP TABLE orders_old;",
        "",
        &options,
    );
    assert!(!codes(&found).contains(&"RB101"), "{found:#?}");
    let found = lint_example(
        "ALTER TABLE orders RENAME TO orders_old;\nDROP TABLE orders_old;",
        "",
        &options,
    );
    assert!(
        codes(&found).contains(&"RB101"),
        "no new table, the rows are gone: {found:#?}"
    );
}
