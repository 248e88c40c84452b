//! `--targets FILE`: one command on a fleet of SQLite files, PostgreSQL
//! databases, PostgreSQL schemas of one database and MariaDB databases.

use std::io::Write;
use std::process::Stdio;

use rollback_tests::{Db, ScratchDatabase};

use crate::support::{Project, Run};

/// A project whose three migrations create `accounts`, `notes` (with a row,
/// so that reverting it takes a backup) and `tags`.
fn project() -> Project {
    let project = Project::new();
    project
        .migration(
            "0001_accounts",
            "CREATE TABLE accounts (id INTEGER PRIMARY KEY);",
            "DROP TABLE accounts;",
        )
        .migration(
            "0002_notes",
            "CREATE TABLE notes (id INTEGER PRIMARY KEY, body VARCHAR(40));\nINSERT INTO notes (id, body) VALUES (1, 'kept');",
            "DROP TABLE notes;",
        )
        .migration(
            "0003_tags",
            "CREATE TABLE tags (id INTEGER PRIMARY KEY);",
            "DROP TABLE tags;",
        );
    project
}

/// The binary in the project with its migrations and `--targets FILE`.
fn fleet(project: &Project, targets: &str, args: &[&str]) -> Run {
    let mut command = project.bare_command(args);
    command
        .arg("--source")
        .arg(project.migrations())
        .arg("--targets")
        .arg(targets);
    run(command)
}

/// The binary on one database of the fleet.
fn single(project: &Project, url: &str, args: &[&str]) -> Run {
    let mut command = project.bare_command(args);
    command
        .arg("--source")
        .arg(project.migrations())
        .args(["--database-url", url]);
    run(command)
}

