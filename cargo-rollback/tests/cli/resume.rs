//! `resume VERSION`: the rest of a dirty migration's script, from the
//! statement it reached, after what stopped it is fixed.

use rstest_reuse::apply;

use crate::each_database;
use crate::support::{Db, Project};

/// A project whose `2_pair` created table `a`, then failed on its second
/// statement (a table that `blocker` already holds) outside a transaction:
/// dirty at statement 2 of 3 of its up on every database.
fn dirty_at_statement_2(db: Db) -> Option<Project> {
    let project = Project::on(db)?;
    project.tables(&["users"]).migration(
        "2_pair",
        "-- rollback:no-transaction\nCREATE TABLE a (id INTEGER);\nCREATE TABLE b (id INTEGER);\nCREATE TABLE c (id INTEGER);",
        "-- rollback:no-transaction\nDROP TABLE c;\nDROP TABLE b;\nDROP TABLE a;",
    );
    project.run(&["up", "--to", "1"]).success();
    project.execute("CREATE TABLE b (id INTEGER)");
    project
        .run(&["up"])
        .code(1)
        .one_line_error(&["migration 2 pair failed at statement 2 of its up script"]);
    Some(project)
}

#[apply(each_database)]
fn a_dirty_up_resumes_from_the_statement_that_failed_once_it_is_fixed(#[case] db: Db) {
    let Some(project) = dirty_at_statement_2(db) else {
        return;
    };
    let status = project.run(&["status", "--format", "json"]).json();
    assert_eq!(status[1]["state"], "dirty");
    assert_eq!(
        status[1]["stopped_at"],
        serde_json::json!({"script": "up", "statement": 2, "statements": 3})
    );
    // What stopped it: the person drops the table in the way.
    project.execute("DROP TABLE b");
    let run = project.run(&["resume", "2"]);
    run.success();
    assert!(
        run.stdout.contains("Resumed 2 pair: it is applied"),
        "{}",
        run.stdout
    );
    assert_eq!(project.in_state("applied"), ["1", "2"]);
    assert_eq!(
        project.schema(),
        ["table a", "table b", "table c", "table users"]
    );
    assert_eq!(
        project.log_lines(),
        ["apply 1 success", "apply 2 failure", "apply 2 success"]
    );
    // It reverts like any other, and nothing is left to resume.
    project.rollback(&[]).success();
    assert_eq!(project.schema(), ["table users"]);
    project
        .run(&["resume", "2"])
        .code(2)
        .one_line_error(&["2 pair is not dirty (it is pending), so there is nothing to resume"]);
}

#[apply(each_database)]
fn a_statement_fixed_in_the_file_resumes_but_a_changed_part_that_ran_is_refused(#[case] db: Db) {
    let Some(project) = dirty_at_statement_2(db) else {
        return;
    };
    // The statement that failed is changed: that part may be.
    project.write(
        "migrations/2_pair.up.sql",
        "-- rollback:no-transaction\nCREATE TABLE a (id INTEGER);\nCREATE TABLE b2 (id INTEGER);\nCREATE TABLE c (id INTEGER);",
    );
    project.run(&["resume", "2"]).success();
    assert_eq!(project.in_state("applied"), ["1", "2"]);
    assert_eq!(
        project.schema(),
        ["table a", "table b", "table b2", "table c", "table users"]
    );
    // Recorded with the file as it is now: `up` has nothing to refuse.
    project.run(&["up"]).success();

    let Some(project) = dirty_at_statement_2(db) else {
        return;
    };
    // The statement that ran is changed: where to go on means nothing.
    project.write(
        "migrations/2_pair.up.sql",
        "-- rollback:no-transaction\nCREATE TABLE a2 (id INTEGER);\nCREATE TABLE b (id INTEGER);\nCREATE TABLE c (id INTEGER);",
    );
    project.run(&["resume", "2"]).code(3).one_line_error(&[
        "cannot resume 2 pair: the statements of its up script before the one it reached are not the ones that ran",
    ]);
    assert_eq!(project.in_state("dirty"), ["2"]);
}

#[apply(each_database)]
fn from_skips_a_statement_that_took_effect_and_a_dirty_down_finishes_the_revert(#[case] db: Db) {
    let Some(project) = dirty_at_statement_2(db) else {
        return;
    };
    // The person made `b` by hand as the migration would have: go on after it.
    project
        .run(&["resume", "2", "--from", "9"])
        .code(2)
        .one_line_error(&["cannot resume 2 pair at statement 9: its script has 3 statements"]);
    project.run(&["resume", "2", "--from", "3"]).success();
    assert_eq!(project.in_state("applied"), ["1", "2"]);

    // A down that stops part-way: the person had renamed `b`.
    project.execute("ALTER TABLE b RENAME TO b_moved");
    let failed = project.rollback(&["--no-backup"]);
    failed.code(1);
    let dirty = project.run(&["status"]);
    assert!(
        dirty
            .stdout
            .contains("dirty at statement 2 of 3 of its down"),
        "{}",
        dirty.stdout
    );
    project.execute("ALTER TABLE b_moved RENAME TO b");
    let run = project.run(&["resume", "2"]);
    run.success();
    assert!(
        run.stdout.contains("Resumed 2 pair: it is reverted"),
        "{}",
        run.stdout
    );
    assert_eq!(project.in_state("pending"), ["2"]);
    assert_eq!(project.schema(), ["table users"]);
}
