//! `--statement-timeout` and `--lock-timeout` on the statements of a down:
//! the database cancels the statement, the migration stays applied, and the
//! message says which limit ran out.

use std::time::{Duration, Instant};

use rstest_reuse::apply;

use crate::each_database;
use crate::support::{Db, HeldConnection, Project};

/// A statement that runs for seconds on each database.
fn slow_statement(db: Db) -> &'static str {
    match db {
        Db::Sqlite => {
            "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 1000000000) SELECT count(*) FROM s"
        }
        Db::Postgres => "SELECT pg_sleep(30)",
        Db::MySql => "SELECT SLEEP(30)",
    }
}

#[apply(each_database)]
fn a_statement_past_the_statement_timeout_is_cancelled_and_the_migration_stays(#[case] db: Db) {
    let Some(project) = Project::on(db) else {
        return;
    };
    project.tables(&["a"]).migration(
        "2_slow",
        "CREATE TABLE b (id INTEGER PRIMARY KEY);",
        &format!("{};\nDROP TABLE b;", slow_statement(db)),
    );
    project.run(&["up"]).success();
    let started = Instant::now();
    let run = project.rollback(&["--statement-timeout", "0.5"]);
    let took = started.elapsed();
    run.code(1).one_line_error(&[
        "migration 2 slow failed at statement 1 of its down script",
        "cancelled by the statement timeout of 0.5s (--statement-timeout)",
        "2 slow stays applied",
    ]);
    assert!(took < Duration::from_secs(20), "not cancelled: {took:?}");
    assert!(project.has_table("b"));
    assert_eq!(project.in_state("applied"), ["1", "2"]);
}

/// Where a statement can wait for a table lock another session holds.
#[rstest::rstest]
#[case::postgres(Db::Postgres)]
#[case::mysql(Db::MySql)]
fn a_statement_waiting_past_the_lock_timeout_is_cancelled(#[case] db: Db) {
    let Some(project) = Project::on(db) else {
        return;
    };
    project.tables(&["a", "b"]);
    project.run(&["up"]).success();
    let lock = match db {
        Db::Postgres => "BEGIN; LOCK TABLE b IN ACCESS SHARE MODE",
        _ => "BEGIN; SELECT * FROM b FOR UPDATE",
    };
    let held = HeldConnection::open(&project, lock);
    let run = project.rollback(&["--lock-timeout", "1"]);
    drop(held);
    run.code(1).one_line_error(&[
        "migration 2 b failed at statement 1 of its down script",
        "cancelled by the lock timeout of 1s (--lock-timeout)",
        "2 b stays applied",
    ]);
    assert!(project.has_table("b"));
    assert_eq!(project.in_state("applied"), ["1", "2"]);
}
