//! `cargo rollback verify` judges each migration on the schema the folder
//! produces, not on what an earlier wrong down left behind; and a down that
//! loses one of two foreign keys on a column is told apart from one that
//! changes a key's rules. Through the real binary, on every database.

use rstest_reuse::apply;

use crate::each_database;
use crate::support::{Db, Project};

/// `verify --format json`: each migration's version, result and diff.
fn verdicts(project: &Project, code: i32) -> Vec<(String, String, Vec<String>)> {
    let run = project.run(&["verify", "--format", "json"]);
    run.code(code);
    run.json()
        .as_array()
        .expect("verify prints an array")
        .iter()
        .map(|entry| {
            let diff = entry["diff"]
                .as_array()
                .unwrap()
                .iter()
                .map(|line| line.as_str().unwrap().to_owned())
                .collect();
            (
                entry["version"].as_str().unwrap().to_owned(),
                entry["result"].as_str().unwrap().to_owned(),
                diff,
            )
        })
        .collect()
}

/// A wrong down (it drops `other`, which its up did not create, and adds a
/// column `junk`) followed by migrations on the same objects. Replayed from
/// what that down left, 3's wrong down would pass (its `CREATE TABLE IF NOT
/// EXISTS` would create `other`, which the down then drops) and 4's correct
/// one would fail (`junk` would be there already).
#[apply(each_database)]
fn migrations_after_a_wrong_down_are_judged_on_the_folders_schema(db: Db) {
    let Some(project) = Project::on(db) else {
        return;
    };
    project
        .migration(
            "1_base",
            "CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER);\nCREATE TABLE other (id INTEGER PRIMARY KEY, note INTEGER);",
            "DROP TABLE other;\nDROP TABLE t;",
        )
        .migration(
            "2_wrong_down",
            "ALTER TABLE t ADD COLUMN b INTEGER;",
            "ALTER TABLE t DROP COLUMN b;\nDROP TABLE other;\nALTER TABLE t ADD COLUMN junk INTEGER;",
        )
        .migration(
            "3_other_if_missing",
            "CREATE TABLE IF NOT EXISTS other (id INTEGER PRIMARY KEY, note INTEGER);",
            "DROP TABLE other;",
        )
        .migration(
            "4_junk",
            "ALTER TABLE t ADD COLUMN junk INTEGER;",
            "ALTER TABLE t DROP COLUMN junk;",
        );
    let report = verdicts(&project, 1);
    let results: Vec<(&str, &str)> = report
        .iter()
        .map(|(version, result, _)| (version.as_str(), result.as_str()))
        .collect();
    assert_eq!(
        results,
        [("1", "pass"), ("2", "fail"), ("3", "fail"), ("4", "pass")],
        "{report:#?}"
    );
    let diff_of = |version: &str| {
        report
            .iter()
            .find(|(found, _, _)| found == version)
            .map(|(_, _, diff)| diff.clone())
            .unwrap()
    };
    assert!(
        diff_of("2")
            .iter()
            .any(|line| line == "table other: missing after down"),
        "{report:#?}"
    );
    assert!(
        diff_of("3")
            .iter()
            .any(|line| line == "table other: missing after down"),
        "{report:#?}"
    );
}

/// Two foreign keys on one column, differing only in `ON DELETE`; the down
/// rebuilds the table with the second alone. The first must be reported
/// missing, whatever name the database gave the one that is left.
#[apply(each_database)]
fn a_lost_foreign_key_is_reported_missing(db: Db) {
    let Some(project) = Project::on(db) else {
        return;
    };
    let child = "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER";
    project
        .migration(
            "1_tables",
            &format!(
                "CREATE TABLE parent (id INTEGER PRIMARY KEY);\n{child},\n  FOREIGN KEY (parent_id) REFERENCES parent (id) ON DELETE CASCADE,\n  FOREIGN KEY (parent_id) REFERENCES parent (id) ON DELETE SET NULL);"
            ),
            "DROP TABLE child;\nDROP TABLE parent;",
        )
        .migration(
            "2_note",
            "ALTER TABLE child ADD COLUMN note INTEGER;",
            &format!(
                "DROP TABLE child;\n{child},\n  FOREIGN KEY (parent_id) REFERENCES parent (id) ON DELETE SET NULL);"
            ),
        );
    let report = verdicts(&project, 1);
    assert_eq!(report[0].1, "pass", "{report:#?}");
    let (_, result, diff) = &report[1];
    assert_eq!(result, "fail", "{report:#?}");
    let missing = match db {
        Db::Sqlite => {
            "foreign key child(parent_id) → parent(id) [on update NO ACTION, on delete CASCADE, match NONE]: missing after down"
        }
        Db::Postgres => {
            "constraint child.child_parent_id_fkey: missing after down (FOREIGN KEY (parent_id) REFERENCES parent(id) ON DELETE CASCADE)"
        }
        Db::MySql => {
            "constraint child.child_ibfk_1: missing after down (FOREIGN KEY (parent_id) REFERENCES parent (id) ON UPDATE RESTRICT ON DELETE CASCADE)"
        }
    };
    assert!(diff.iter().any(|line| line == missing), "{diff:#?}");
    assert!(
        !diff
            .iter()
            .any(|line| line.contains(": on delete") || line.contains(": definition")),
        "the kept key is not a changed one: {diff:#?}"
    );
}
