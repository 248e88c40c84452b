//! MySQL/MariaDB only: DDL commits at once, so a migration that fails after
//! a DDL statement cannot be taken back. Its row stays dirty, every later
//! run refuses, and a person settles it with `repair` after fixing the
//! schema by hand, back or forward.

use crate::safety::assert_dirty_blocks_everything;
use crate::support::{Db, Project};

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
        &Db::MySql.no_such_table("no_such_table"),
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
        status.stdout.contains("❌ 2 pair (dirty")
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
