//! Safety checks: drift, missing files, conflicting downs, irreversible
//! migrations and dirty records all refuse with exit code 3 and change nothing.

use rstest_reuse::apply;

use crate::each_database;
use crate::support::{Db, Project};

/// Three migrations, `1_users`, `2_posts`, `3_tags`, on a database of kind `db`.
fn project_with_three(db: Db) -> Option<Project> {
    let project = Project::on(db)?;
    project.tables(&["users", "posts", "tags"]);
    Some(project)
}

#[apply(each_database)]
fn an_applied_up_edited_on_disk_blocks_up_until_repaired(#[case] db: Db) {
    let Some(project) = project_with_three(db) else {
        return;
    };
    project.run(&["up", "--to", "2"]).success();
    project.write(
        "migrations/1_users.up.sql",
        "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);",
    );
    assert_eq!(project.in_state("modified"), ["1"]);
    let before = project.fingerprint();
    project.run(&["up"]).code(3).one_line_error(&[
        "changed on disk",
        "1 users",
        "cargo rollback repair",
    ]);
    assert_eq!(project.fingerprint(), before);
    project.run(&["repair", "1"]).success();
    assert_eq!(project.in_state("modified"), Vec::<String>::new());
    project.run(&["up"]).success();
    assert_eq!(project.in_state("applied"), ["1", "2", "3"]);
    assert_eq!(
        project.query(
            "SELECT count(*) FROM _rollback_log WHERE operation = 'repair' AND version = '1'"
        ),
        ["1"]
    );
}

#[apply(each_database)]
fn crlf_checkout_is_not_drift(#[case] db: Db) {
    let Some(project) = project_with_three(db) else {
        return;
    };
    let up = "CREATE TABLE posts (\n    id INTEGER PRIMARY KEY\n);\n";
    let down = "-- posts go\nDROP TABLE posts;\n";
    project.migration("2_posts", up, down);
    project.run(&["up"]).success();
    project.migration(
        "2_posts",
        &up.replace('\n', "\r\n"),
        &down.replace('\n', "\r\n"),
    );
    assert_eq!(project.in_state("applied"), ["1", "2", "3"]);
    let status = project.run(&["status", "--format", "json"]);
    assert_eq!(status.json()[1]["down_modified"], false);
}

#[apply(each_database)]
fn applied_migrations_missing_from_the_folder_block_up(#[case] db: Db) {
    let Some(project) = project_with_three(db) else {
        return;
    };
    project.run(&["up"]).success();
    std::fs::remove_file(project.migrations().join("3_tags.up.sql")).unwrap();
    std::fs::remove_file(project.migrations().join("3_tags.down.sql")).unwrap();
    project.migration(
        "4_likes",
        "CREATE TABLE likes (id INTEGER);",
        "DROP TABLE likes;",
    );
    let status = project.run(&["status"]);
    assert!(
        status.stdout.contains("❓ 3 tags (missing"),
        "{}",
        status.stdout
    );
    let before = project.fingerprint();
    project
        .run(&["up"])
        .code(3)
        .one_line_error(&["not in the migrations folder: 3 tags", "--ignore-missing"]);
    assert_eq!(project.fingerprint(), before);
    project.run(&["up", "--ignore-missing"]).success();
    assert_eq!(project.in_state("applied"), ["1", "2", "4"]);
    assert_eq!(project.in_state("missing"), ["3"]);
}

#[apply(each_database)]
fn a_down_edited_after_apply_needs_a_decision(#[case] db: Db) {
    let Some(project) = project_with_three(db) else {
        return;
    };
    project.run(&["up"]).success();
    project.write("migrations/3_tags.down.sql", "DROP TABLE IF EXISTS tags;");
    let status = project.run(&["status"]);
    assert!(
        status.stdout.contains("the down on disk differs"),
        "{}",
        status.stdout
    );
    let before = project.fingerprint();
    project.rollback(&[]).code(3).one_line_error(&[
        "down script of 3 tags",
        "3_tags.down.sql",
        "--use-file",
        "--use-stored",
    ]);
    assert_eq!(project.fingerprint(), before);
    project.rollback(&["--use-file"]).success();
    assert_eq!(project.in_state("pending"), ["3"]);
    project.run(&["up"]).success();
    // Applied again, the new down is the stored one: no conflict now.
    project.rollback(&[]).success();
    assert!(!project.has_table("tags"));
}

#[apply(each_database)]
fn the_stored_down_can_be_chosen_over_the_file(#[case] db: Db) {
    let Some(project) = project_with_three(db) else {
        return;
    };
    project.run(&["up"]).success();
    project.write(
        "migrations/3_tags.down.sql",
        "DROP TABLE not_the_right_one;",
    );
    project.rollback(&["--use-stored"]).success();
    assert_eq!(project.schema(), ["table posts", "table users"]);
}