fn run(mut command: std::process::Command) -> Run {
    let output = command.output().expect("run cargo-rollback");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Writes the targets file and returns its name, relative to the project.
fn targets_file(project: &Project, name: &str, urls: &[String]) -> String {
    project.write(name, format!("# the fleet\n\n{}\n", urls.join("\n")));
    name.to_owned()
}

/// The targets' JSON objects by status.
fn by_status(run: &Run, status: &str) -> Vec<serde_json::Value> {
    run.json()
        .as_array()
        .expect("a JSON array")
        .iter()
        .filter(|target| target["status"] == status)
        .cloned()
        .collect()
}

fn sqlite_url(project: &Project, name: &str) -> String {
    format!("sqlite:{}", project.root().join(name).display())
}

/// How many tables named `table` a schema of a PostgreSQL database has.
fn tables_in_schema(database: &ScratchDatabase, schema: &str, table: &str) -> Vec<String> {
    database.query(&format!(
        "SELECT count(*)::bigint FROM information_schema.tables WHERE table_schema = '{schema}' AND table_name = '{table}'"
    ))
}

#[test]
fn a_mixed_fleet_goes_up_groups_by_version_and_rolls_back_to_one_version() {
    let project = project();
    let Some(postgres) = ScratchDatabase::create(Db::Postgres, project.root()) else {
        return;
    };
    let Some(schemas) = ScratchDatabase::create(Db::Postgres, project.root()) else {
        return;
    };
    let Some(mariadb) = ScratchDatabase::create(Db::MySql, project.root()) else {
        return;
    };
    let urls = vec![
        sqlite_url(&project, "tenant_1.db"),
        sqlite_url(&project, "tenant_2.db"),
        postgres.url(),
        format!("{}?schema=tenant_a", schemas.url()),
        format!("{}?schema=tenant_b", schemas.url()),
        mariadb.url(),
    ];
    let targets = targets_file(&project, "targets.txt", &urls);

    let up = fleet(&project, &targets, &["up"]);
    up.success();
    assert_eq!(up.stdout.matches("✅").count(), 6, "{}", up.stdout);
    assert!(up.stdout.contains("6 targets: 6 done"), "{}", up.stdout);
    for schema in ["tenant_a", "tenant_b"] {
        assert_eq!(tables_in_schema(&schemas, schema, "tags"), ["1"]);
        assert_eq!(
            tables_in_schema(&schemas, schema, "_rollback_migrations"),
            ["1"]
        );
    }
    assert_eq!(tables_in_schema(&schemas, "public", "tags"), ["0"]);
    assert!(mariadb.has_table("tags") && postgres.has_table("tags"));

    // One tenant rolled back on its own: the fleet's status groups it apart.
    single(&project, &urls[4], &["--last", "2", "--yes"]).success();
    let status = fleet(&project, &targets, &["status"]);
    status.success();
    assert!(
        status.stdout.contains("0003 tags: 5 targets"),
        "{}",
        status.stdout
    );
    assert!(
        status.stdout.contains("0001 accounts: 1 target"),
        "{}",
        status.stdout
    );
    assert_eq!(tables_in_schema(&schemas, "tenant_b", "notes"), ["0"]);
    assert_eq!(tables_in_schema(&schemas, "tenant_a", "notes"), ["1"]);

    // The whole fleet to 0001, each target with its own backup of `notes`.
    let rollback = fleet(&project, &targets, &["--to", "0001", "--yes"]);
    rollback.success();
    assert_eq!(
        rollback
            .stdout
            .matches("reverted 2 migrations, backups")
            .count(),
        5,
        "{}",
        rollback.stdout
    );
    assert!(
        rollback.stdout.contains("nothing to revert"),
        "{}",
        rollback.stdout
    );
    assert_eq!(
        schemas.query("SELECT count(*)::bigint FROM tenant_a._rollback_backups"),
        ["1"]
    );
    // Each tenant's copy lives in its own schema: both are backup 1.
    for schema in ["tenant_a", "tenant_b"] {
        assert_eq!(
            tables_in_schema(&schemas, schema, "_rollback_backup_1_1_notes"),
            ["1"]
        );
    }
    assert_eq!(
        postgres.query("SELECT count(*)::bigint FROM _rollback_backups"),
        ["1"]
    );
    let status = fleet(&project, &targets, &["status", "--format", "json"]);
    status.success();
    let at_one: Vec<_> = by_status(&status, "ok")
        .into_iter()
        .filter(|target| target["standing"]["newest"] == "0001 accounts")
        .collect();
    assert_eq!(at_one.len(), 6, "{}", status.stdout);

    // And back up: every target, by its own tracking tables.
    fleet(&project, &targets, &["up"]).success();
    assert_eq!(tables_in_schema(&schemas, "tenant_b", "tags"), ["1"]);
    assert!(mariadb.has_table("notes"));
}

#[test]
fn the_first_failure_stops_new_targets_and_a_rerun_finishes_them() {
    let project = project();
    let broken = sqlite_url(&project, "broken.db");
    let mut urls = vec![broken.clone()];
    urls.extend((1..=4).map(|n| sqlite_url(&project, &format!("tenant_{n}.db"))));
    let targets = targets_file(&project, "targets.txt", &urls);
    // The broken tenant is at 0001 with a `notes` table made by hand: its
    // 0002 fails.
    single(&project, &broken, &["up", "--to", "0001"]).success();
    let broken_db = ScratchDatabase::sqlite_file(&project.root().join("broken.db"));
    broken_db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY)");

    let stopped = fleet(&project, &targets, &["up", "--parallel", "1"]);
    stopped.code(1);
    assert!(
        stopped
            .stdout
            .contains("5 targets: 0 done, 1 failed, 4 skipped"),
        "{}",
        stopped.stdout
    );
    assert!(
        stopped.stdout.contains("failed: sqlite:") && stopped.stdout.contains("notes"),
        "{}",
        stopped.stdout
    );
    assert!(!project.root().join("tenant_1.db").exists());

    let json = fleet(
        &project,
        &targets,
        &["up", "--parallel", "1", "--format", "json"],
    );
    json.code(1);
    assert_eq!(by_status(&json, "failed").len(), 1, "{}", json.stdout);
    assert_eq!(by_status(&json, "skipped").len(), 4, "{}", json.stdout);
    assert!(
        by_status(&json, "failed")[0]["error"]
            .as_str()
            .unwrap()
            .contains("notes")
    );

    let onward = fleet(
        &project,
        &targets,
        &["up", "--parallel", "2", "--continue-on-error"],
    );
    onward.code(1);
    assert!(
        onward.stdout.contains("5 targets: 4 done, 1 failed"),
        "{}",
        onward.stdout
    );
    for n in 1..=4 {
        let tenant = ScratchDatabase::sqlite_file(&project.root().join(format!("tenant_{n}.db")));
        assert!(tenant.has_table("tags"));
    }

    // Fixed by hand, the rerun finishes only what is left.
    broken_db.execute("DROP TABLE notes");
    let rerun = fleet(&project, &targets, &["up"]);
    rerun.success();
    assert_eq!(
        rerun.stdout.matches("up to date").count(),
        4,
        "{}",
        rerun.stdout
    );
    assert!(
        rerun
            .stdout
            .contains("applied 2 migrations, now at 0003 tags"),
        "{}",
        rerun.stdout
    );
}

#[test]
fn an_unreachable_server_fails_its_target_only_with_continue_on_error() {
    let project = project();
    let urls = vec![
        "postgres://postgres:secret@127.0.0.1:1/nowhere".to_owned(),
        sqlite_url(&project, "tenant_1.db"),
    ];
    let targets = targets_file(&project, "targets.txt", &urls);
    let run = fleet(
        &project,
        &targets,
        &["up", "--continue-on-error", "--format", "json"],
    );
    run.code(1);
    let failed = by_status(&run, "failed");
    assert_eq!(failed.len(), 1, "{}", run.stdout);
    assert_eq!(
        failed[0]["target"],
        "postgres://postgres:***@127.0.0.1:1/nowhere"
    );
    assert!(!run.stdout.contains("secret") && !run.stderr.contains("secret"));
    assert_eq!(by_status(&run, "ok").len(), 1, "{}", run.stdout);
}

