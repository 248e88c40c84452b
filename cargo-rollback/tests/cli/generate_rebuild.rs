//! A SQLite table rebuild (`CREATE TABLE new_t …; INSERT …; DROP TABLE t;
//! ALTER TABLE new_t RENAME TO t`) with foreign keys on, as sqlx runs SQLite:
//! its generated down leaves other tables' `REFERENCES t` as they were,
//! keeps their rows, and is proved by the round trip and a real rollback.

use crate::support::Project;

#[test]
fn undoing_a_rebuild_leaves_other_tables_references_alone() {
    let project = Project::new();
    project
        .migration(
            "1_base",
            "CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT);\n\
             CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent (id) ON DELETE CASCADE);\n\
             CREATE INDEX child_parent ON child (parent_id);",
            "DROP TABLE child;\nDROP TABLE parent;",
        )
        .write(
            "migrations/2_rebuild.up.sql",
            "CREATE TABLE parent_new (id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT '');\n\
             INSERT INTO parent_new (id, name) SELECT id, coalesce(name, '') FROM parent;\n\
             DROP TABLE parent;\n\
             ALTER TABLE parent_new RENAME TO parent;\n",
        );
    let run = project.run(&["generate", "migrations/2_rebuild.up.sql", "--write"]);
    run.success();
    assert!(run.stderr.contains("verified"), "{}", run.stderr);
    let down =
        std::fs::read_to_string(project.root().join("migrations/2_rebuild.down.sql")).unwrap();
    for line in [
        "-- rollback:no-transaction",
        "PRAGMA foreign_keys = OFF;",
        "PRAGMA foreign_keys = ON;",
    ] {
        assert!(down.lines().any(|found| found == line), "{line}: {down}");
    }
    project.run(&["verify"]).success();

    // A real rollback, with rows: the child's foreign key and rows stay
    // (with foreign keys on, the down's drop of the rebuilt copy would
    // delete them through ON DELETE CASCADE).
    project.run(&["up"]).success();
    let child_before = project.query("SELECT sql FROM sqlite_master WHERE name = 'child'");
    project.execute("INSERT INTO parent (id, name) VALUES (1, 'a'), (2, '')");
    project.execute("INSERT INTO child (id, parent_id) VALUES (10, 1), (20, 2)");
    project.rollback(&["--to", "1"]).success();
    assert_eq!(
        project.query("SELECT sql FROM sqlite_master WHERE name = 'child'"),
        child_before
    );
    assert_eq!(
        project.query("SELECT id || ':' || parent_id FROM child ORDER BY id"),
        ["10:1", "20:2"]
    );
    assert_eq!(
        project.query("SELECT id || ':' || coalesce(name, 'null') FROM parent ORDER BY id"),
        ["1:a", "2:"]
    );
    assert_eq!(
        project.query("SELECT count(*) FROM pragma_foreign_key_check"),
        ["0"]
    );
}
