//! Backups and restores: a rollback copies what its downs destroy, `backups`
//! lists the copies, and `restore` puts every value back once the migrations
//! are applied again, compared value for value on every database.

use rstest_reuse::apply;

use crate::each_database;
use crate::support::{Db, Project};

/// Rows of each table the tests fill.
const ROWS: usize = 10_000;

/// Three migrations: `items (id, label)`; then many typed columns added to
/// it (dropped one by one by the down, and on PostgreSQL an enum type the
/// down drops after its column); then a table `events` of many types with a
/// foreign key to `items` (dropped whole by the down).
fn typed_migrations(project: &Project) {
    let db = project.db_kind();
    let (details_up, details_down, events_up) = match db {
        Db::Sqlite => (
            "ALTER TABLE items ADD COLUMN note TEXT;
             ALTER TABLE items ADD COLUMN amount REAL;
             ALTER TABLE items ADD COLUMN payload BLOB;
             ALTER TABLE items ADD COLUMN born TEXT;
             ALTER TABLE items ADD COLUMN doc TEXT;",
            "ALTER TABLE items DROP COLUMN note;
             ALTER TABLE items DROP COLUMN amount;
             ALTER TABLE items DROP COLUMN payload;
             ALTER TABLE items DROP COLUMN born;
             ALTER TABLE items DROP COLUMN doc;",
            "CREATE TABLE events (id INTEGER PRIMARY KEY, item_id INTEGER REFERENCES items (id),
                body TEXT, n INTEGER, r REAL, b BLOB, at TEXT, j TEXT);",
        ),
        Db::Postgres => (
            "CREATE TYPE mood AS ENUM ('calm', 'cross', 'it''s');
             ALTER TABLE items ADD COLUMN note TEXT, ADD COLUMN amount NUMERIC(20, 6),
                ADD COLUMN payload BYTEA, ADD COLUMN born DATE, ADD COLUMN doc JSONB,
                ADD COLUMN feeling mood, ADD COLUMN tags TEXT[];",
            "ALTER TABLE items DROP COLUMN note;
             ALTER TABLE items DROP COLUMN amount;
             ALTER TABLE items DROP COLUMN payload;
             ALTER TABLE items DROP COLUMN born;
             ALTER TABLE items DROP COLUMN doc;
             ALTER TABLE items DROP COLUMN feeling;
             ALTER TABLE items DROP COLUMN tags;
             DROP TYPE mood;",
            "CREATE TABLE events (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                item_id INTEGER REFERENCES items (id), body TEXT, n BIGINT, r DOUBLE PRECISION,
                b BYTEA, at TIMESTAMPTZ, j JSON, u UUID, flag BOOLEAN);",
        ),
        Db::MySql => (
            "ALTER TABLE items ADD COLUMN note TEXT, ADD COLUMN amount DECIMAL(20, 6),
                ADD COLUMN payload BLOB, ADD COLUMN born DATE, ADD COLUMN doc JSON;",
            "ALTER TABLE items DROP COLUMN note;
             ALTER TABLE items DROP COLUMN amount;
             ALTER TABLE items DROP COLUMN payload;
             ALTER TABLE items DROP COLUMN born;
             ALTER TABLE items DROP COLUMN doc;",
            "CREATE TABLE events (id BIGINT AUTO_INCREMENT PRIMARY KEY,
                item_id INTEGER, body TEXT, n BIGINT, r DOUBLE, b BLOB, at DATETIME(6), j JSON,
                flag BOOLEAN, FOREIGN KEY (item_id) REFERENCES items (id)) CHARACTER SET utf8mb4;",
        ),
    };
    let label = match db {
        Db::MySql => "VARCHAR(200)",
        _ => "TEXT",
    };
    project
        .migration(
            "1_items",
            &format!("CREATE TABLE items (id INTEGER PRIMARY KEY, label {label} NOT NULL);"),
            "DROP TABLE items;",
        )
        .migration("2_details", details_up, details_down)
        .migration("3_events", events_up, "DROP TABLE events;");
}

