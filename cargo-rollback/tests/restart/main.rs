//! The database server restarted in the middle of a run: the run ends with
//! one clear error and exit code 1, every migration is applied, pending or
//! dirty where its record says (checked against the catalog, as after a
//! `kill -9`), and the next run settles it and finishes.
//!
//! This is a test binary of its own because it restarts the shared
//! PostgreSQL and MariaDB servers: `cargo test` runs test binaries one after
//! another, so no other test of the same `cargo test` uses a server while it
//! goes down. Its two tests restart different servers, each used only by
//! its own test here. It needs the rights to restart them (root, as in CI).

#[path = "../support/mod.rs"]
#[allow(
    dead_code,
    unused_imports,
    reason = "the `cli` suite's support module: this binary uses a part of it"
)]
mod support;

use std::process::{Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use support::crash::{
    MIGRATIONS, Recorded, Tally, applied_count, check_and_settle, recorded, write_migrations,
};
use support::{Db, Project};

/// Runs a command that must succeed.
fn run(program: &str, args: &[&str]) {
    let status = Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .status()
        .unwrap_or_else(|error| panic!("{program}: {error}"));
    assert!(status.success(), "{program} {args:?}: {status}");
}

/// Waits up to 60 s for `program args` to succeed.
fn wait_until(program: &str, args: &[&str]) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        let ready = Command::new(program)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success());
        if ready {
            return;
        }
        sleep(Duration::from_millis(200));
    }
    panic!("{program} {args:?} did not succeed within 60 s");
}

/// Restarts the server behind `db`, as an operator would, and waits until
/// it answers again.
fn restart(db: Db) {
    match db {
        Db::Postgres => {
            let version = std::fs::read_dir("/etc/postgresql")
                .expect("/etc/postgresql")
                .filter_map(Result::ok)
                .map(|entry| entry.file_name().to_string_lossy().into_owned())
                .max()
                .expect("a PostgreSQL cluster");
            run(
                "pg_ctlcluster",
                &["--skip-systemctl-redirect", &version, "main", "restart"],
            );
            wait_until("pg_isready", &["-q", "-h", "127.0.0.1", "-p", "5432"]);
        }
        Db::MySql => {
            run("mariadb-admin", &["-uroot", "shutdown"]);
            run(
                "start-stop-daemon",
                &[
                    "--start",
                    "--oknodo",
                    "--background",
                    "--exec",
                    "/usr/sbin/mariadbd",
                    "--",
                    "--user=mysql",
                ],
            );
            wait_until(
                "mariadb-admin",
                &["--protocol=tcp", "-h", "127.0.0.1", "-uroot", "ping"],
            );
        }
        Db::Sqlite => unreachable!("SQLite has no server"),
    }
}

/// Starts `args`, restarts the server once `ready` says the run is under
/// way, and checks how the run ended: exit code 1 and a one-line error.
fn restart_during(project: &Project, args: &[&str], ready: impl Fn(&Project) -> bool) {
    let child = project
        .command(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start cargo-rollback");
    let deadline = Instant::now() + Duration::from_secs(60);
    while !ready(project) {
        assert!(Instant::now() < deadline, "the run did not get under way");
        sleep(Duration::from_millis(20));
    }
    restart(project.db_kind());
    let output = child.wait_with_output().expect("wait for the run");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line: {stderr}");
    assert!(lines[0].starts_with("error: "), "{stderr}");
    println!(
        "{:?} {args:?} lost its server: {}",
        project.db_kind(),
        lines[0]
    );
}

/// How many tracking rows there are, in one read (the run is going on:
/// `recorded`'s two reads could see a row dirty before its progress).
fn tracked(project: &Project) -> usize {
    if !project.has_table("_rollback_migrations") {
        return 0;
    }
    project.query("SELECT count(*) FROM _rollback_migrations")[0]
        .parse()
        .unwrap()
}

fn server_restarts_mid_run(db: Db) {
    let Some(project) = Project::on(db) else {
        return;
    };
    write_migrations(&project, true);
    let mut tally = Tally {
        interruptions: 2,
        ..Tally::default()
    };
    restart_during(&project, &["up"], |project| tracked(project) >= 5);
    assert!(applied_count(&project) < MIGRATIONS, "the run had finished");
    check_and_settle(&project, &mut tally);
    project.run(&["up"]).success();
    check_and_settle(&project, &mut tally);
    assert_eq!(applied_count(&project), MIGRATIONS);

    restart_during(&project, &["--all", "--yes"], |project| {
        tracked(project) <= MIGRATIONS - 5
    });
    assert!(
        recorded(&project)
            .iter()
            .skip(1)
            .any(|state| *state != Recorded::Pending),
        "the rollback had finished"
    );
    check_and_settle(&project, &mut tally);
    project.rollback(&["--all"]).success();
    check_and_settle(&project, &mut tally);
    assert_eq!(applied_count(&project), 0);
    tally.report("server restart", &project);
}

#[test]
fn postgres_restart_mid_run_ends_the_run_with_a_clear_error_and_the_next_run_finishes() {
    server_restarts_mid_run(Db::Postgres);
}

#[test]
fn mariadb_restart_mid_run_ends_the_run_with_a_clear_error_and_the_next_run_finishes() {
    server_restarts_mid_run(Db::MySql);
}
