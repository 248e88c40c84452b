//! `new`, `check`, `log`, `init`, and finding the migrations through cargo.

use std::fs;

use rstest_reuse::apply;

use crate::each_database;
use crate::support::{Db, Project};

#[test]
fn new_writes_a_pair_that_check_refuses_until_the_down_is_written() {
    let project = Project::new();
    let run = project.run(&["new", "create users"]);
    run.success();
    let names: Vec<String> = fs::read_dir(project.migrations())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    let up = names
        .iter()
        .find(|name| name.ends_with("_create_users.up.sql"))
        .expect("up file");
    let stem = up.trim_end_matches(".up.sql");
    assert!(names.contains(&format!("{stem}.down.sql")), "{names:?}");
    assert_eq!(
        stem.split('_').next().unwrap().len(),
        14,
        "timestamp version: {stem}"
    );

    project
        .run(&["check"])
        .code(2)
        .one_line_error(&[&format!("{stem}.down.sql: down script is empty")]);
    project.write(
        &format!("migrations/{stem}.up.sql"),
        "CREATE TABLE users (id INTEGER);",
    );
    project.write(&format!("migrations/{stem}.down.sql"), "DROP TABLE users;");
    let check = project.run(&["check"]);
    check.success();
    assert!(check.stdout.contains("1 migrations"), "{}", check.stdout);
}

#[test]
fn new_continues_integer_versions_and_writes_each_layout() {
    let project = Project::new();
    project.migration(
        "0007_first",
        "CREATE TABLE a (id INTEGER);",
        "DROP TABLE a;",
    );
    project.run(&["new", "second", "--layout", "dir"]).success();
    assert!(project.migrations().join("0008_second/up.sql").is_file());
    assert!(project.migrations().join("0008_second/down.sql").is_file());
    // The newest migration is a diesel folder: so is the next one.
    project.run(&["new", "between"]).success();
    assert!(project.migrations().join("0009_between/down.sql").is_file());
    project
        .run(&["new", "third", "--layout", "single"])
        .success();
    let single = fs::read_to_string(project.migrations().join("0010_third.sql")).unwrap();
    assert!(
        single.contains("-- migrate:up") && single.contains("-- migrate:down"),
        "{single}"
    );
    project
        .run(&["new", "a/b"])
        .code(2)
        .one_line_error(&["invalid migration name"]);
}

#[test]
fn check_lists_irreversible_migrations_and_skipped_files() {
    let project = Project::new();
    project
        .migration("1_a", "CREATE TABLE a (id INTEGER);", "DROP TABLE a;")
        .migration(
            "2_b",
            "DELETE FROM a;",
            "-- rollback:irreversible deleted rows are gone\n",
        )
        .write("migrations/seed_data.sql", "INSERT INTO a VALUES (1);");
    let run = project.run(&["check"]);
    run.success();
    assert!(
        run.stdout
            .contains("irreversible: 2 b (deleted rows are gone)"),
        "{}",
        run.stdout
    );
    assert!(run.stderr.contains("warning: skipped"), "{}", run.stderr);
    assert!(run.stderr.contains("seed_data.sql"), "{}", run.stderr);
    let json = project.run(&["check", "--format", "json"]);
    json.success();
    let report = json.json();
    assert_eq!(report["migrations"], 2);
    assert_eq!(report["irreversible"][0]["version"], "2");
    assert_eq!(report["irreversible"][0]["reason"], "deleted rows are gone");
}

#[test]
fn check_reports_every_problem_at_once() {
    let project = Project::new();
    project
        .write("migrations/1_a.up.sql", "CREATE TABLE a (id INTEGER);")
        .write("migrations/2_b.down.sql", "DROP TABLE b;")
        .migration("3_c", "CREATE TABLE c (id INTEGER);", "");
    let run = project.run(&["check"]);
    run.code(2);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 3, "{}", run.stderr);
    assert!(lines.iter().all(|line| line.starts_with("error: ")));
    assert!(run.stderr.contains("1_a.up.sql has no down script"));
    assert!(run.stderr.contains("2_b.down.sql has no up script"));
    assert!(run.stderr.contains("3_c.down.sql: down script is empty"));
}

#[apply(each_database)]
fn log_shows_every_operation_with_its_actor(#[case] db: Db) {
    let Some(project) = Project::on(db) else {
        return;
    };
    project.migration("1_a", "CREATE TABLE a (id INTEGER);", "DROP TABLE a;");
    project.run(&["up"]).success();
    project.rollback(&[]).success();
    project.run(&["repair", "1"]).code(2);
    let run = project.run(&["log", "--format", "json"]);
    run.success();
    let entries = run.json();
    let entries = entries.as_array().unwrap();
    assert_eq!(entries.len(), 2, "{entries:?}");
    assert_eq!(entries[0]["operation"], "apply");
    assert_eq!(entries[0]["version"], "1");
    assert_eq!(entries[0]["outcome"], "success");
    assert_eq!(entries[1]["operation"], "revert");
    assert_eq!(entries[1]["outcome"], "success");
    for entry in entries {
        assert!(entry["actor"].as_str().unwrap().contains('@'), "{entry}");
        assert!(entry["error"].is_null(), "{entry}");
    }
    let human = project.run(&["log"]);
    human.success();
    assert!(
        human.stdout.contains("revert  success  1 a"),
        "{}",
        human.stdout
    );
}

