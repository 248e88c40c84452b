//! `cargo rollback verify` through the real binary on every database:
//! wrong downs of each kind are caught with the object named, correct ones
//! pass, the real database is never touched, scratch databases do not
//! outlive the run, and the JSON and JUnit outputs parse.

use rstest_reuse::apply;

use crate::each_database;
use crate::support::{Db, Project};

/// Per-dialect spellings the fixtures need.
struct Sql {
    text: &'static str,
}

fn sql(db: Db) -> Sql {
    Sql {
        text: match db {
            Db::MySql => "VARCHAR(64)",
            _ => "TEXT",
        },
    }
}

/// Customers, orders and payments (a foreign key each), then one migration
/// per kind of wrong down, then a correct one.
fn broken_folder(project: &Project) {
    let db = project.db_kind();
    let Sql { text } = sql(db);
    project
        .migration(
            "01_customers",
            &format!("CREATE TABLE customers (id INTEGER PRIMARY KEY, email {text} NOT NULL UNIQUE);"),
            "DROP TABLE customers;",
        )
        .migration(
            "02_orders",
            &format!(
                "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers (id), status {text} NOT NULL DEFAULT 'new');\n\
                 CREATE TABLE payments (id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL REFERENCES orders (id));"
            ),
            "DROP TABLE payments;\nDROP TABLE orders;",
        )
        // The down forgets the index.
        .migration(
            "03_index_orders",
            "CREATE INDEX orders_by_customer ON orders (customer_id);",
            "SELECT 1;",
        )
        // The down forgets to drop the column.
        .migration(
            "04_order_note",
            &format!("ALTER TABLE orders ADD COLUMN note {text};"),
            "SELECT 1;",
        )
        // The down puts the column back with another default.
        .migration(
            "05_drop_status",
            "ALTER TABLE orders DROP COLUMN status;",
            &format!("ALTER TABLE orders ADD COLUMN status {text} NOT NULL DEFAULT 'open';"),
        )
        // The down rebuilds the table without its foreign key.
        .migration(
            "06_payment_amount",
            "ALTER TABLE payments ADD COLUMN amount INTEGER;",
            "DROP TABLE payments;\nCREATE TABLE payments (id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL);",
        );
    // The down drops the audit table and leaves its trigger.
    let (audit_up, audit_down) = match db {
        Db::Sqlite => (
            "CREATE TABLE audit (order_id INTEGER);\nCREATE TRIGGER orders_audit AFTER DELETE ON orders BEGIN INSERT INTO audit VALUES (OLD.id); END;",
            "DROP TABLE audit;",
        ),
        Db::Postgres => (
            "CREATE TABLE audit (order_id INTEGER);\nCREATE FUNCTION orders_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO audit VALUES (OLD.id); RETURN OLD; END; $$;\nCREATE TRIGGER orders_audit AFTER DELETE ON orders FOR EACH ROW EXECUTE FUNCTION orders_audit();",
            "DROP TABLE audit;",
        ),
        Db::MySql => (
            "CREATE TABLE audit (order_id INTEGER);\nCREATE TRIGGER orders_audit AFTER DELETE ON orders FOR EACH ROW INSERT INTO audit VALUES (OLD.id);",
            "DROP TABLE audit;",
        ),
    };
    project
        .migration("07_audit_orders", audit_up, audit_down)
        .migration(
            "08_refunds",
            "CREATE TABLE refunds (id INTEGER PRIMARY KEY, payment_id INTEGER);\nCREATE INDEX refunds_by_payment ON refunds (payment_id);",
            "DROP TABLE refunds;",
        );
}

/// `verify --format json`, parsed, with its exit code checked.
fn verify_json(project: &Project, code: i32) -> Vec<serde_json::Value> {
    let run = project.run(&["verify", "--format", "json"]);
    run.code(code);
    run.json()
        .as_array()
        .expect("verify prints an array")
        .clone()
}

