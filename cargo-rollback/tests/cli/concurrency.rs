//! Many processes at once: the migration lock makes each migration run once,
//! and a lock held too long ends the wait with a clear message.

use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use rstest_reuse::apply;

use crate::each_database;
use crate::support::{Db, HeldConnection, Project};

const PROCESSES: usize = 8;
const MIGRATIONS: usize = 12;

/// Migrations `1_table_1` … `12_table_12`, each creating table `tN` with one row.
fn many_migrations(project: &Project) {
    for n in 1..=MIGRATIONS {
        project.migration(
            &format!("{n}_table_{n}"),
            &format!(
                "CREATE TABLE t{n} (id INTEGER PRIMARY KEY, note TEXT);\nINSERT INTO t{n} (id, note) VALUES (1, 'x');"
            ),
            &format!("DROP TABLE t{n};"),
        );
    }
}

/// Starts `PROCESSES` runs of the binary with `args` at once and returns
/// each one's exit code and stderr.
fn run_at_once(project: &Project, args: &[&str]) -> Vec<(i32, String)> {
    let children: Vec<Child> = (0..PROCESSES)
        .map(|_| {
            project
                .command(args)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn cargo-rollback")
        })
        .collect();
    children
        .into_iter()
        .map(|child| {
            let output = child.wait_with_output().unwrap();
            (
                output.status.code().unwrap_or(-1),
                String::from_utf8_lossy(&output.stderr).into_owned(),
            )
        })
        .collect()
}

/// How many successful `operation` rows the log has for each version that
/// has any, as `version count` lines.
fn successes_per_version(project: &Project, operation: &str) -> Vec<String> {
    let mut lines = project.query(&format!(
        "SELECT CONCAT(version, ' ', COUNT(*)) FROM _rollback_log
         WHERE operation = '{operation}' AND outcome = 'success' GROUP BY version"
    ));
    lines.sort();
    lines
}

/// `version 1` for each of these versions: each exactly once.
fn once_each(versions: impl Iterator<Item = usize>) -> Vec<String> {
    let mut lines: Vec<String> = versions.map(|n| format!("{n} 1")).collect();
    lines.sort();
    lines
}

#[apply(each_database)]
fn eight_concurrent_ups_apply_each_migration_once(#[case] db: Db) {
    let Some(project) = Project::on(db) else {
        return;
    };
    many_migrations(&project);
    // The database exists before the race, as a deployed one would.
    project.run(&["up", "--to", "1"]).success();
    for (code, stderr) in run_at_once(&project, &["up"]) {
        assert_eq!(code, 0, "{stderr}");
    }
    assert_eq!(project.in_state("applied").len(), MIGRATIONS);
    assert_eq!(
        successes_per_version(&project, "apply"),
        once_each(1..=MIGRATIONS)
    );
    assert_eq!(
        project.query("SELECT count(*) FROM _rollback_log WHERE outcome <> 'success'"),
        ["0"]
    );
    for n in 1..=MIGRATIONS {
        assert_eq!(
            project.query(&format!("SELECT note FROM t{n}")),
            ["x"],
            "t{n}"
        );
    }
}

#[apply(each_database)]
fn eight_concurrent_rollbacks_to_a_version_revert_each_once(#[case] db: Db) {
    let Some(project) = Project::on(db) else {
        return;
    };
    many_migrations(&project);
    project.run(&["up"]).success();
    for (code, stderr) in run_at_once(&project, &["--to", "4", "--yes"]) {
        assert_eq!(code, 0, "{stderr}");
    }
    assert_eq!(project.in_state("applied"), ["1", "2", "3", "4"]);
    assert_eq!(
        successes_per_version(&project, "revert"),
        once_each(5..=MIGRATIONS)
    );
    assert_eq!(
        project.query("SELECT count(*) FROM _rollback_log WHERE outcome <> 'success'"),
        ["0"]
    );
    assert!(project.has_table("t4"));
    assert!(!project.has_table("t5"));
}

/// The migration lock, taken from outside the tool the way the tool takes it:
/// SQLite: an immediate write transaction; PostgreSQL: the tool's advisory
/// lock key; MySQL: `GET_LOCK` with the tool's name for the database.
fn hold_the_migration_lock(project: &Project) -> HeldConnection {
    let sql = match project.db_kind() {
        Db::Sqlite => "BEGIN IMMEDIATE".to_owned(),
        // "rollback" in ASCII: LOCK_KEY in rollback-runtime/src/driver/postgres.rs.
        Db::Postgres => format!("SELECT pg_advisory_lock({})", 0x726f_6c6c_6261_636b_i64),
        Db::MySql => "SELECT GET_LOCK(CONCAT('cargo-rollback-', MD5(DATABASE())), 0)".to_owned(),
    };
    let held = HeldConnection::open(project, &sql);
    if project.db_kind() == Db::MySql {
        assert_eq!(held.first_value, Some(1), "GET_LOCK did not take the lock");
    }
    held
}

#[apply(each_database)]
fn a_held_lock_times_out_with_a_clear_message(#[case] db: Db) {
    let Some(project) = Project::on(db) else {
        return;
    };
    many_migrations(&project);
    project.run(&["up", "--to", "1"]).success();
    let before = project.fingerprint();
    let held = hold_the_migration_lock(&project);
    let started = Instant::now();
    let run = project.run(&["up", "--lock-timeout", "0.5"]);
    let waited = started.elapsed();
    drop(held);
    run.code(1).one_line_error(&[
        "timed out after 0.5s waiting for the migration lock",
        "--lock-timeout",
    ]);
    assert!(
        waited >= Duration::from_millis(500),
        "gave up after {waited:?}, before the timeout"
    );
    assert_eq!(project.fingerprint(), before);
    assert_eq!(project.in_state("applied"), ["1"]);
}

#[apply(each_database)]
fn a_run_with_nothing_to_apply_does_not_wait_for_the_lock(#[case] db: Db) {
    let Some(project) = Project::on(db) else {
        return;
    };
    many_migrations(&project);
    project.run(&["up"]).success();
    let before = project.fingerprint();
    let held = hold_the_migration_lock(&project);
    let run = project.run(&["up", "--lock-timeout", "0.5"]);
    // Something pending again: that run must wait, and gives up.
    project.migration(
        "13_table_13",
        "CREATE TABLE t13 (id INTEGER);",
        "DROP TABLE t13;",
    );
    let pending = project.run(&["up", "--lock-timeout", "0.5"]);
    drop(held);
    run.success();
    assert!(
        run.stdout
            .contains("Nothing to apply: the database is up to date."),
        "{}",
        run.stdout
    );
    pending.code(1).one_line_error(&[
        "timed out after 0.5s waiting for the migration lock",
        "--lock-timeout",
    ]);
    assert_eq!(project.fingerprint(), before);
}
