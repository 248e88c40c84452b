//! `plan`: every statement of the downs with its class, and for destructive
//! ones what the live database would lose, as text, JSON and Markdown.

use rstest_reuse::apply;

use crate::each_database;
use crate::support::{Db, Project};

/// The shop, applied, with three customers and five orders, two of them
/// updated (so two `updated_at` values are set).
fn shop_with_orders(db: Db) -> Option<Project> {
    let project = Project::on(db)?;
    project.shop();
    project.run(&["up"]).success();
    project.execute(
        "INSERT INTO customers (id, email) VALUES (1, 'a@x'), (2, 'b@x'), (3, 'c@x');
         INSERT INTO orders (id, customer_id) VALUES (1, 1), (2, 1), (3, 2), (4, 3), (5, 3);
         UPDATE orders SET status = 'paid' WHERE id IN (2, 4);",
    );
    Some(project)
}

#[apply(each_database)]
fn the_plan_gives_live_figures_for_what_each_down_destroys(#[case] db: Db) {
    let Some(project) = shop_with_orders(db) else {
        return;
    };
    let before = project.fingerprint();
    let run = project.run(&["plan", "--all", "--format", "json"]);
    run.success();
    let plan = run.json();
    let migrations = plan["migrations"].as_array().unwrap();
    let versions: Vec<&str> = migrations
        .iter()
        .map(|migration| migration["version"].as_str().unwrap())
        .collect();
    assert_eq!(
        versions,
        [
            "20260112093400",
            "20260112093300",
            "20260112093200",
            "20260112093100",
            "20260112093000"
        ]
    );
    let impacts = |index: usize| -> Vec<serde_json::Value> {
        migrations[index]["statements"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|statement| statement["impact"].as_array().unwrap().clone())
            .collect()
    };
    // track_updates: the trigger goes (schema), the column with its values.
    let classes: Vec<&str> = migrations[0]["statements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|statement| statement["class"].as_str().unwrap())
        .collect();
    let expected_classes: &[&str] = match db {
        Db::Postgres => &["schema", "schema", "destructive"],
        _ => &["schema", "destructive"],
    };
    assert_eq!(classes, expected_classes);
    assert_eq!(
        impacts(0),
        [
            serde_json::json!({"kind": "column", "table": "orders", "column": "updated_at", "rows": 5, "non_null": 2})
        ]
    );
    assert_eq!(
        migrations[0]["backups"],
        serde_json::json!([{"kind": "column", "table": {"schema": null, "name": "orders"}, "column": "updated_at"}])
    );
    // The view: its definition, no data.
    assert_eq!(
        impacts(1),
        [serde_json::json!({"kind": "view", "view": "order_counts"})]
    );
    assert_eq!(migrations[1]["backups"], serde_json::json!([]));
    // The index only: nothing destroyed.
    assert_eq!(impacts(2), Vec::<serde_json::Value>::new());
    assert_eq!(migrations[2]["statements"][0]["class"], "schema");
    // orders: its rows, its index and the view that reads it.
    let orders = &impacts(3)[0];
    assert_eq!(orders["kind"], "table");
    assert_eq!(orders["rows"], 5);
    assert_eq!(orders["views"], serde_json::json!(["order_counts"]));
    assert!(
        orders["indexes"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("orders_customer")),
        "{orders}"
    );
    // customers: referenced by orders' foreign key.
    let customers = &impacts(4)[0];
    assert_eq!(customers["rows"], 3);
    assert_eq!(customers["referenced_by"], serde_json::json!(["orders"]));
    assert_eq!(plan["backup"], true);
    assert!(plan["estimated_ms"].as_i64().unwrap() >= 5, "{plan}");
    assert_eq!(
        project.fingerprint(),
        before,
        "planning changed the database"
    );
}

#[apply(each_database)]
fn the_markdown_plan_reads_as_a_rollback_plan(#[case] db: Db) {
    let Some(project) = shop_with_orders(db) else {
        return;
    };
    let run = project.run(&["plan", "--last", "2", "--format", "markdown"]);
    run.success();
    let doc = &run.stdout;
    for part in [
        "# Rollback plan",
        "- **Reverts:** 2 migrations, most recently applied first",
        "- **Confirmation:** required",
        "## 1. Revert `20260112093400 track_updates`",
        "| # | line | class | statement |",
        "| destructive | `ALTER TABLE orders DROP COLUMN updated_at` |",
        "- drops column orders.updated_at: 2 values that are not NULL, in 5 rows",
        "**Backed up first:**\n- `orders.updated_at`",
        "## 2. Revert `20260112093300 order_counts_view`",
        "- view order_counts (its definition is in the up script)",
        "## How to undo this rollback",
        "`cargo rollback restore ID`",
    ] {
        assert!(doc.contains(part), "lacks {part:?}:\n{doc}");
    }
}

#[test]
fn markdown_is_for_plan_only() {
    let project = Project::new();
    project.tables(&["users"]);
    project
        .run(&["status", "--format", "markdown"])
        .code(2)
        .one_line_error(&["--format markdown is for `cargo rollback plan`"]);
}

#[test]
fn a_down_that_only_changes_the_schema_needs_no_confirmation() {
    let project = Project::new();
    project.tables(&["users"]).migration(
        "2_index",
        "CREATE INDEX users_id ON users (id);",
        "DROP INDEX users_id;",
    );
    project.run(&["up"]).success();
    // No terminal and no --yes: still fine, nothing is lost.
    let run = project.run(&[]);
    run.success();
    assert!(run.stdout.contains("Reverted 2 index"), "{}", run.stdout);
    // The next one drops a table: it asks.
    project
        .run(&[])
        .code(3)
        .one_line_error(&["refusing to revert 1 users without confirmation"]);
}

#[test]
fn an_unparsable_statement_is_shown_unclassified_and_needs_confirmation() {
    let project = Project::new();
    project.migration(
        "1_odd",
        "CREATE TABLE t (id INTEGER PRIMARY KEY);",
        "DROP TABLE t;\nFROBNICATE EVERYTHING;",
    );
    project.run(&["up"]).success();
    let plan = project.run(&["plan"]);
    plan.success();
    assert!(
        plan.stdout.contains("unclassified FROBNICATE EVERYTHING"),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout
            .contains("not understood, treated as destructive"),
        "{}",
        plan.stdout
    );
    project.run(&[]).code(3);
}

/// A table the down drops that is already gone is named as such, not
/// counted; one that exists but is empty is counted as holding no row.
#[apply(each_database)]
fn the_plan_names_a_table_that_is_already_gone(#[case] db: Db) {
    let Some(project) = Project::on(db) else {
        return;
    };
    project.migration(
        "1_notes",
        "CREATE TABLE notes (id INTEGER PRIMARY KEY); CREATE TABLE drafts (id INTEGER PRIMARY KEY);",
        "DROP TABLE IF EXISTS drafts; DROP TABLE notes;",
    );
    project.run(&["up"]).success();
    project.execute("DROP TABLE drafts");
    let run = project.run(&["plan", "--all"]);
    run.success();
    assert!(
        run.stdout.contains("table drafts does not exist now"),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains("table notes does not exist now"),
        "{}",
        run.stdout
    );
}
