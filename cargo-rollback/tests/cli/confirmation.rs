//! A rollback asks first: at a terminal the person types `ROLLBACK`; without
//! one, `--yes` is the only way through, and otherwise nothing changes and
//! the exit code is 3.

use rstest_reuse::apply;

use crate::each_database;
use crate::support::{Db, Project};

#[apply(each_database)]
fn a_rollback_without_yes_and_without_a_terminal_is_refused(#[case] db: Db) {
    let Some(project) = Project::on(db) else {
        return;
    };
    project.shop();
    project.run(&["up"]).success();
    let before = project.fingerprint();
    for selection in [
        &[][..],
        &["--last", "2"],
        &["--to", "20260112093000"],
        &["--all"],
        &["20260112093400"],
    ] {
        project.run(selection).code(3).one_line_error(&[
            "without confirmation",
            "no terminal",
            "--yes",
        ]);
    }
    assert_eq!(project.fingerprint(), before);
    assert_eq!(project.in_state("applied").len(), 5);
}

#[apply(each_database)]
fn a_rollback_with_nothing_to_revert_needs_no_confirmation(#[case] db: Db) {
    let Some(project) = Project::on(db) else {
        return;
    };
    project.shop();
    project.run(&["up"]).success();
    let run = project.run(&["--to", "20260112093400"]);
    run.success();
    assert!(run.stdout.contains("Nothing to revert"), "{}", run.stdout);
}

/// A project whose one migration, `1_users`, is applied.
fn one_applied_migration() -> Project {
    let project = Project::new();
    project.tables(&["users"]);
    project.run(&["up"]).success();
    project
}

#[test]
fn typing_rollback_at_the_terminal_confirms() {
    let project = one_applied_migration();
    let run = project.run_at_terminal(&["--last", "1"], "ROLLBACK\n");
    run.success();
    // The plan is shown before the question.
    let plan = run.stdout.find("DROP TABLE users").expect(&run.stdout);
    let question = run
        .stdout
        .find("Type ROLLBACK to revert 1 users")
        .expect(&run.stdout);
    assert!(plan < question, "{}", run.stdout);
    assert!(
        run.stdout.contains("Reverted 1 migration"),
        "{}",
        run.stdout
    );
    assert_eq!(project.in_state("pending"), ["1"]);
    assert!(!project.has_table("users"));
}

#[test]
fn any_other_answer_at_the_terminal_refuses() {
    let project = one_applied_migration();
    let before = project.db_bytes();
    let run = project.run_at_terminal(&["--last", "1"], "no\n");
    run.code(3);
    assert!(
        run.stdout
            .contains("error: not confirmed: nothing was changed"),
        "{}",
        run.stdout
    );
    assert!(project.db_bytes() == before, "the database file changed");
    assert_eq!(project.in_state("applied"), ["1"]);
}

#[test]
fn at_a_terminal_a_run_shows_its_progress() {
    let project = Project::new();
    project.tables(&["a", "b", "c"]);
    project.run(&["up"]).success();
    let run = project.run_at_terminal(&["--all", "--yes"], "");
    run.success();
    for part in [
        "0/3 reverting 3 c",
        "reverting 1 a",
        "Reverted 3 migrations",
    ] {
        assert!(run.stdout.contains(part), "lacks {part:?}:\n{}", run.stdout);
    }
}
