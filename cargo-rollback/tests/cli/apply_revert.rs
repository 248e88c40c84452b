//! Applying and reverting: the everyday path.

use crate::support::Project;

const ALL: [&str; 5] = [
    "20260112093000",
    "20260112093100",
    "20260112093200",
    "20260112093300",
    "20260112093400",
];

#[test]
fn up_applies_everything_and_status_shows_it() {
    let project = Project::new();
    project.shop();
    let run = project.run(&["up"]);
    run.success();
    assert!(
        run.stdout
            .contains("Applied 20260112093000 create_customers"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("Applied 5 migrations"),
        "{}",
        run.stdout
    );
    assert_eq!(project.in_state("applied"), ALL);
    assert_eq!(
        project.schema(),
        [
            "index orders_customer",
            "table customers",
            "table orders",
            "trigger orders_touch",
            "view order_counts"
        ]
    );
    let status = project.run(&["status"]);
    status.success();
    assert!(
        status
            .stdout
            .contains("✅ 20260112093000 create_customers (applied just now)"),
        "{}",
        status.stdout
    );
    assert!(
        status.stdout.contains("5 applied, 0 pending"),
        "{}",
        status.stdout
    );
}

#[test]
fn second_up_is_a_no_op() {
    let project = Project::new();
    project.shop();
    project.run(&["up"]).success();
    let run = project.run(&["up"]);
    run.success();
    assert!(run.stdout.contains("Nothing to apply"), "{}", run.stdout);
    assert_eq!(
        project.query("SELECT count(*) FROM _rollback_log WHERE operation = 'apply'"),
        ["5"]
    );
}

#[test]
fn last_three_reverts_exactly_three_and_they_become_pending() {
    let project = Project::new();
    project.shop();
    project.run(&["up"]).success();
    let run = project.run(&["--last", "3"]);
    run.success();
    assert!(
        run.stdout.contains("Reverted 3 migrations"),
        "{}",
        run.stdout
    );
    let reverted: Vec<&str> = run
        .stdout
        .lines()
        .filter_map(|line| line.strip_prefix("Reverted 2026"))
        .collect();
    assert_eq!(reverted.len(), 3, "{}", run.stdout);
    assert!(
        run.stdout.find("20260112093400").unwrap() < run.stdout.find("20260112093200").unwrap()
    );
    assert_eq!(project.in_state("applied"), &ALL[..2]);
    assert_eq!(project.in_state("pending"), &ALL[2..]);
    assert_eq!(project.schema(), ["table customers", "table orders"]);
    // The column the last migration added is gone with it.
    assert_eq!(
        project.query("SELECT name FROM pragma_table_info('orders') ORDER BY cid"),
        ["id", "customer_id", "status"]
    );
}

#[test]
fn no_selector_reverts_the_newest_only() {
    let project = Project::new();
    project.shop();
    project.run(&["up"]).success();
    project.run(&[]).success();
    assert_eq!(project.in_state("pending"), ["20260112093400"]);
}

#[test]
fn to_keeps_the_named_version() {
    let project = Project::new();
    project.shop();
    project.run(&["up"]).success();
    project.run(&["--to", "20260112093100"]).success();
    assert_eq!(project.in_state("applied"), &ALL[..2]);
    // Nothing newer is left: a second run does nothing.
    let again = project.run(&["--to", "20260112093100"]);
    again.success();
    assert!(
        again.stdout.contains("Nothing to revert"),
        "{}",
        again.stdout
    );
}

#[test]
fn all_reverts_everything_and_up_reapplies() {
    let project = Project::new();
    project.shop();
    project.run(&["up"]).success();
    project.run(&["--all"]).success();
    assert_eq!(project.in_state("pending"), ALL);
    assert!(project.schema().is_empty(), "{:?}", project.schema());
    project.run(&["up"]).success();
    assert_eq!(project.in_state("applied"), ALL);
}

#[test]
fn up_to_applies_up_to_and_including_the_target() {
    let project = Project::new();
    project.shop();
    project.run(&["up", "--to", "20260112093200"]).success();
    assert_eq!(project.in_state("applied"), &ALL[..3]);
}

#[test]
fn last_counts_most_recently_applied_not_highest_version() {
    let project = Project::new();
    project.shop();
    project.run(&["up", "--to", "20260112093100"]).success();
    project.migration(
        "20260112093050_create_coupons",
        "CREATE TABLE coupons (code TEXT PRIMARY KEY);",
        "DROP TABLE coupons;",
    );
    // Applied after 093100 although its version is older.
    project.run(&["up", "--to", "20260112093100"]).success();
    project.run(&["--last", "1"]).success();
    assert!(
        project
            .in_state("pending")
            .contains(&"20260112093050".to_owned())
    );
    assert!(
        project
            .in_state("applied")
            .contains(&"20260112093100".to_owned())
    );
}

#[test]
fn a_single_version_reverts_only_when_newest_or_out_of_order() {
    let project = Project::new();
    project.shop();
    project.run(&["up"]).success();
    project
        .run(&["20260112093300"])
        .code(3)
        .one_line_error(&["20260112093300", "--out-of-order"]);
    assert_eq!(project.in_state("applied"), ALL);
    project.run(&["20260112093400"]).success();
    project.run(&["20260112093200", "--out-of-order"]).success();
    assert_eq!(
        project.in_state("pending"),
        ["20260112093200", "20260112093400"]
    );
}

#[test]
fn versions_can_be_typed_in_any_spelling_with_the_same_digits() {
    let project = Project::new();
    project
        .write(
            "migrations/2019-01-01-000000_create_users/up.sql",
            "CREATE TABLE users (id INTEGER);",
        )
        .write(
            "migrations/2019-01-01-000000_create_users/down.sql",
            "DROP TABLE users;",
        )
        .write(
            "migrations/2019-02-01-000000_create_posts/up.sql",
            "CREATE TABLE posts (id INTEGER);",
        )
        .write(
            "migrations/2019-02-01-000000_create_posts/down.sql",
            "DROP TABLE posts;",
        );
    project.run(&["up"]).success();
    project.run(&["--to", "20190101000000"]).success();
    assert_eq!(project.in_state("applied"), ["2019-01-01-000000"]);
}

#[test]
fn three_layouts_mixed_in_one_folder() {
    let project = Project::new();
    project
        .migration("1_flat", "CREATE TABLE flat (id INTEGER);", "DROP TABLE flat;")
        .write("migrations/2_dir/up.sql", "CREATE TABLE dir (id INTEGER);")
        .write("migrations/2_dir/down.sql", "DROP TABLE dir;")
        .write(
            "migrations/10_single.sql",
            "-- migrate:up\nCREATE TABLE single (id INTEGER);\n\n-- migrate:down\nDROP TABLE single;\n",
        );
    project.run(&["up"]).success();
    assert_eq!(project.in_state("applied"), ["1", "2", "10"]);
    assert_eq!(
        project.schema(),
        ["table dir", "table flat", "table single"]
    );
    project.run(&["--all"]).success();
    assert!(project.schema().is_empty());
}

#[test]
fn the_down_is_stored_and_used_when_the_file_is_gone() {
    let project = Project::new();
    project.shop();
    project.run(&["up"]).success();
    for suffix in ["up", "down"] {
        std::fs::remove_file(
            project
                .migrations()
                .join(format!("20260112093400_track_updates.{suffix}.sql")),
        )
        .unwrap();
    }
    assert_eq!(project.in_state("missing"), ["20260112093400"]);
    project.run(&["20260112093400"]).success();
    assert!(
        !project
            .schema()
            .contains(&"trigger orders_touch".to_owned())
    );
    assert_eq!(project.in_state("applied"), &ALL[..4]);
}

#[test]
fn works_as_a_cargo_subcommand() {
    // cargo runs `cargo-rollback rollback …` for `cargo rollback …`.
    let project = Project::new();
    project.shop();
    let mut command = project.bare_command(&["rollback", "up"]);
    command
        .arg("--source")
        .arg(project.migrations())
        .arg("--database-url")
        .arg(project.url());
    assert!(command.status().unwrap().success());
    assert_eq!(project.in_state("applied"), ALL);
}

#[test]
fn a_comment_only_up_is_a_recorded_no_op() {
    let project = Project::new();
    project.migration(
        "1_nothing",
        "-- data fix moved elsewhere\n",
        "-- rollback:irreversible nothing to undo\n",
    );
    project.run(&["up"]).success();
    assert_eq!(project.in_state("applied"), ["1"]);
}

#[test]
fn no_transaction_migration_applies_and_reverts() {
    let project = Project::new();
    project
        .migration("1_table", "CREATE TABLE t (id INTEGER);", "DROP TABLE t;")
        .migration(
            "2_vacuum",
            "-- rollback:no-transaction\nVACUUM;",
            "-- rollback:no-transaction\nVACUUM;",
        );
    project.run(&["up"]).success();
    assert_eq!(project.in_state("applied"), ["1", "2"]);
    project.run(&["--all"]).success();
    assert_eq!(project.in_state("pending"), ["1", "2"]);
}

#[test]
fn a_failing_statement_leaves_nothing_of_its_migration() {
    let project = Project::new();
    project
        .migration("1_ok", "CREATE TABLE kept (id INTEGER);", "DROP TABLE kept;")
        .migration(
            "2_broken",
            "CREATE TABLE half (id INTEGER);\nINSERT INTO half VALUES (1);\n\nINSERT INTO no_such_table VALUES (1);",
            "DROP TABLE half;",
        );
    let run = project.run(&["up"]);
    run.code(1);
    assert_eq!(
        run.stderr.trim_end(),
        "error: migration 2 broken failed at statement 3 of its up script (migrations/2_broken.up.sql line 4): \
         INSERT INTO no_such_table VALUES (1): no such table: no_such_table (code 1)"
    );
    assert!(!run.stderr.contains("panicked"));
    assert_eq!(project.schema(), ["table kept"]);
    assert_eq!(project.in_state("applied"), ["1"]);
    assert_eq!(project.in_state("pending"), ["2"]);
    assert_eq!(
        project.query(
            "SELECT operation || ' ' || version || ' ' || outcome FROM _rollback_log ORDER BY id"
        ),
        ["apply 1 success", "apply 2 failure"]
    );
    let failure = project.query("SELECT error FROM _rollback_log WHERE outcome = 'failure'");
    assert!(failure[0].contains("no such table"), "{failure:?}");
}

#[test]
fn errors_in_a_single_file_migration_name_the_file_line() {
    let project = Project::new();
    project.write(
        "migrations/1_single.sql",
        "-- The users table.\n-- migrate:up\nCREATE TABLE users (id INTEGER);\n\nCREATE INDEX users_email ON users (email);\n\n-- migrate:down\nDROP TABLE users;\n",
    );
    let run = project.run(&["up"]);
    run.code(1);
    assert!(
        run.stderr
            .contains("statement 2 of its up script (migrations/1_single.sql line 5)"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_failing_down_leaves_the_migration_applied() {
    let project = Project::new();
    project.migration(
        "1_t",
        "CREATE TABLE t (id INTEGER);",
        "DROP TABLE t;\nDROP TABLE not_there;",
    );
    project.run(&["up"]).success();
    let run = project.run(&[]);
    run.code(1);
    assert!(
        run.stderr
            .contains("statement 2 of its down script (migrations/1_t.down.sql line 2)"),
        "{}",
        run.stderr
    );
    assert_eq!(project.schema(), ["table t"]);
    assert_eq!(project.in_state("applied"), ["1"]);
}

#[test]
fn init_sql_runs_before_migrations() {
    let project = Project::new();
    project.migration(
        "1_orphan_row",
        "CREATE TABLE parent (id INTEGER PRIMARY KEY);\nCREATE TABLE child (parent_id INTEGER REFERENCES parent (id));\nINSERT INTO child VALUES (42);",
        "DROP TABLE child;\nDROP TABLE parent;",
    );
    // sqlx opens SQLite with foreign keys on: the orphan row is refused.
    project.run(&["up"]).code(1);
    project
        .run(&["up", "--init-sql", "PRAGMA foreign_keys = OFF"])
        .success();
    assert_eq!(project.query("SELECT parent_id FROM child"), ["42"]);
}

#[test]
fn json_output_of_up_and_revert_lists_the_steps() {
    let project = Project::new();
    project.shop();
    let up = project.run(&["up", "--format", "json"]);
    up.success();
    let steps = up.json();
    assert_eq!(steps.as_array().unwrap().len(), 5);
    assert_eq!(steps[0]["operation"], "apply");
    assert_eq!(steps[0]["version"], "20260112093000");
    let down = project.run(&["--last", "2", "--format", "json"]);
    down.success();
    let steps = down.json();
    assert_eq!(steps[0]["operation"], "revert");
    assert_eq!(steps[0]["version"], "20260112093400");
    assert_eq!(steps[1]["version"], "20260112093300");
}