/// The entry of one version.
fn entry<'a>(report: &'a [serde_json::Value], version: &str) -> &'a serde_json::Value {
    report
        .iter()
        .find(|entry| entry["version"] == version)
        .unwrap_or_else(|| panic!("no {version} in {report:#?}"))
}

fn diff_of(entry: &serde_json::Value) -> Vec<String> {
    entry["diff"]
        .as_array()
        .unwrap()
        .iter()
        .map(|line| line.as_str().unwrap().to_owned())
        .collect()
}

/// Asserts that the migration failed with a diff line holding every part.
#[track_caller]
fn caught(report: &[serde_json::Value], version: &str, parts: &[&str]) {
    let entry = entry(report, version);
    assert_eq!(entry["result"], "fail", "{entry:#}");
    let diff = diff_of(entry);
    assert!(
        diff.iter()
            .any(|line| parts.iter().all(|part| line.contains(part))),
        "{version}: no diff line with {parts:?}: {diff:#?}"
    );
}

#[apply(each_database)]
fn every_kind_of_wrong_down_is_caught_and_named(db: Db) {
    let Some(project) = Project::on(db) else {
        return;
    };
    broken_folder(&project);
    let report = verify_json(&project, 1);
    assert_eq!(report.len(), 8, "{report:#?}");
    for version in ["01", "02", "08"] {
        let entry = entry(&report, version);
        assert_eq!(entry["result"], "pass", "{entry:#}");
        assert!(diff_of(entry).is_empty(), "{entry:#}");
    }
    let index = match db {
        Db::MySql => "index orders.orders_by_customer",
        _ => "index orders_by_customer",
    };
    caught(&report, "03", &[index, "left behind after down"]);
    caught(
        &report,
        "04",
        &["column orders.note: left behind after down"],
    );
    caught(
        &report,
        "05",
        &[
            "column orders.status: default",
            "'new'",
            "'open'",
            "after down",
        ],
    );
    let foreign_key = match db {
        Db::Sqlite => "foreign key payments(order_id) → orders(id): missing after down",
        Db::Postgres => "constraint payments.payments_order_id_fkey: missing after down",
        Db::MySql => "REFERENCES orders (id)",
    };
    caught(&report, "06", &[foreign_key]);
    let trigger = match db {
        Db::Postgres => "trigger orders.orders_audit: left behind after down",
        _ => "trigger orders_audit: left behind after down",
    };
    caught(&report, "07", &[trigger]);
    if db == Db::Postgres {
        caught(
            &report,
            "07",
            &["function orders_audit(): left behind after down"],
        );
    }
}

#[apply(each_database)]
fn correct_migrations_pass(db: Db) {
    let Some(project) = Project::on(db) else {
        return;
    };
    project.shop();
    let report = verify_json(&project, 0);
    assert_eq!(report.len(), 5);
    for entry in &report {
        assert_eq!(entry["result"], "pass", "{entry:#}");
        assert!(diff_of(entry).is_empty(), "{entry:#}");
    }
    let human = project.run(&["verify"]);
    human.success();
    assert!(
        human.stdout.contains("5 migrations checked") && human.stdout.contains("5 pass"),
        "{}",
        human.stdout
    );
}