/// Fills both tables with `ROWS` rows of awkward values: quotes, unicode,
/// NULLs, negative and fractional numbers, bytes, dates, JSON.
fn fill(project: &Project) {
    let sql = match project.db_kind() {
        Db::Sqlite => format!(
            "INSERT INTO items (id, label, note, amount, payload, born, doc)
             SELECT i, 'item ' || i, CASE WHEN i % 7 = 0 THEN NULL ELSE 'it''s ü 🚀 \"' || i END,
                    (i - 150) * 1.25, randomblob(12), date('2020-02-28', '+' || i || ' days'),
                    json_object('i', i, 's', 'ü\"q')
             FROM (WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {ROWS}) SELECT i FROM s);
             INSERT INTO events (id, item_id, body, n, r, b, at, j)
             SELECT i, i, CASE WHEN i % 5 = 0 THEN NULL ELSE 'line 1\nline 2 ' || i END, i * 1000000007,
                    i / 7.0, zeroblob(i % 4), datetime('2020-01-01', '+' || i || ' minutes'), '[' || i || ', null]'
             FROM (WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {ROWS}) SELECT i FROM s);"
        ),
        Db::Postgres => format!(
            "INSERT INTO items (id, label, note, amount, payload, born, doc, feeling, tags)
             SELECT i, 'item ' || i, CASE WHEN i % 7 = 0 THEN NULL ELSE 'it''s ü 🚀 \"' || i END,
                    (i - 150) * 1.000001, decode(md5(i::text), 'hex'), date '2020-02-28' + i,
                    jsonb_build_object('i', i, 's', 'ü\"q'),
                    (ARRAY['calm', 'cross', 'it''s', NULL]::mood[])[1 + i % 4], ARRAY['a,b', NULL, i::text]
             FROM generate_series(1, {ROWS}) AS i;
             INSERT INTO events (item_id, body, n, r, b, at, j, u, flag)
             SELECT i, CASE WHEN i % 5 = 0 THEN NULL ELSE E'line 1\\nline 2 ' || i END, i::bigint * 1000000007,
                    i / 7.0, decode(repeat('00ff', i % 4), 'hex'),
                    timestamptz '2020-01-01 00:00:00+00' + i * interval '1 minute 0.123456 second',
                    json_build_array(i, NULL), md5(i::text)::uuid, CASE WHEN i % 3 = 0 THEN NULL ELSE i % 2 = 0 END
             FROM generate_series(1, {ROWS}) AS i;"
        ),
        Db::MySql => format!(
            "SET SESSION max_recursive_iterations = {ROWS};
             INSERT INTO items (id, label, note, amount, payload, born, doc)
             SELECT i, CONCAT('item ', i), CASE WHEN i % 7 = 0 THEN NULL ELSE CONCAT('it''s ü 🚀 \"', i) END,
                    (i - 150) * 1.000001, UNHEX(MD5(i)), DATE_ADD('2020-02-28', INTERVAL i DAY),
                    JSON_OBJECT('i', i, 's', 'ü\"q')
             FROM (WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {ROWS}) SELECT i FROM s) AS g;
             INSERT INTO events (item_id, body, n, r, b, at, j, flag)
             SELECT i, CASE WHEN i % 5 = 0 THEN NULL ELSE CONCAT('line 1\\nline 2 ', i) END, i * 1000000007,
                    i / 7.0, REPEAT(UNHEX('00FF'), i % 4),
                    TIMESTAMPADD(MICROSECOND, i * 60123456, '2020-01-01 00:00:00'),
                    JSON_ARRAY(i, NULL), CASE WHEN i % 3 = 0 THEN NULL ELSE i % 2 = 0 END
             FROM (WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {ROWS}) SELECT i FROM s) AS g;"
        ),
    };
    project.execute(&sql);
}