#[apply(each_database)]
fn a_range_stops_before_an_irreversible_migration(#[case] db: Db) {
    let Some(project) = project_with_three(db) else {
        return;
    };
    project.write(
        "migrations/2_posts.down.sql",
        "-- rollback:irreversible posts were merged into users; the split cannot be recovered\n",
    );
    project.run(&["up"]).success();
    let run = project.rollback(&["--all"]);
    run.code(3);
    assert!(run.stdout.contains("Reverted 3 tags"), "{}", run.stdout);
    assert!(
        run.stderr.contains(
            "2 posts is irreversible: posts were merged into users; the split cannot be recovered"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(project.in_state("applied"), ["1", "2"]);
    assert_eq!(project.in_state("pending"), ["3"]);
    assert_eq!(project.schema(), ["table posts", "table users"]);
    let status = project.run(&["status"]);
    assert!(
        status.stdout.contains("[irreversible: posts were merged"),
        "{}",
        status.stdout
    );
}

#[apply(each_database)]
fn empty_downs_adopted_as_irreversible(#[case] db: Db) {
    let Some(project) = project_with_three(db) else {
        return;
    };
    project.write("migrations/2_posts.down.sql", "");
    project.run(&["up"]).code(2);
    let run = project.run(&["up", "--empty-down", "irreversible"]);
    run.success();
    assert!(run.stderr.contains("warning: "), "{}", run.stderr);
    assert!(
        run.stderr.contains("1 down is empty, so irreversible")
            && run.stderr.contains("2_posts.down.sql;"),
        "{}",
        run.stderr
    );
    let run = project.rollback(&["--to", "1", "--empty-down", "irreversible"]);
    run.code(3);
    assert!(
        run.stderr
            .contains("2 posts is irreversible: the down script is empty"),
        "{}",
        run.stderr
    );
    let status = project.run(&["status", "--empty-down", "irreversible"]);
    assert!(
        status.stdout.contains("2 applied, 1 pending"),
        "{}",
        status.stdout
    );
}

/// Runs every command that changes the database and checks that each
/// refuses because `migration` (`VERSION name`) is dirty, pointing at
/// `cargo rollback repair VERSION`, and that nothing changed.
#[track_caller]
pub fn assert_dirty_blocks_everything(project: &Project, migration: &str) {
    let version = migration.split(' ').next().unwrap();
    let repair = format!("cargo rollback repair {version}");
    let dirty = format!("{migration} is dirty");
    let before = project.fingerprint();
    for args in [&["up"][..], &["--yes"], &["--all", "--yes"], &["up"]] {
        project.run(args).code(3).one_line_error(&[&dirty, &repair]);
    }
    assert_eq!(project.fingerprint(), before);
}

#[apply(each_database)]
fn a_dirty_migration_blocks_everything_until_repaired(#[case] db: Db) {
    let Some(project) = project_with_three(db) else {
        return;
    };
    // Outside a transaction the first statement sticks when the second fails.
    project.migration(
        "4_half",
        "-- rollback:no-transaction\nCREATE TABLE half (id INTEGER);\nINSERT INTO no_such_table VALUES (1);",
        "DROP TABLE half;",
    );
    project.run(&["up"]).code(1);
    assert_eq!(project.in_state("dirty"), ["4"]);
    assert!(project.has_table("half"));
    let status = project.run(&["status"]);
    assert!(
        status.stdout.contains("❌ 4 half (dirty"),
        "{}",
        status.stdout
    );
    assert_dirty_blocks_everything(&project, "4 half");
    // The human undoes the half-applied change, then tells the tool.
    project.execute("DROP TABLE half");
    project.run(&["repair", "4", "--pending"]).success();
    assert_eq!(project.in_state("pending"), ["4"]);
    project.write(
        "migrations/4_half.up.sql",
        "-- rollback:no-transaction\nCREATE TABLE half (id INTEGER);",
    );
    project.run(&["up"]).success();
    assert_eq!(project.in_state("applied"), ["1", "2", "3", "4"]);
    assert!(project.has_table("half"));
}

/// `up` reads the applied set as one value the database puts together; a
/// row that value cannot carry whole (a name edited to hold a newline) is
/// read as a row instead, and every check still holds.
#[apply(each_database)]
fn a_tracking_row_the_applied_list_cannot_carry_is_read_as_a_row(#[case] db: Db) {
    let Some(project) = Project::on(db) else {
        return;
    };
    project.tables(&["users", "teams"]);
    project.run(&["up", "--to", "1"]).success();
    project.execute("UPDATE _rollback_migrations SET name = 'two\nlines'");
    project.run(&["up"]).success();
    assert_eq!(project.in_state("applied"), ["1", "2"]);
    project.write(
        "migrations/1_users.up.sql",
        "CREATE TABLE users (id INTEGER);",
    );
    project
        .run(&["up"])
        .code(3)
        .one_line_error(&["changed on disk", "1 users"]);
}