#[test]
fn targets_are_read_from_standard_input() {
    let project = project();
    let urls = format!(
        "{}\n{}\n",
        sqlite_url(&project, "tenant_1.db"),
        sqlite_url(&project, "tenant_2.db")
    );
    let mut command = project.bare_command(&["up", "--targets", "-", "--source"]);
    command
        .arg(project.migrations())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("run cargo-rollback");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(urls.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.contains("2 targets: 2 done"), "{stdout}");
    assert!(project.root().join("tenant_2.db").exists());
}

#[test]
fn a_bad_targets_file_is_refused_naming_its_line_before_anything_runs() {
    let project = project();
    let first = sqlite_url(&project, "tenant_1.db");
    project.write(
        "targets.txt",
        format!("{first}\n# comment\nmongodb://u:hunter2@h/db\n"),
    );
    fleet(&project, "targets.txt", &["up"])
        .code(2)
        .one_line_error(&["targets.txt line 3", "mongodb"]);
    assert!(!project.root().join("tenant_1.db").exists());
    let run = fleet(&project, "targets.txt", &["up"]);
    assert!(!run.stderr.contains("hunter2"), "{}", run.stderr);

    fleet(&project, "missing.txt", &["up"])
        .code(2)
        .one_line_error(&["cannot read missing.txt"]);
    project.write("empty.txt", "# nobody yet\n\n");
    fleet(&project, "empty.txt", &["status"])
        .code(2)
        .one_line_error(&["empty.txt lists no database URL"]);
    project.write("targets.txt", format!("{first}\n"));
    fleet(&project, "targets.txt", &["new", "tenants"])
        .code(2)
        .one_line_error(&["--targets runs"]);
}

#[test]
fn a_fleet_rollback_without_a_terminal_needs_yes() {
    let project = project();
    let targets = targets_file(
        &project,
        "targets.txt",
        &[sqlite_url(&project, "tenant_1.db")],
    );
    fleet(&project, &targets, &["up"]).success();
    fleet(&project, &targets, &["--all"])
        .code(3)
        .one_line_error(&["refusing to roll back 1 target", "--yes"]);
    let tenant = ScratchDatabase::sqlite_file(&project.root().join("tenant_1.db"));
    assert!(tenant.has_table("tags"));
    let plan = fleet(&project, &targets, &["plan", "--all"]);
    plan.success();
    assert!(
        plan.stdout.contains("would revert 3 migrations"),
        "{}",
        plan.stdout
    );
}

#[test]
fn a_tenant_schema_restores_its_own_backup() {
    let project = project();
    let Some(schemas) = ScratchDatabase::create(Db::Postgres, project.root()) else {
        return;
    };
    let tenant = format!("{}?schema=tenant_a", schemas.url());
    let other = format!("{}?schema=tenant_b", schemas.url());
    for url in [&tenant, &other] {
        single(&project, url, &["up"]).success();
    }
    schemas.execute("INSERT INTO tenant_a.notes (id, body) VALUES (2, 'only in a')");
    for url in [&tenant, &other] {
        single(&project, url, &["--to", "0001", "--yes"]).success();
    }
    single(&project, &tenant, &["up"]).success();
    single(&project, &tenant, &["restore", "1"]).success();
    assert_eq!(
        schemas.query("SELECT body FROM tenant_a.notes ORDER BY id"),
        ["kept", "only in a"]
    );
    assert_eq!(tables_in_schema(&schemas, "tenant_b", "notes"), ["0"]);
}

#[test]
fn status_names_the_dirty_targets() {
    let project = Project::new();
    project.migration(
        "0001_half",
        "CREATE TABLE half (id INTEGER PRIMARY KEY);\nINSERT INTO no_such_table VALUES (1);",
        "DROP TABLE half;",
    );
    let Some(mariadb) = ScratchDatabase::create(Db::MySql, project.root()) else {
        return;
    };
    let urls = vec![sqlite_url(&project, "tenant_1.db"), mariadb.url()];
    let targets = targets_file(&project, "targets.txt", &urls);
    // SQLite rolls the failed migration back; MariaDB has committed the
    // CREATE TABLE and is left dirty.
    fleet(&project, &targets, &["up", "--continue-on-error"]).code(1);
    let status = fleet(&project, &targets, &["status"]);
    status.success();
    assert!(
        status
            .stdout
            .contains(&format!("dirty: {} (0001 half)", mariadb.url())),
        "{}",
        status.stdout
    );
    assert!(
        status.stdout.contains("nothing applied: 1 target"),
        "{}",
        status.stdout
    );
}

