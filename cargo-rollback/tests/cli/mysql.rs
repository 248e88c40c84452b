//! MySQL/MariaDB only: DDL commits at once, so a migration that fails after
//! a DDL statement cannot be taken back. Its row stays dirty, every later
//! run refuses, and a person settles it with `repair` after fixing the
//! schema by hand, back or forward.

use crate::safety::assert_dirty_blocks_everything;
use crate::support::{Db, Project, no_such_table};

/// A MySQL project where `1_users` is applied and `2_pair` created tables
/// `a` and `b`, then failed on its third statement and stayed dirty.
fn project_with_a_dirty_migration() -> Option<Project> {
    let project = Project::on(Db::MySql)?;
    project.tables(&["users"]).migration(
        "2_pair",
        "CREATE TABLE a (id INTEGER);\nCREATE TABLE b (id INTEGER);\nINSERT INTO no_such_table VALUES (1);",
        "DROP TABLE b;\nDROP TABLE a;",
    );
    project.run(&["up"]).code(1).one_line_error(&[
        "migration 2 pair failed at statement 3 of its up script",
        &no_such_table(Db::MySql, "no_such_table"),
    ]);
    Some(project)
}

#[test]
fn a_failure_after_ddl_leaves_the_migration_dirty_and_blocks_everything() {
    let Some(project) = project_with_a_dirty_migration() else {
        return;
    };
    assert_eq!(project.in_state("applied"), ["1"]);
    assert_eq!(project.in_state("dirty"), ["2"]);
    // What the DDL did stays: that is what dirty means.
    assert_eq!(project.schema(), ["table a", "table b", "table users"]);
    let status = project.run(&["status"]);
    status.success();
    assert!(
        status
            .stdout
            .contains("❌ 2 pair (dirty at statement 3 of 3 of its up")
            && status.stdout.contains("`cargo rollback resume 2`")
            && status.stdout.contains("cargo rollback repair 2`")
            && status.stdout.contains("cargo rollback repair 2 --pending"),
        "{}",
        status.stdout
    );
    assert_dirty_blocks_everything(&project, "2 pair");
    assert_eq!(project.log_lines(), ["apply 1 success", "apply 2 failure"]);
}

#[test]
fn a_dirty_migration_undone_by_hand_is_repaired_as_pending_and_applied_again() {
    let Some(project) = project_with_a_dirty_migration() else {
        return;
    };
    // The person takes the schema back to before the migration…
    project.execute("DROP TABLE a, b");
    project.run(&["repair", "2", "--pending"]).success();
    assert_eq!(project.in_state("pending"), ["2"]);
    assert_eq!(project.schema(), ["table users"]);
    // …and fixes the migration, which then applies like any other.
    project.write(
        "migrations/2_pair.up.sql",
        "CREATE TABLE a (id INTEGER);\nCREATE TABLE b (id INTEGER);\nINSERT INTO a VALUES (1);",
    );
    project.run(&["up"]).success();
    assert_eq!(project.in_state("applied"), ["1", "2"]);
    assert_eq!(project.schema(), ["table a", "table b", "table users"]);
    assert_eq!(project.query("SELECT id FROM a"), ["1"]);
    assert_eq!(
        project.log_lines(),
        [
            "apply 1 success",
            "apply 2 failure",
            "repair 2 success",
            "apply 2 success"
        ]
    );
}

#[test]
fn a_dirty_migration_finished_by_hand_is_repaired_as_applied() {
    let Some(project) = project_with_a_dirty_migration() else {
        return;
    };
    // The person finishes the migration by hand, as its file now says…
    project.write(
        "migrations/2_pair.up.sql",
        "CREATE TABLE a (id INTEGER);\nCREATE TABLE b (id INTEGER);\nINSERT INTO a VALUES (1);",
    );
    project.execute("INSERT INTO a VALUES (1)");
    // …and records it applied, with the checksums of the files.
    project.run(&["repair", "2"]).success();
    assert_eq!(project.in_state("applied"), ["1", "2"]);
    let up = project.run(&["up"]);
    up.success();
    assert!(up.stdout.contains("Nothing to apply"), "{}", up.stdout);
    // It reverts like any applied migration, with the down of the file.
    project.rollback(&[]).success();
    assert_eq!(project.in_state("pending"), ["2"]);
    assert_eq!(project.schema(), ["table users"]);
}

/// A migration's clean row and audit row commit with the next migration's
/// dirty marker: a next migration whose script fails before any DDL must not
/// take them back with it, nor the data a migration of data statements wrote.
#[test]
fn a_failure_before_any_ddl_keeps_the_migrations_before_it_recorded() {
    let Some(project) = Project::on(Db::MySql) else {
        return;
    };
    project
        .tables(&["users"])
        .migration(
            "2_seed",
            "INSERT INTO users (id) VALUES (1);",
            "DELETE FROM users WHERE id = 1;",
        )
        .migration(
            "3_more",
            "INSERT INTO users (id) VALUES (2);\nINSERT INTO no_such_table VALUES (1);",
            "DELETE FROM users WHERE id = 2;",
        );
    project.run(&["up"]).code(1).one_line_error(&[
        "migration 3 more failed at statement 2 of its up script",
        &no_such_table(Db::MySql, "no_such_table"),
    ]);
    assert_eq!(project.in_state("applied"), ["1", "2"]);
    assert_eq!(project.in_state("pending"), ["3"]);
    assert_eq!(project.query("SELECT id FROM users ORDER BY id"), ["1"]);
    assert_eq!(
        project.log_lines(),
        ["apply 1 success", "apply 2 success", "apply 3 failure"]
    );

    // The same going down, with backups: the revert of 2 is recorded and
    // its DELETE kept when the revert after it fails before any DDL.
    project.write(
        "migrations/3_more.up.sql",
        "INSERT INTO users (id) VALUES (2);",
    );
    project.run(&["up"]).success();
    project.write(
        "migrations/1_users.down.sql",
        "UPDATE users SET no_such_column = 1;\nDROP TABLE users;",
    );
    project.rollback(&["--all", "--use-file"]).code(1);
    assert_eq!(project.in_state("applied"), ["1"]);
    assert_eq!(project.in_state("pending"), ["2", "3"]);
    assert_eq!(project.query("SELECT COUNT(*) FROM users"), ["0"]);
    assert_eq!(
        project.log_lines()[4..],
        ["revert 3 success", "revert 2 success", "revert 1 failure"]
    );
}

/// A run's last migration has no next one to commit its record with: it is
/// recorded when the run ends, and the next run finds it applied and clean.
#[test]
fn the_last_migration_of_a_run_is_recorded_clean_and_logged() {
    let Some(project) = Project::on(Db::MySql) else {
        return;
    };
    project.tables(&["users", "teams"]);
    project.run(&["up", "--to", "1"]).success();
    assert_eq!(project.in_state("applied"), ["1"]);
    assert!(
        project.tracking_rows()[0].ends_with(" 0"),
        "{:?}",
        project.tracking_rows()
    );
    project.run(&["up"]).success();
    assert_eq!(project.in_state("applied"), ["1", "2"]);
    assert!(
        project
            .tracking_rows()
            .iter()
            .all(|row| row.ends_with(" 0")),
        "{:?}",
        project.tracking_rows()
    );
    project.rollback(&["--last", "1"]).success();
    assert_eq!(project.in_state("applied"), ["1"]);
    assert_eq!(
        project.log_lines(),
        ["apply 1 success", "apply 2 success", "revert 2 success"]
    );
}
