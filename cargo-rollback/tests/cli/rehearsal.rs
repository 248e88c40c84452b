//! `--dry-run`: a rehearsal that really runs everything in a transaction,
//! reports timings and errors, and rolls it all back; MySQL, which commits
//! DDL at once, prints the plan instead.

use rstest_reuse::apply;

use crate::each_database;
use crate::support::{Db, Project};

#[apply(each_database)]
fn a_rehearsal_changes_nothing(#[case] db: Db) {
    let Some(project) = Project::on(db) else {
        return;
    };
    project.shop();
    project.run(&["up"]).success();
    project.execute("INSERT INTO customers (id, email) VALUES (1, 'a@x')");
    let before = project.fingerprint();
    let run = project.run(&["--all", "--dry-run"]);
    run.success();
    if db == Db::MySql {
        assert!(
            run.stderr.contains("commit each DDL statement at once"),
            "{}",
            run.stderr
        );
        assert!(run.stdout.contains("Rollback plan for"), "{}", run.stdout);
        assert!(
            run.stdout.contains("DROP TABLE customers"),
            "{}",
            run.stdout
        );
    } else {
        for part in [
            "Backed up customers (1 rows) as backup 1",
            "Rehearsed 20260112093400 track_updates",
            "Statement timings:",
            "DROP TABLE customers",
            "Rehearsed 5 migrations",
            "rolled everything back: nothing changed",
        ] {
            assert!(run.stdout.contains(part), "lacks {part:?}:\n{}", run.stdout);
        }
    }
    assert_eq!(project.fingerprint(), before);
    assert_eq!(project.in_state("applied").len(), 5);
}

/// Where a rehearsal can run: everywhere but MySQL.
#[rstest::rstest]
#[case::sqlite(Db::Sqlite)]
#[case::postgres(Db::Postgres)]
fn a_rehearsal_reports_the_failing_statement_and_changes_nothing(#[case] db: Db) {
    let Some(project) = Project::on(db) else {
        return;
    };
    project.tables(&["a", "b"]).migration(
        "3_c",
        "CREATE TABLE c (id INTEGER PRIMARY KEY);",
        "DROP TABLE c;\nDROP TABLE not_there;",
    );
    project.run(&["up"]).success();
    let before = project.fingerprint();
    let run = project.run(&["--all", "--dry-run"]);
    run.code(1).one_line_error(&[
        "migration 3 c failed at statement 2 of its down script",
        "DROP TABLE not_there",
    ]);
    assert_eq!(project.fingerprint(), before);
}

#[test]
fn up_can_be_rehearsed_too() {
    let project = Project::new();
    project.tables(&["a", "b"]);
    project.run(&["up", "--to", "1"]).success();
    let before = project.db_bytes();
    let run = project.run(&["up", "--dry-run"]);
    run.success();
    assert!(run.stdout.contains("Rehearsed 2 b"), "{}", run.stdout);
    assert_eq!(project.db_bytes(), before);
    assert_eq!(project.in_state("pending"), ["2"]);
}

#[test]
fn a_no_transaction_down_stops_the_rehearsal_before_it() {
    let project = Project::new();
    project.tables(&["a"]).migration(
        "2_vacuum",
        "SELECT 1;",
        "-- rollback:no-transaction\nVACUUM;",
    );
    project.run(&["up"]).success();
    let before = project.db_bytes();
    project
        .run(&["--all", "--dry-run"])
        .code(3)
        .one_line_error(&["cannot rehearse 2 vacuum", "outside a transaction"]);
    assert_eq!(project.db_bytes(), before);
}

#[test]
fn a_rehearsal_reports_its_timings_as_json() {
    let project = Project::new();
    project.tables(&["a", "b"]);
    project.run(&["up"]).success();
    let run = project.run(&["--all", "--dry-run", "--format", "json"]);
    let report = run.json();
    assert_eq!(report["rehearsal"], true);
    assert_eq!(report["steps"].as_array().unwrap().len(), 2);
    let timings = report["timings"].as_array().unwrap();
    assert_eq!(timings.len(), 2, "{report:#}");
    assert_eq!(timings[0]["version"], "2");
    assert_eq!(timings[0]["statement"], "DROP TABLE b");
    assert_eq!(timings[0]["failed"], false);
    assert!(timings[0]["ms"].is_u64());
    assert_eq!(project.in_state("applied"), ["1", "2"]);
}

#[test]
fn mysql_cannot_rehearse_an_up() {
    let Some(project) = Project::on(Db::MySql) else {
        return;
    };
    project.tables(&["a"]);
    project.run(&["up", "--dry-run"]).code(2).one_line_error(&[
        "cannot rehearse on MySQL",
        "commits each DDL statement at once",
    ]);
    assert!(!project.has_table("a"));
}