/// A trigger made by one migration deletes rows of a table the next one
/// never names: the next one's up changes that table's rows.
#[apply(each_database)]
fn rows_of_untouched_tables_must_survive(db: Db) {
    let Some(project) = Project::on(db) else {
        return;
    };
    let Sql { text } = sql(db);
    project.migration(
        "1_tables",
        &format!(
            "CREATE TABLE notes (id INTEGER PRIMARY KEY, body {text});\nCREATE TABLE people (id INTEGER PRIMARY KEY, name {text});"
        ),
        "DROP TABLE people;\nDROP TABLE notes;",
    );
    let (up, down) = match db {
        Db::Sqlite => (
            "CREATE TRIGGER people_clear AFTER INSERT ON people BEGIN DELETE FROM notes; END;",
            "DROP TRIGGER people_clear;",
        ),
        Db::Postgres => (
            "CREATE FUNCTION people_clear() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN DELETE FROM notes; RETURN NEW; END; $$;\nCREATE TRIGGER people_clear AFTER INSERT ON people FOR EACH ROW EXECUTE FUNCTION people_clear();",
            "DROP TRIGGER people_clear ON people;\nDROP FUNCTION people_clear();",
        ),
        Db::MySql => (
            "CREATE TRIGGER people_clear AFTER INSERT ON people FOR EACH ROW DELETE FROM notes;",
            "DROP TRIGGER people_clear;",
        ),
    };
    project.migration("2_trigger", up, down).migration(
        "3_seed_people",
        "INSERT INTO people (id, name) VALUES (1, 'ada');",
        "DELETE FROM people WHERE id = 1;",
    );
    let report = verify_json(&project, 1);
    assert_eq!(entry(&report, "1")["result"], "pass");
    assert_eq!(entry(&report, "2")["result"], "pass");
    caught(&report, "3", &["rows of notes: 2 → 0 rows after up"]);
}

#[apply(each_database)]
fn the_real_database_is_never_touched_and_no_scratch_database_is_left(db: Db) {
    let Some(project) = Project::on(db) else {
        return;
    };
    project.shop();
    project.run(&["up", "--to", "20260112093100"]).success();
    let before = project.fingerprint();
    let child = project
        .command(&["verify", "--format", "json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run cargo-rollback");
    let pid = child.id();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        project.fingerprint(),
        before,
        "verify changed the real database"
    );
    let left = scratch_databases(&project, pid);
    assert!(left.is_empty(), "scratch databases left: {left:?}");
}

#[test]
fn junit_is_well_formed_with_one_case_per_migration() {
    let project = Project::new();
    broken_folder(&project);
    let run = project.run(&["verify", "--format", "junit"]);
    run.code(1);
    well_formed(&run.stdout);
    assert_eq!(
        run.stdout.matches("<testcase ").count(),
        8,
        "{}",
        run.stdout
    );
    assert_eq!(run.stdout.matches("<failure ").count(), 5, "{}", run.stdout);
    assert!(
        run.stdout
            .contains("column orders.note: left behind after down")
    );
}

#[test]
fn formats_and_versions_are_checked() {
    let project = Project::new();
    project.shop();
    project
        .run(&["status", "--format", "junit"])
        .code(2)
        .one_line_error(&["--format junit is for `cargo rollback verify`"]);
    project
        .run(&["verify", "--format", "markdown"])
        .code(2)
        .one_line_error(&["--format markdown"]);
    project
        .run(&["verify", "--from", "99"])
        .code(2)
        .one_line_error(&["unknown version 99"]);
    let report = verify_json(&project, 0);
    assert_eq!(report.len(), 5);
    let from = project.run(&["verify", "--from", "20260112093300", "--format", "json"]);
    from.success();
    let versions: Vec<String> = from
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["version"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(versions, ["20260112093300", "20260112093400"]);
}

#[test]
fn irreversible_migrations_are_reported_not_failed() {
    let project = Project::new();
    project
        .tables(&["a"])
        .migration(
            "2_seed",
            "INSERT INTO a (id) VALUES (1);",
            "-- rollback:irreversible the seed stays",
        )
        .migration("3_b", "CREATE TABLE b (id INTEGER);", "DROP TABLE b;");
    let report = verify_json(&project, 0);
    assert_eq!(entry(&report, "2")["result"], "irreversible");
    assert_eq!(entry(&report, "3")["result"], "pass");
}

/// A failing up stops the replay: what builds on it is reported skipped.
#[test]
fn a_failing_up_skips_the_rest() {
    let project = Project::new();
    project
        .tables(&["a"])
        .migration("2_bad", "CREATE TABLE a (id INTEGER);", "DROP TABLE a;")
        .migration("3_b", "CREATE TABLE b (id INTEGER);", "DROP TABLE b;");
    let report = verify_json(&project, 1);
    assert_eq!(entry(&report, "1")["result"], "pass");
    let bad = entry(&report, "2");
    assert_eq!(bad["result"], "error");
    assert!(
        bad["error"].as_str().unwrap().contains("up failed"),
        "{bad:#}"
    );
    assert_eq!(entry(&report, "3")["result"], "skipped");
}

/// Checks that every tag closes in order and every `&` starts an entity.
fn well_formed(xml: &str) {
    let body = xml
        .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        .expect("XML declaration");
    let mut open: Vec<String> = Vec::new();
    let mut rest = body;
    while let Some(start) = rest.find('<') {
        let text = &rest[..start];
        assert_entities(text);
        let end = rest[start..].find('>').expect("tag closes") + start;
        let tag = &rest[start + 1..end];
        assert_entities(tag);
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(open.pop().as_deref(), Some(name), "{xml}");
        } else if !tag.ends_with('/') {
            open.push(tag.split_whitespace().next().unwrap().to_owned());
        }
        rest = &rest[end + 1..];
    }
    assert!(open.is_empty(), "unclosed {open:?}");
    assert!(rest.trim().is_empty());
}

