//! Applying and reverting: the everyday path, on every database.

use rstest_reuse::apply;

use crate::each_database;
use crate::support::{Db, Project, no_such_table};

const ALL: [&str; 5] = [
    "20260112093000",
    "20260112093100",
    "20260112093200",
    "20260112093300",
    "20260112093400",
];

/// What `Project::shop` creates, as `Project::schema` lists it: on
/// PostgreSQL the trigger needs a function of its own.
fn shop_schema(db: Db) -> Vec<&'static str> {
    let mut schema = vec![
        "index orders_customer",
        "table customers",
        "table orders",
        "trigger orders_touch",
        "view order_counts",
    ];
    if db == Db::Postgres {
        schema.insert(0, "function orders_touch");
    }
    schema
}

#[apply(each_database)]
fn up_applies_everything_and_status_shows_it(#[case] db: Db) {
    let Some(project) = Project::on(db) else {
        return;
    };
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
    assert_eq!(project.schema(), shop_schema(db));
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

#[apply(each_database)]
fn status_json_has_the_documented_fields(#[case] db: Db) {
    let Some(project) = Project::on(db) else {
        return;
    };
    project.shop();
    project.run(&["up", "--to", "20260112093000"]).success();
    let status = project.run(&["status", "--format", "json"]);
    status.success();
    let lines = status.json();
    let applied = &lines[0];
    assert_eq!(applied["version"], "20260112093000");
    assert_eq!(applied["name"], "create_customers");
    assert_eq!(applied["state"], "applied");
    let applied_at = applied["applied_at"].as_str().expect("applied_at is text");
    let applied_at = chrono::DateTime::parse_from_rfc3339(applied_at)
        .unwrap_or_else(|error| panic!("{applied_at}: {error}"));
    let age = chrono::Utc::now().signed_duration_since(applied_at);
    assert!(
        age >= chrono::TimeDelta::zero() && age < chrono::TimeDelta::minutes(5),
        "applied {age} ago"
    );
    assert!(applied["execution_ms"].as_i64().is_some(), "{applied}");
    let pending = &lines[1];
    assert_eq!(pending["state"], "pending");
    assert!(pending["applied_at"].is_null(), "{pending}");
    assert!(pending["execution_ms"].is_null(), "{pending}");
}

#[apply(each_database)]
fn second_up_is_a_no_op(#[case] db: Db) {
    let Some(project) = Project::on(db) else {
        return;
    };
    project.shop();
    project.run(&["up"]).success();
    let before = project.schema();
    let run = project.run(&["up"]);
    run.success();
    assert!(run.stdout.contains("Nothing to apply"), "{}", run.stdout);
    assert_eq!(project.schema(), before);
    assert_eq!(
        project.query("SELECT count(*) FROM _rollback_log WHERE operation = 'apply'"),
        ["5"]
    );
}

#[apply(each_database)]
fn last_three_reverts_exactly_three_and_they_become_pending(#[case] db: Db) {
    let Some(project) = Project::on(db) else {
        return;
    };
    project.shop();
    project.run(&["up"]).success();
    let run = project.rollback(&["--last", "3"]);
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
    assert_eq!(project.columns("orders"), ["id", "customer_id", "status"]);
}

#[apply(each_database)]
fn no_selector_reverts_the_newest_only(#[case] db: Db) {
    let Some(project) = Project::on(db) else {
        return;
    };
    project.shop();
    project.run(&["up"]).success();
    project.rollback(&[]).success();
    assert_eq!(project.in_state("pending"), ["20260112093400"]);
    assert_eq!(project.in_state("applied"), &ALL[..4]);
}

#[apply(each_database)]
fn to_keeps_the_named_version(#[case] db: Db) {
    let Some(project) = Project::on(db) else {
        return;
    };
    project.shop();
    project.run(&["up"]).success();
    project.rollback(&["--to", "20260112093100"]).success();
    assert_eq!(project.in_state("applied"), &ALL[..2]);
    // Nothing newer is left: a second run does nothing.
    let again = project.rollback(&["--to", "20260112093100"]);
    again.success();
    assert!(
        again.stdout.contains("Nothing to revert"),
        "{}",
        again.stdout
    );
    assert_eq!(project.in_state("applied"), &ALL[..2]);
}

#[apply(each_database)]
fn all_reverts_everything_and_up_reapplies(#[case] db: Db) {
    let Some(project) = Project::on(db) else {
        return;
    };
    project.shop();
    project.run(&["up"]).success();
    project.rollback(&["--all"]).success();
    assert_eq!(project.in_state("pending"), ALL);
    assert!(project.schema().is_empty(), "{:?}", project.schema());
    project.run(&["up"]).success();
    assert_eq!(project.in_state("applied"), ALL);
    assert_eq!(project.schema(), shop_schema(db));
}

#[apply(each_database)]
fn up_to_applies_up_to_and_including_the_target(#[case] db: Db) {
    let Some(project) = Project::on(db) else {
        return;
    };
    project.shop();
    project.run(&["up", "--to", "20260112093200"]).success();
    assert_eq!(project.in_state("applied"), &ALL[..3]);
    assert_eq!(project.in_state("pending"), &ALL[3..]);
}

#[apply(each_database)]
fn last_counts_most_recently_applied_not_highest_version(#[case] db: Db) {
    let Some(project) = Project::on(db) else {
        return;
    };
    project.shop();
    project.run(&["up", "--to", "20260112093100"]).success();
    project.migration(
        "20260112093050_create_coupons",
        "CREATE TABLE coupons (id INTEGER PRIMARY KEY);",
        "DROP TABLE coupons;",
    );
    // Applied after 093100 although its version is older.
    project.run(&["up", "--to", "20260112093100"]).success();
    project.rollback(&["--last", "1"]).success();
    assert!(!project.has_table("coupons"));
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

#[apply(each_database)]
fn a_single_version_reverts_only_when_newest_or_out_of_order(#[case] db: Db) {
    let Some(project) = Project::on(db) else {
        return;
    };
    project.shop();
    project.run(&["up"]).success();
    let before = project.fingerprint();
    project
        .rollback(&["20260112093300"])
        .code(3)
        .one_line_error(&["20260112093300", "--out-of-order"]);
    assert_eq!(project.fingerprint(), before);
    project.rollback(&["20260112093400"]).success();
    project
        .rollback(&["20260112093200", "--out-of-order"])
        .success();
    assert_eq!(
        project.in_state("pending"),
        ["20260112093200", "20260112093400"]
    );
    assert!(!project.has_index("orders_customer"));
}

#[apply(each_database)]
fn versions_can_be_typed_in_any_spelling_with_the_same_digits(#[case] db: Db) {
    let Some(project) = Project::on(db) else {
        return;
    };
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
    project.rollback(&["--to", "20190101000000"]).success();
    assert_eq!(project.in_state("applied"), ["2019-01-01-000000"]);
    assert_eq!(project.schema(), ["table users"]);
}

#[apply(each_database)]
fn three_layouts_mixed_in_one_folder(#[case] db: Db) {
    let Some(project) = Project::on(db) else {
        return;
    };
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
    project.rollback(&["--all"]).success();
    assert!(project.schema().is_empty(), "{:?}", project.schema());
}

#[apply(each_database)]
fn the_down_is_stored_and_used_when_the_file_is_gone(#[case] db: Db) {
    let Some(project) = Project::on(db) else {
        return;
    };
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
    project.rollback(&["20260112093400"]).success();
    assert!(
        !project
            .schema()
            .contains(&"trigger orders_touch".to_owned())
    );
    assert_eq!(project.columns("orders"), ["id", "customer_id", "status"]);
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

#[apply(each_database)]
fn a_comment_only_up_is_a_recorded_no_op(#[case] db: Db) {
    let Some(project) = Project::on(db) else {
        return;
    };
    project.migration(
        "1_nothing",
        "-- data fix moved elsewhere\n",
        "-- rollback:irreversible nothing to undo\n",
    );
    project.run(&["up"]).success();
    assert_eq!(project.in_state("applied"), ["1"]);
    assert!(project.schema().is_empty(), "{:?}", project.schema());
}

/// An up and a down, each marked no-transaction, that build and drop index
/// `t_c` on `t (c)` the way the database needs it done outside a
/// transaction: PostgreSQL `CONCURRENTLY`; SQLite with a `VACUUM` (which
/// refuses to run in a transaction); MySQL has no such statement, so there
/// only the bookkeeping differs.
fn index_built_outside_a_transaction(db: Db) -> (&'static str, &'static str) {
    match db {
        Db::Sqlite => (
            "-- rollback:no-transaction\nCREATE INDEX t_c ON t (c);\nVACUUM;",
            "-- rollback:no-transaction\nDROP INDEX t_c;\nVACUUM;",
        ),
        Db::Postgres => (
            "-- rollback:no-transaction\nCREATE INDEX CONCURRENTLY t_c ON t (c);",
            "-- rollback:no-transaction\nDROP INDEX CONCURRENTLY t_c;",
        ),
        Db::MySql => (
            "-- rollback:no-transaction\nCREATE INDEX t_c ON t (c);",
            "-- rollback:no-transaction\nDROP INDEX t_c ON t;",
        ),
    }
}

#[apply(each_database)]
fn a_no_transaction_migration_applies_and_reverts(#[case] db: Db) {
    let Some(project) = Project::on(db) else {
        return;
    };
    let (up, down) = index_built_outside_a_transaction(db);
    project
        .migration(
            "1_table",
            "CREATE TABLE t (id INTEGER, c INTEGER);",
            "DROP TABLE t;",
        )
        .migration("2_index", up, down);
    project.run(&["up"]).success();
    assert_eq!(project.in_state("applied"), ["1", "2"]);
    assert!(project.has_index("t_c"));
    project.rollback(&["--last", "1"]).success();
    assert_eq!(project.in_state("pending"), ["2"]);
    assert!(!project.has_index("t_c"));
    assert_eq!(project.schema(), ["table t"]);
}

#[apply(each_database)]
fn a_failing_statement_leaves_nothing_of_its_migration(#[case] db: Db) {
    let Some(project) = Project::on(db) else {
        return;
    };
    // The statements before the failing one change data only: every
    // database can take them back (MySQL cannot take back DDL: see
    // mysql.rs).
    project
        .migration("1_ok", "CREATE TABLE kept (id INTEGER);", "DROP TABLE kept;")
        .migration(
            "2_broken",
            "INSERT INTO kept VALUES (1);\nUPDATE kept SET id = 2;\n\nINSERT INTO no_such_table VALUES (1);",
            "DELETE FROM kept;",
        );
    let run = project.run(&["up"]);
    run.code(1).one_line_error(&[
        "error: migration 2 broken failed at statement 3 of its up script (migrations/2_broken.up.sql line 4): \
         INSERT INTO no_such_table VALUES (1): ",
        &no_such_table(db, "no_such_table"),
    ]);
    assert_eq!(project.schema(), ["table kept"]);
    assert!(project.query("SELECT id FROM kept").is_empty());
    assert_eq!(project.in_state("applied"), ["1"]);
    assert_eq!(project.in_state("pending"), ["2"]);
    assert_eq!(project.log_lines(), ["apply 1 success", "apply 2 failure"]);
    let failure = project.query("SELECT error FROM _rollback_log WHERE outcome = 'failure'");
    assert!(
        failure[0].contains(&no_such_table(db, "no_such_table")),
        "{failure:?}"
    );
}

/// Where DDL is transactional, even a migration that has created and
/// altered a table before its failing statement leaves no trace but its
/// failure in the log. (MySQL commits DDL at once: see mysql.rs.)
#[rstest::rstest]
#[case::sqlite(Db::Sqlite)]
#[case::postgres(Db::Postgres)]
fn a_failure_after_ddl_leaves_nothing_where_ddl_is_transactional(#[case] db: Db) {
    let Some(project) = Project::on(db) else {
        return;
    };
    project.tables(&["users"]).migration(
        "2_broken",
        "CREATE TABLE x (id int);\nALTER TABLE x ADD COLUMN y int;\nINSERT INTO nope VALUES (1);",
        "DROP TABLE x;",
    );
    project.run(&["up", "--to", "1"]).success();
    let schema = project.schema();
    let tracking = project.tracking_rows();
    project.run(&["up"]).code(1).one_line_error(&[
        "migration 2 broken failed at statement 3 of its up script",
        &no_such_table(db, "nope"),
    ]);
    assert_eq!(project.schema(), schema);
    assert!(!project.has_table("x"));
    assert_eq!(project.tracking_rows(), tracking);
    assert_eq!(project.in_state("pending"), ["2"]);
    assert_eq!(project.log_lines(), ["apply 1 success", "apply 2 failure"]);
}

#[apply(each_database)]
fn errors_in_a_single_file_migration_name_the_file_line(#[case] db: Db) {
    let Some(project) = Project::on(db) else {
        return;
    };
    project.write(
        "migrations/1_single.sql",
        "-- The users table.\n-- migrate:up\nCREATE TABLE users (id INTEGER);\n\nCREATE INDEX users_email ON users (email);\n\n-- migrate:down\nDROP TABLE users;\n",
    );
    let run = project.run(&["up"]);
    run.code(1).one_line_error(&[
        "statement 2 of its up script (migrations/1_single.sql line 5)",
        "CREATE INDEX users_email ON users (email)",
    ]);
}

#[apply(each_database)]
fn a_failing_down_leaves_the_migration_applied(#[case] db: Db) {
    let Some(project) = Project::on(db) else {
        return;
    };
    project.migration(
        "1_t",
        "CREATE TABLE t (id INTEGER);\nINSERT INTO t VALUES (1);",
        "DELETE FROM t;\nINSERT INTO not_there VALUES (1);",
    );
    project.run(&["up"]).success();
    let run = project.rollback(&[]);
    run.code(1).one_line_error(&[
        "statement 2 of its down script (migrations/1_t.down.sql line 2)",
        "INSERT INTO not_there VALUES (1)",
    ]);
    assert_eq!(project.schema(), ["table t"]);
    assert_eq!(project.query("SELECT id FROM t"), ["1"]);
    assert_eq!(project.in_state("applied"), ["1"]);
    assert_eq!(project.log_lines(), ["apply 1 success", "revert 1 failure"]);
}

/// `init-sql` that lets rows break foreign keys for the session, as real
/// projects run it (Vaultwarden on SQLite and MySQL).
fn foreign_keys_off(db: Db) -> &'static str {
    match db {
        Db::Sqlite => "PRAGMA foreign_keys = OFF",
        Db::Postgres => "SET session_replication_role = replica",
        Db::MySql => "SET FOREIGN_KEY_CHECKS = 0",
    }
}

#[apply(each_database)]
fn init_sql_runs_before_migrations(#[case] db: Db) {
    let Some(project) = Project::on(db) else {
        return;
    };
    project
        .migration(
            "1_tables",
            "CREATE TABLE parent (id INTEGER PRIMARY KEY);\nCREATE TABLE child (parent_id INTEGER REFERENCES parent (id));",
            "DROP TABLE child;\nDROP TABLE parent;",
        )
        .migration(
            "2_orphan",
            "INSERT INTO child VALUES (42);",
            "DELETE FROM child;",
        );
    project
        .run(&["up", "--init-sql", foreign_keys_off(db)])
        .success();
    assert_eq!(project.query("SELECT parent_id FROM child"), ["42"]);
    // Without it the database checks the key (sqlx opens SQLite with
    // foreign keys on): the same row is refused.
    project.migration(
        "3_another_orphan",
        "INSERT INTO child VALUES (43);",
        "DELETE FROM child WHERE parent_id = 43;",
    );
    project.run(&["up"]).code(1);
    assert_eq!(project.query("SELECT parent_id FROM child"), ["42"]);
}

#[apply(each_database)]
fn json_output_of_up_and_revert_lists_the_steps(#[case] db: Db) {
    let Some(project) = Project::on(db) else {
        return;
    };
    project.shop();
    let up = project.run(&["up", "--format", "json"]);
    up.success();
    let steps = up.json();
    assert_eq!(steps.as_array().unwrap().len(), 5);
    assert_eq!(steps[0]["operation"], "apply");
    assert_eq!(steps[0]["version"], "20260112093000");
    let down = project.rollback(&["--last", "2", "--format", "json"]);
    down.success();
    let steps = down.json();
    assert_eq!(steps.as_array().unwrap().len(), 2);
    assert_eq!(steps[0]["operation"], "revert");
    assert_eq!(steps[0]["version"], "20260112093400");
    assert_eq!(steps[1]["version"], "20260112093300");
}

/// A step's record goes into the tracking tables written in as literals on
/// PostgreSQL and MySQL (so that it shares a round trip): quotes,
/// backslashes and any other character in a name or a stored down must come
/// back as written, and the stored down must still run.
#[apply(each_database)]
fn names_and_stored_downs_keep_every_character(#[case] db: Db) {
    let Some(project) = Project::on(db) else {
        return;
    };
    let comment = r"-- it's a \ back'slash\\ and é ☃ $$ '' \' \n";
    project.migration(
        "1_it's_users",
        "CREATE TABLE users (id INTEGER PRIMARY KEY);",
        &format!("{comment}\nDROP TABLE users;"),
    );
    project.run(&["up"]).success();
    assert_eq!(
        project.query("SELECT name FROM _rollback_migrations"),
        ["it's_users"]
    );
    let stored = project.query("SELECT down_sql FROM _rollback_migrations");
    assert!(stored[0].starts_with(comment), "{stored:?}");
    project.write(
        "migrations/1_it's_users.down.sql",
        "DROP TABLE nothing_here;",
    );
    project.rollback(&["--use-stored"]).success();
    assert_eq!(project.schema(), Vec::<String>::new());
    assert_eq!(
        project.query("SELECT name FROM _rollback_log ORDER BY id"),
        ["it's_users", "it's_users"]
    );
}