#[test]
fn a_fleet_rollback_at_a_terminal_shows_the_fleet_plan_and_asks_once() {
    let project = project();
    let urls = vec![
        sqlite_url(&project, "tenant_1.db"),
        sqlite_url(&project, "tenant_2.db"),
        sqlite_url(&project, "tenant_3.db"),
    ];
    let targets = targets_file(&project, "targets.txt", &urls);
    fleet(&project, &targets, &["up"]).success();
    single(&project, &urls[2], &["--all", "--yes"]).success();
    let words = format!(
        "'{}' --source '{}' --targets {targets} --to 0001",
        crate::support::BIN,
        project.migrations().display()
    );
    let mut script = std::process::Command::new("script");
    script
        .current_dir(project.root())
        .env("NO_COLOR", "1")
        .env_remove("DATABASE_URL")
        .args(["--quiet", "--return", "--command", &words, "/dev/null"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut running = script.spawn().expect("run util-linux `script`");
    running
        .stdin
        .take()
        .unwrap()
        .write_all(b"ROLLBACK\n")
        .unwrap();
    let output = running.wait_with_output().unwrap();
    let shown = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{shown}");
    assert!(shown.contains("Fleet rollback of 3 targets"), "{shown}");
    assert!(
        shown.contains("2 targets: revert 2 migrations each"),
        "{shown}"
    );
    assert!(shown.contains("1 target: nothing to revert"), "{shown}");
    assert_eq!(shown.matches("Type ROLLBACK").count(), 1, "{shown}");
    assert!(shown.contains("3 targets: 3 done"), "{shown}");
    let tenant = ScratchDatabase::sqlite_file(&project.root().join("tenant_1.db"));
    assert!(!tenant.has_table("notes") && tenant.has_table("accounts"));
}

/// `adopt --targets`: tenants golang-migrate migrated are taken over with
/// the checks of a single adoption. A tenant left dirty fails with its
/// reason and is left as it was, the others are adopted, and a rerun finds
/// nothing left to adopt.
#[test]
fn a_fleet_another_tool_migrated_is_adopted_tenant_by_tenant() {
    let project = project();
    let mut urls = Vec::new();
    for (name, dirty) in [("a.db", "FALSE"), ("b.db", "FALSE"), ("c.db", "TRUE")] {
        let path = project.root().join(name);
        std::fs::File::create(&path).expect("the tenant's file");
        let tenant = ScratchDatabase::sqlite_file(&path);
        for statement in [
            "CREATE TABLE accounts (id INTEGER PRIMARY KEY)",
            "CREATE TABLE notes (id INTEGER PRIMARY KEY, body VARCHAR(40))",
            "INSERT INTO notes (id, body) VALUES (1, 'kept')",
            "CREATE TABLE tags (id INTEGER PRIMARY KEY)",
            "CREATE TABLE schema_migrations (version uint64, dirty bool)",
            "CREATE UNIQUE INDEX version_unique ON schema_migrations (version)",
            &format!("INSERT INTO schema_migrations (version, dirty) VALUES (3, {dirty})"),
        ] {
            tenant.execute(statement);
        }
        urls.push(sqlite_url(&project, name));
    }
    let targets = targets_file(&project, "tenants.txt", &urls);

    let adopted = fleet(
        &project,
        &targets,
        &["adopt", "--continue-on-error", "--format", "json"],
    );
    assert_eq!(adopted.code, 1, "{}", adopted.stderr);
    let done = by_status(&adopted, "ok");
    assert_eq!(done.len(), 2, "{}", adopted.stdout);
    for target in &done {
        let result = target["result"].as_str().expect("a result");
        assert!(result.starts_with("adopted 3 migrations"), "{target}");
    }
    let failed = by_status(&adopted, "failed");
    assert_eq!(failed.len(), 1, "{}", adopted.stdout);
    assert!(
        failed[0]["target"]
            .as_str()
            .expect("a target")
            .ends_with("c.db"),
        "{failed:?}"
    );
    assert!(
        failed[0]["error"]
            .as_str()
            .expect("an error")
            .contains("dirty"),
        "{failed:?}"
    );
    let refused = ScratchDatabase::sqlite_file(&project.root().join("c.db"));
    assert!(!refused.has_table("_rollback_migrations"));

    let status = fleet(&project, &targets, &["status", "--continue-on-error"]);
    assert!(
        status.stdout.contains("0003 tags: 2 targets"),
        "{}",
        status.stdout
    );

    let again = fleet(&project, &targets, &["adopt", "--continue-on-error"]);
    assert_eq!(again.code, 1, "{}", again.stderr);
    assert_eq!(
        again.stdout.matches("nothing to adopt").count(),
        2,
        "{}",
        again.stdout
    );
}