/// A cargo package in the project folder, so that `cargo metadata` finds it.
fn cargo_package(project: &Project, metadata: &str) {
    project.write(
        "Cargo.toml",
        format!("[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n{metadata}"),
    );
    project.write("src/main.rs", "fn main() {}\n");
}

#[test]
fn the_package_metadata_names_the_folder_and_settings() {
    let project = Project::new();
    cargo_package(
        &project,
        "[package.metadata.rollback]\nmigrations = \"db/migrations\"\nempty-down = \"irreversible\"\n",
    );
    project
        .write("db/migrations/1_a.up.sql", "CREATE TABLE a (id INTEGER);")
        .write("db/migrations/1_a.down.sql", "");
    let url = project.url();
    let run = project.run_bare(&["up", "--database-url", &url]);
    run.success();
    assert!(
        run.stderr.contains(
            "1 down is empty, so irreversible (empty-down = \"irreversible\"): db/migrations/1_a.down.sql;"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(
        project.query("SELECT version FROM _rollback_migrations"),
        ["1"]
    );
}

#[test]
fn database_url_comes_from_dot_env() {
    let project = Project::new();
    cargo_package(&project, "");
    project.migration("1_a", "CREATE TABLE a (id INTEGER);", "DROP TABLE a;");
    project.write(".env", format!("DATABASE_URL={}\n", project.url()));
    project.run_bare(&["up"]).success();
    assert_eq!(project.schema(), ["table a"]);
}

#[test]
fn a_workspace_package_is_picked_with_dash_p() {
    let project = Project::new();
    project.write(
        "Cargo.toml",
        "[workspace]\nmembers = [\"api\", \"worker\"]\nresolver = \"2\"\n",
    );
    for member in ["api", "worker"] {
        project.write(
            &format!("{member}/Cargo.toml"),
            format!("[package]\nname = \"{member}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n"),
        );
        project.write(&format!("{member}/src/main.rs"), "fn main() {}\n");
        project.write(
            &format!("{member}/migrations/1_{member}.up.sql"),
            format!("CREATE TABLE {member} (id INTEGER);"),
        );
        project.write(
            &format!("{member}/migrations/1_{member}.down.sql"),
            format!("DROP TABLE {member};"),
        );
    }
    let url = project.url();
    project
        .run_bare(&["up", "--database-url", &url])
        .code(2)
        .one_line_error(&["several workspace members have migrations", "-p"]);
    project
        .run_bare(&["up", "-p", "worker", "--database-url", &url])
        .success();
    assert_eq!(project.schema(), ["table worker"]);
    project
        .run_bare(&["up", "-p", "nope", "--database-url", &url])
        .code(2)
        .one_line_error(&["package `nope` is not a member"]);
}

#[test]
fn init_writes_the_rebuild_line_once() {
    let project = Project::new();
    cargo_package(&project, "");
    project.run_bare(&["init"]).success();
    let build = fs::read_to_string(project.root().join("build.rs")).unwrap();
    assert!(
        build.contains("println!(\"cargo:rerun-if-changed=migrations\");"),
        "{build}"
    );
    let again = project.run_bare(&["init"]);
    again.success();
    assert!(again.stdout.contains("already"), "{}", again.stdout);
    assert_eq!(
        fs::read_to_string(project.root().join("build.rs")).unwrap(),
        build
    );
}

#[test]
fn outside_a_cargo_project_the_folder_must_be_named() {
    let project = Project::new();
    let url = project.url();
    project
        .run_bare(&["status", "--database-url", &url])
        .code(2)
        .one_line_error(&["no Cargo.toml", "--source DIR"]);
}

#[apply(each_database)]
fn global_options_may_come_before_the_subcommand(#[case] db: Db) {
    let Some(project) = Project::on(db) else {
        return;
    };
    project.tables(&["a", "b"]);
    let source = project.migrations();
    let source = source.to_str().unwrap();
    let url = project.url();
    let global = ["--database-url", url.as_str(), "--source", source, "-q"];
    project.run_bare(&[&global[..], &["up"]].concat()).success();
    let status = project.run_bare(&[&global[..], &["status", "--format", "json"]].concat());
    assert_eq!(
        status.states(),
        [
            ("1".to_owned(), "applied".to_owned()),
            ("2".to_owned(), "applied".to_owned())
        ]
    );
    project
        .run_bare(&[&global[..], &["--last", "1", "--yes"]].concat())
        .success();
    assert_eq!(project.in_state("pending"), ["2"]);
}
