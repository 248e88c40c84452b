//! `cargo rollback lint` through the binary: each output format, exit
//! codes, lint-ignore, severities from Cargo.toml, single migrations and
//! `--since` in a real git repository.

use std::path::Path;
use std::process::Command;

use crate::support::{Project, Run};

/// A project whose second migration drops a table the first created.
fn dropping_project() -> Project {
    let project = Project::new();
    project
        .migration(
            "1_users",
            "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);",
            "DROP TABLE users;",
        )
        .migration(
            "2_drop",
            "DROP TABLE users;",
            "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);",
        );
    project
}

/// A cargo package in the project folder with `metadata` in its Cargo.toml.
fn cargo_package(project: &Project, metadata: &str) {
    project.write(
        "Cargo.toml",
        format!("[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[package.metadata.rollback.lint]\ndialect = \"sqlite\"\n{metadata}"),
    );
    project.write("src/main.rs", "fn main() {}\n");
}

#[test]
fn human_output_names_file_line_code_severity_and_fix() {
    let project = dropping_project();
    let run = project.run(&["lint"]);
    run.code(1);
    assert!(
        run.stdout.contains(
            "2_drop.up.sql:1: error[RB101] drops table `users` and every row in it (drop-table)"
        ),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("  fix: "), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("2 migrations linted: 1 error, 0 warnings, 0 info"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_clean_folder_exits_zero() {
    let project = Project::new();
    project.migration(
        "1_users",
        "CREATE TABLE users (id INTEGER PRIMARY KEY);",
        "DROP TABLE users;",
    );
    let run = project.run(&["lint"]);
    run.success();
    assert!(
        run.stdout.contains("1 migration linted: 0 errors"),
        "{}",
        run.stdout
    );
}

#[test]
fn warnings_alone_exit_zero() {
    let project = Project::new();
    project
        .migration(
            "1_users",
            "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);",
            "DROP TABLE users;",
        )
        .migration(
            "2_index",
            "CREATE INDEX users_name ON users (name);",
            "DROP INDEX users_name;",
        );
    let run = project.run(&["lint", "--dialect", "postgres"]);
    run.success();
    assert!(run.stdout.contains("warning[RB301]"), "{}", run.stdout);
    assert!(run.stdout.contains("warning[RB302]"), "{}", run.stdout);
    let run = project.run(&["lint"]);
    run.success();
    assert!(
        !run.stdout.contains("RB301"),
        "SQLite has no such lock: {}",
        run.stdout
    );
}

#[test]
fn json_output_lists_findings_and_counts() {
    let run = dropping_project().run(&["lint", "--format", "json"]);
    run.code(1);
    let report = run.json();
    let finding = &report["findings"][0];
    assert_eq!(finding["code"], "RB101");
    assert_eq!(finding["name"], "drop-table");
    assert_eq!(finding["severity"], "error");
    assert_eq!(finding["line"], 1);
    assert!(finding["path"].as_str().unwrap().ends_with("2_drop.up.sql"));
    assert!(!finding["fix"].as_str().unwrap().is_empty());
    assert_eq!(report["summary"]["errors"], 1);
    assert_eq!(report["summary"]["migrations"], 2);
}

#[test]
fn sarif_output_is_sarif_2_1_0() {
    let run = dropping_project().run(&["lint", "--format", "sarif"]);
    run.code(1);
    let sarif = run.json();
    assert_eq!(sarif["version"], "2.1.0");
    let run_ = &sarif["runs"][0];
    let rules = run_["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.len() >= 30, "{} rules", rules.len());
    assert!(rules.iter().all(|rule| rule["id"].is_string()));
    let results = run_["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    let result = &results[0];
    assert_eq!(result["ruleId"], "RB101");
    assert_eq!(result["level"], "error");
    let index = result["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[index]["id"], "RB101");
    let location = &result["locations"][0]["physicalLocation"];
    assert!(
        location["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("2_drop.up.sql")
    );
    assert_eq!(location["region"]["startLine"], 1);
    assert!(
        result["message"]["text"]
            .as_str()
            .unwrap()
            .contains("users")
    );
}

#[test]
fn github_output_is_workflow_annotations() {
    let project = dropping_project();
    let run = project.run(&["lint", "--format", "github"]);
    run.code(1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{}", run.stdout);
    assert!(
        lines[0].starts_with(
            "::error file=migrations/2_drop.up.sql,line=1,title=RB101 drop-table::drops table `users`"
        ),
        "{}",
        lines[0]
    );
    assert!(lines[0].contains(" Fix: "), "{}", lines[0]);
}

#[test]
fn lint_ignore_with_a_reason_silences_the_next_statement() {
    let project = Project::new();
    project
        .migration(
            "1_users",
            "CREATE TABLE users (id INTEGER PRIMARY KEY);",
            "DROP TABLE users;",
        )
        .migration(
            "2_drop",
            "-- rollback:lint-ignore RB101 the rows moved to users_archive in 1\nDROP TABLE users;",
            "CREATE TABLE users (id INTEGER PRIMARY KEY);",
        );
    let run = project.run(&["lint"]);
    run.success();
    assert!(!run.stdout.contains("RB101"), "{}", run.stdout);
    project.run(&["check"]).success();
}

#[test]
fn lint_ignore_without_a_reason_is_an_error_and_silences_nothing() {
    let project = Project::new();
    project
        .migration(
            "1_users",
            "CREATE TABLE users (id INTEGER PRIMARY KEY);",
            "DROP TABLE users;",
        )
        .migration(
            "2_drop",
            "-- rollback:lint-ignore RB101\nDROP TABLE users;",
            "CREATE TABLE users (id INTEGER PRIMARY KEY);",
        );
    let run = project.run(&["lint"]);
    run.code(1);
    assert!(
        run.stdout.contains("2_drop.up.sql:1: error[RB002]"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("2_drop.up.sql:2: error[RB101]"),
        "{}",
        run.stdout
    );
}

#[test]
fn cargo_toml_sets_severities_per_code() {
    let project = dropping_project();
    cargo_package(&project, "RB101 = \"warning\"\n");
    let run = project.run_bare(&["lint"]);
    run.success();
    assert!(run.stdout.contains("warning[RB101]"), "{}", run.stdout);

    cargo_package(&project, "RB101 = \"off\"\n");
    let run = project.run_bare(&["lint"]);
    run.success();
    assert!(!run.stdout.contains("RB101"), "{}", run.stdout);
}

#[test]
fn bad_configuration_is_bad_input_naming_the_key() {
    let project = dropping_project();
    cargo_package(&project, "RB101 = \"loud\"\n");
    project
        .run_bare(&["lint"])
        .code(2)
        .one_line_error(&["[package.metadata.rollback.lint] RB101", "`loud`"]);
    cargo_package(&project, "RB999 = \"off\"\n");
    project
        .run_bare(&["lint"])
        .code(2)
        .one_line_error(&["RB999", "unknown lint rule"]);
}

#[test]
fn a_single_migration_is_linted_against_the_whole_folder() {
    let project = dropping_project();
    let users = project.migrations().join("1_users.up.sql");
    let run = project.run(&["lint", users.to_str().unwrap()]);
    run.success();
    assert!(run.stdout.contains("1 migration linted"), "{}", run.stdout);
    let drop = project.migrations().join("2_drop.down.sql");
    let run = project.run(&["lint", drop.to_str().unwrap()]);
    run.code(1);
    assert!(
        run.stdout.contains("1 migration linted: 1 error"),
        "{}",
        run.stdout
    );
}

#[test]
fn unknown_paths_and_unknown_dialects_are_bad_input() {
    let project = dropping_project();
    project
        .run(&["lint", "no/such/folder"])
        .code(2)
        .one_line_error(&["no/such/folder", "no such migration file or folder"]);
    let migrations = project.migrations();
    project
        .run_bare(&["lint", migrations.to_str().unwrap()])
        .code(2)
        .one_line_error(&["--dialect"]);
    project
        .run(&["status", "--format", "sarif"])
        .code(2)
        .one_line_error(&["lint"]);
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(["-c", "user.name=lint", "-c", "user.email=lint@example.com"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(
        status.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&status.stderr)
    );
}

#[test]
fn since_lints_only_what_changed_since_a_revision() {
    let project = dropping_project();
    let root = project.root();
    git(root, &["init", "-q"]);
    git(root, &["add", "migrations"]);
    git(root, &["commit", "-q", "-m", "first"]);
    let run = project.run(&["lint", "--since", "HEAD"]);
    run.success();
    assert!(run.stdout.contains("0 migrations linted"), "{}", run.stdout);

    project.migration(
        "3_names",
        "ALTER TABLE users RENAME COLUMN name TO full_name;",
        "ALTER TABLE users RENAME COLUMN full_name TO name;",
    );
    let run: Run = project.run(&["lint", "--since", "HEAD", "--format", "json"]);
    run.code(1);
    let report = run.json();
    let codes: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| finding["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["RB201"], "{report}");
    assert_eq!(report["summary"]["migrations"], 1);

    project
        .run(&["lint", "--since", "no-such-ref"])
        .code(2)
        .one_line_error(&["--since no-such-ref"]);
}

#[test]
fn since_outside_a_git_repository_is_bad_input() {
    dropping_project()
        .run(&["lint", "--since", "HEAD"])
        .code(2)
        .one_line_error(&["--since needs a git repository"]);
}

#[test]
fn rules_are_listed() {
    let project = Project::new();
    let run = project.run(&["lint", "--rules"]);
    run.success();
    assert!(run.stdout.lines().count() >= 30, "{}", run.stdout);
    assert!(run.stdout.contains("RB301 warning"), "{}", run.stdout);
}

#[test]
fn docs_lint_md_shows_every_rule() {
    let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/lint.md"))
        .expect("docs/lint.md");
    let run = Project::new().run(&["lint", "--rules", "--format", "json"]);
    run.success();
    for rule in run.json().as_array().unwrap() {
        let heading = format!(
            "### {} {}",
            rule["code"].as_str().unwrap(),
            rule["name"].as_str().unwrap()
        );
        assert!(docs.contains(&heading), "docs/lint.md lacks `{heading}`");
        let bad = rule["bad"]["up"].as_str().unwrap();
        assert!(
            docs.contains(bad),
            "docs/lint.md lacks the bad example of {heading}"
        );
    }
}

#[test]
fn the_dialect_comes_from_the_database_url_without_connecting() {
    let project = Project::new();
    project
        .migration(
            "1_users",
            "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);",
            "DROP TABLE users;",
        )
        .migration(
            "2_index",
            "CREATE INDEX users_name ON users (name);",
            "DROP INDEX users_name;",
        );
    let migrations = project.migrations();
    // Nothing listens on port 1: lint reads the URL's kind and never connects.
    let run = project.run_bare(&[
        "lint",
        migrations.to_str().unwrap(),
        "--database-url",
        "postgres://nobody@127.0.0.1:1/none",
    ]);
    run.success();
    assert!(run.stdout.contains("warning[RB301]"), "{}", run.stdout);
}