fn assert_entities(text: &str) {
    for (at, _) in text.match_indices('&') {
        let entity = &text[at..];
        assert!(
            ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#10;"]
                .iter()
                .any(|known| entity.starts_with(known)),
            "bare & in {text}"
        );
    }
}

/// Ctrl-C half-way: the run stops with an error and its scratch database is
/// gone.
#[apply(each_database)]
fn ctrl_c_drops_the_scratch_database(db: Db) {
    let Some(project) = Project::on(db) else {
        return;
    };
    let tables: Vec<String> = (1..=400).map(|n| format!("t{n}")).collect();
    let names: Vec<&str> = tables.iter().map(String::as_str).collect();
    project.tables(&names);
    let child = project
        .command(&["verify"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run cargo-rollback");
    let pid = child.id();
    // Until the first migration is reported, the scratch database exists.
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let interrupted = std::process::Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status()
        .unwrap();
    assert!(interrupted.success());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("verify interrupted"), "{stderr}");
    assert!(scratch_databases(&project, pid).is_empty());
}

/// The scratch databases a `verify` process left, by its process id.
fn scratch_databases(project: &Project, pid: u32) -> Vec<String> {
    let pattern = format!("rollback\\_verify\\_{pid}\\_%");
    match project.db_kind() {
        Db::Sqlite => std::fs::read_dir(std::env::temp_dir())
            .unwrap()
            .filter_map(|entry| entry.ok())
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .filter(|name| name.starts_with(&format!("rollback_verify_{pid}_")))
            .collect(),
        Db::Postgres => project.query(&format!(
            "SELECT datname::text FROM pg_database WHERE datname LIKE '{pattern}'"
        )),
        Db::MySql => project.query(&format!(
            "SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE '{pattern}'"
        )),
    }
}

/// The down recreates a dropped table without its column's collation.
#[apply(each_database)]
fn a_lost_collation_is_caught(db: Db) {
    let Some(project) = Project::on(db) else {
        return;
    };
    let (text, collate) = match db {
        Db::Sqlite => ("TEXT", "COLLATE NOCASE"),
        Db::Postgres => ("TEXT", "COLLATE \"C\""),
        Db::MySql => ("VARCHAR(64)", "COLLATE utf8mb4_bin"),
    };
    project
        .migration(
            "1_tags",
            &format!("CREATE TABLE tags (id INTEGER PRIMARY KEY, name {text} {collate} NOT NULL);"),
            "DROP TABLE tags;",
        )
        .migration(
            "2_drop_tags",
            "DROP TABLE tags;",
            &format!("CREATE TABLE tags (id INTEGER PRIMARY KEY, name {text} NOT NULL);"),
        );
    let report = verify_json(&project, 1);
    assert_eq!(entry(&report, "1")["result"], "pass");
    caught(&report, "2", &["column tags.name: collation", "after down"]);
}