/// Every row of `table`, every value rendered exactly (blobs as hex, NULL
/// told from the text 'NULL'), in key order.
fn contents(project: &Project, table: &str) -> Vec<String> {
    let columns = project.columns(table);
    let sql = match project.db_kind() {
        Db::Sqlite => format!(
            "SELECT {} FROM {table} ORDER BY id",
            columns
                .iter()
                .map(|c| format!("quote({c})"))
                .collect::<Vec<_>>()
                .join(" || '|' || ")
        ),
        Db::Postgres => format!("SELECT (t.*)::text FROM {table} AS t ORDER BY id"),
        Db::MySql => format!(
            "SELECT CONCAT_WS('|', {}) FROM {table} ORDER BY id",
            columns
                .iter()
                .map(|c| format!("COALESCE(HEX(CAST({c} AS BINARY)), 'NULL')"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    project.query(&sql)
}

#[apply(each_database)]
fn every_value_a_rollback_destroys_comes_back_with_restore(#[case] db: Db) {
    let Some(project) = Project::on(db) else {
        return;
    };
    typed_migrations(&project);
    project.run(&["up"]).success();
    fill(&project);
    let items = contents(&project, "items");
    let events = contents(&project, "events");
    let item_columns = project.columns("items");
    assert_eq!(items.len(), ROWS);

    // Without a terminal and without --yes: refused, nothing changed.
    let untouched = project.fingerprint();
    project
        .run(&["--last", "2"])
        .code(3)
        .one_line_error(&["without confirmation", "--yes"]);
    assert_eq!(project.fingerprint(), untouched);
    assert_eq!(contents(&project, "items"), items);

    let run = project.rollback(&["--last", "2"]);
    run.success();
    // No terminal: no progress bar, only the lines.
    assert_eq!(run.stderr, "");
    assert!(
        run.stdout
            .contains(&format!("Backed up events ({ROWS} rows) as backup 1")),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("as backup 2"), "{}", run.stdout);
    assert!(!project.has_table("events"));
    assert_eq!(project.columns("items"), ["id", "label"]);

    let listed = project.run(&["backups", "--format", "json"]);
    listed.success();
    let backups = listed.json();
    let backups = backups.as_array().unwrap();
    assert_eq!(backups.len(), 2, "{backups:?}");
    assert_eq!(backups[0]["id"], 1);
    assert_eq!(backups[0]["version"], "3");
    assert_eq!(backups[0]["tables"], serde_json::json!(["events"]));
    assert_eq!(backups[0]["rows"], ROWS);
    assert_eq!(backups[1]["version"], "2");
    let dropped: Vec<String> = item_columns[2..]
        .iter()
        .map(|column| format!("items.{column}"))
        .collect();
    assert_eq!(backups[1]["tables"], serde_json::json!(dropped));
    assert_eq!(backups[1]["rows"], ROWS * dropped.len());
    assert!(backups[0]["created_at"].is_string());

    // Before the migrations are back, there is nowhere to restore to.
    let before = project.fingerprint();
    project
        .run(&["restore", "1"])
        .code(3)
        .one_line_error(&["cannot restore backup 1 of 3 events", "cargo rollback up"]);
    assert_eq!(project.fingerprint(), before);

    project.run(&["up"]).success();
    assert_eq!(contents(&project, "events"), Vec::<String>::new());
    // Parents first: the items' columns, then the events that point at items.
    let restored = project.run(&["restore", "2"]);
    restored.success();
    assert!(
        restored.stdout.contains(&format!(
            "Restored backup 2 of 2 details: {} rows.",
            ROWS * dropped.len()
        )),
        "{}",
        restored.stdout
    );
    let restored = project.run(&["restore", "1", "--format", "json"]);
    restored.success();
    assert_eq!(restored.json()["rows"], ROWS);

    assert_eq!(contents(&project, "items"), items);
    assert_eq!(contents(&project, "events"), events);
    // The tables go on working: new rows get fresh keys past the restored ones.
    project.execute("INSERT INTO events (item_id) VALUES (1)");
    assert_eq!(
        project.query("SELECT COUNT(*) FROM events"),
        [(ROWS + 1).to_string()]
    );
    let shown = project.run(&["log"]);
    assert!(
        shown.stdout.contains(&format!("{ROWS} rows restored")),
        "{}",
        shown.stdout
    );
    assert!(shown.stdout.contains("rows backed up"), "{}", shown.stdout);
    let log = project.log_lines();
    assert!(log.contains(&"restore 3 success".to_owned()), "{log:?}");
    assert!(log.contains(&"restore 2 success".to_owned()), "{log:?}");
    let rows_backed_up = project.query(
        "SELECT CONCAT(operation, ' ', version, ' ', rows_backed_up) FROM _rollback_log WHERE operation IN ('revert', 'restore') ORDER BY id",
    );
    assert_eq!(
        rows_backed_up,
        [
            format!("revert 3 {ROWS}"),
            format!("revert 2 {}", ROWS * dropped.len()),
            format!("restore 2 {}", ROWS * dropped.len()),
            format!("restore 3 {ROWS}"),
        ]
    );
}

#[apply(each_database)]
fn no_backup_copies_nothing_and_says_so_in_the_plan(#[case] db: Db) {
    let Some(project) = Project::on(db) else {
        return;
    };
    typed_migrations(&project);
    project.run(&["up"]).success();
    fill(&project);
    let plan = project.run(&["plan", "--no-backup"]);
    plan.success();
    assert!(plan.stdout.contains("NO BACKUP"), "{}", plan.stdout);
    assert!(!plan.stdout.contains("backup: events"), "{}", plan.stdout);
    project.rollback(&["--no-backup"]).success();
    assert!(!project.has_table("events"));
    let listed = project.run(&["backups", "--format", "json"]);
    assert_eq!(listed.json(), serde_json::json!([]));
    assert!(
        project
            .run(&["restore"])
            .code(2)
            .stderr
            .contains("there are no backups to restore")
    );
}

#[apply(each_database)]
fn a_backup_can_be_dropped_after_confirmation(#[case] db: Db) {
    let Some(project) = Project::on(db) else {
        return;
    };
    typed_migrations(&project);
    project.run(&["up"]).success();
    fill(&project);
    project.rollback(&[]).success();
    let copies = |project: &Project| {
        project.query(match project.db_kind() {
            Db::Sqlite => "SELECT name FROM sqlite_master WHERE name = '_rollback_backup_1_1_events'",
            Db::Postgres => {
                "SELECT tablename::text FROM pg_tables WHERE schemaname = '_rollback_backup' AND tablename = '1_1_events'"
            }
            Db::MySql => {
                "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = '_rollback_backup_1_1_events'"
            }
        })
    };
    assert_eq!(copies(&project).len(), 1);
    project
        .run(&["backups", "drop", "1"])
        .code(3)
        .one_line_error(&["refusing to drop backup 1", "--yes"]);
    assert_eq!(copies(&project).len(), 1);
    project.run(&["backups", "drop", "7", "--yes"]).code(2);
    let dropped = project.run(&["backups", "drop", "1", "--yes"]);
    dropped.success();
    assert!(dropped.stdout.contains("Dropped backup 1 of 3 events"));
    assert!(copies(&project).is_empty());
    let log = project.log_lines();
    assert!(
        log.last().is_some_and(|line| line.starts_with("prune ")),
        "{log:?}"
    );
    assert_eq!(
        project.run(&["backups", "--format", "json"]).json(),
        serde_json::json!([])
    );
}

#[test]
fn a_sqlite_table_rebuilt_without_a_column_backs_up_that_column() {
    let project = Project::new();
    project
        .migration(
            "1_people",
            "CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL);",
            "DROP TABLE people;",
        )
        .migration(
            "2_nickname",
            "ALTER TABLE people ADD COLUMN nickname TEXT;",
            // SQLite's way to change a table it cannot ALTER.
            "CREATE TABLE people_new (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
             INSERT INTO people_new (id, name) SELECT id, name FROM people;
             DROP TABLE people;
             ALTER TABLE people_new RENAME TO people;",
        );
    project.run(&["up"]).success();
    project.execute(
        "INSERT INTO people (id, name, nickname) VALUES (1, 'Ann', 'annie'), (2, 'Bob', NULL), (3, 'Cy', 'c''y')",
    );
    let before = contents(&project, "people");
    let plan = project.run(&["plan", "--format", "json"]);
    let plan = plan.json();
    let impact = &plan["migrations"][0]["statements"][2]["impact"][0];
    assert_eq!(impact["kind"], "column", "{plan:#}");
    assert_eq!(impact["column"], "nickname");
    assert_eq!(impact["non_null"], 2);
    project.rollback(&[]).success();
    assert_eq!(project.columns("people"), ["id", "name"]);
    project.run(&["up"]).success();
    project.run(&["restore"]).success();
    assert_eq!(contents(&project, "people"), before);
}

#[test]
fn a_sqlite_rollback_can_snapshot_the_whole_file_first() {
    let project = Project::new();
    project.tables(&["users"]);
    project.run(&["up"]).success();
    project.execute("INSERT INTO users (id) VALUES (1), (2)");
    let snapshot = project.root().join("before.db");
    let snapshot_arg = snapshot.display().to_string();
    let run = project.rollback(&["--snapshot", &snapshot_arg]);
    run.success();
    assert!(
        run.stdout
            .contains("Wrote a snapshot of the whole database to"),
        "{}",
        run.stdout
    );
    assert!(!project.has_table("users"));
    // The snapshot is the database as the rollback found it.
    let copy = rollback_tests::ScratchDatabase::sqlite_file(&snapshot);
    assert_eq!(copy.query("SELECT COUNT(*) FROM users"), ["2"]);
    // An existing file is never overwritten.
    project.run(&["up"]).success();
    let before = project.db_bytes();
    project
        .rollback(&["--snapshot", &snapshot_arg])
        .code(2)
        .one_line_error(&["cannot write the snapshot", "the file exists"]);
    assert_eq!(project.db_bytes(), before);
}

#[rstest::rstest]
#[case::postgres(Db::Postgres)]
#[case::mysql(Db::MySql)]
fn a_server_database_has_no_file_to_snapshot(#[case] db: Db) {
    let Some(project) = Project::on(db) else {
        return;
    };
    project.tables(&["users"]);
    project.run(&["up"]).success();
    let before = project.fingerprint();
    project
        .rollback(&["--snapshot", "x.db"])
        .code(2)
        .one_line_error(&["cannot write the snapshot x.db", "is not a file", "pg_dump"]);
    assert_eq!(project.fingerprint(), before);
}

#[apply(each_database)]
fn an_empty_table_has_nothing_to_back_up(#[case] db: Db) {
    let Some(project) = Project::on(db) else {
        return;
    };
    project.tables(&["users", "notes"]);
    project.run(&["up"]).success();
    let run = project.rollback(&["--all"]);
    run.success();
    assert!(!run.stdout.contains("Backed up"), "{}", run.stdout);
    // Not even the backup catalog is created: no DDL for nothing.
    assert!(!project.has_table("_rollback_backups"));
    assert_eq!(
        project.run(&["backups", "--format", "json"]).json(),
        serde_json::json!([])
    );
}

#[apply(each_database)]
fn a_table_emptied_before_the_rollback_has_nothing_to_back_up(#[case] db: Db) {
    let Some(project) = Project::on(db) else {
        return;
    };
    project.tables(&["users"]);
    project.run(&["up"]).success();
    project.execute("INSERT INTO users (id) VALUES (1)");
    project.execute("DELETE FROM users");
    let run = project.rollback(&["--all"]);
    run.success();
    assert!(!run.stdout.contains("Backed up"), "{}", run.stdout);
    assert!(!project.has_table("_rollback_backups"));
}

/// A partitioned table's rows live in its partitions: the catalog shows the
/// parent without a page, and it is read, not taken for empty.
#[test]
fn a_postgres_partitioned_table_with_rows_is_backed_up() {
    let Some(project) = Project::on(Db::Postgres) else {
        return;
    };
    project.migration(
        "1_events",
        "CREATE TABLE events (id INT NOT NULL, at DATE NOT NULL, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
         CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');",
        "DROP TABLE events;",
    );
    project.run(&["up"]).success();
    project.execute("INSERT INTO events VALUES (1, '2026-12-02'), (2, '2026-12-03')");
    let run = project.rollback(&["--all"]);
    run.success();
    assert!(
        run.stdout.contains("(2 rows) as backup 1"),
        "{}",
        run.stdout
    );
    project.run(&["up"]).success();
    project.run(&["restore"]).success();
    assert_eq!(
        project.query("SELECT id::text FROM events ORDER BY id"),
        ["1", "2"]
    );
}
