//! `resolve_down`: which down script a revert runs (the file's or the
//! stored copy), and what it refuses as irreversible or conflicting.

use super::*;

/// What runs: the text and whether outside a transaction.
fn down(sql: &str, no_transaction: bool) -> (String, bool) {
    (sql.to_owned(), no_transaction)
}

fn sql_of(script: DownScript) -> (String, bool) {
    (script.sql, script.no_transaction)
}

#[test]
fn a_down_knows_where_it_comes_from() {
    let folder = flat(&["1_a"]);
    let row = applied(&folder.set, "1", 0);
    let from_file = resolve_down(&folder.set, &row, DownChoice::Ask).unwrap();
    assert!(
        from_file
            .path
            .as_deref()
            .is_some_and(|path| path.ends_with("/1_a.down.sql")),
        "{:?}",
        from_file.path
    );
    assert_eq!(from_file.first_line, 1);
    let stored = resolve_down(
        &folder.set,
        &orphan("2", "b", "DROP TABLE b;\n", 1),
        DownChoice::Ask,
    )
    .unwrap();
    assert_eq!(stored.path, None);
}

#[test]
fn an_unchanged_down_runs_from_the_file() {
    let folder = flat(&["1_a"]);
    let mut row = applied(&folder.set, "1", 0);
    // Same checksum: the file wins, whatever the stored text says.
    row.down_sql = "-- not this one\n".to_owned();
    for choice in [DownChoice::Ask, DownChoice::File, DownChoice::Stored] {
        assert_eq!(
            sql_of(resolve_down(&folder.set, &row, choice).unwrap()),
            down("DROP TABLE t1_a;\n", false),
            "{choice:?}"
        );
    }
}

#[test]
fn a_down_without_file_runs_from_the_stored_copy() {
    let folder = flat(&["1_a"]);
    let row = orphan("2", "b", "DROP TABLE b;\n", 1);
    assert_eq!(
        sql_of(resolve_down(&folder.set, &row, DownChoice::Ask).unwrap()),
        down("DROP TABLE b;\n", false)
    );
    assert_eq!(
        sql_of(resolve_down(&folder.set, &row, DownChoice::File).unwrap()),
        down("DROP TABLE b;\n", false)
    );
}

#[test]
fn a_changed_down_is_a_conflict_unless_a_choice_is_made() {
    let before = flat(&["1_a", "2_b"]);
    let row = applied(&before.set, "2", 1);
    let after = folder(&[
        ("1_a.up.sql", &up_sql("1_a")),
        ("1_a.down.sql", &down_sql("1_a")),
        ("2_b.up.sql", &up_sql("2_b")),
        ("2_b.down.sql", "DROP TABLE IF EXISTS t2_b;\n"),
    ]);
    assert_eq!(
        refusal(resolve_down(&after.set, &row, DownChoice::Ask)),
        Refusal::DownConflict {
            migration: "2 b".to_owned(),
            path: after.shown("2_b.down.sql"),
        }
    );
    assert_eq!(
        sql_of(resolve_down(&after.set, &row, DownChoice::File).unwrap()),
        down("DROP TABLE IF EXISTS t2_b;\n", false)
    );
    assert_eq!(
        sql_of(resolve_down(&after.set, &row, DownChoice::Stored).unwrap()),
        down("DROP TABLE t2_b;\n", false)
    );
}

#[test]
fn an_irreversible_file_is_refused_with_its_reason() {
    let folder = folder_with(
        &[
            ("1_a.up.sql", &up_sql("1_a")),
            (
                "1_a.down.sql",
                "-- rollback:irreversible drops the audit data\n",
            ),
            ("2_b.up.sql", &up_sql("2_b")),
            ("2_b.down.sql", "\n"),
        ],
        EmptyDown::Irreversible,
    );
    let rows = applied_in_order(&folder.set, &["1", "2"]);
    assert_eq!(
        refusal(resolve_down(&folder.set, &rows[0], DownChoice::Ask)),
        Refusal::Irreversible {
            migration: "1 a".to_owned(),
            reason: "drops the audit data".to_owned(),
        }
    );
    assert_eq!(
        refusal(resolve_down(&folder.set, &rows[1], DownChoice::Ask)),
        Refusal::Irreversible {
            migration: "2 b".to_owned(),
            reason: "the down script is empty".to_owned(),
        }
    );
}

#[test]
fn a_file_made_irreversible_since_is_refused_but_the_stored_down_can_run() {
    let before = flat(&["1_a"]);
    let row = applied(&before.set, "1", 0);
    let after = folder(&[
        ("1_a.up.sql", &up_sql("1_a")),
        (
            "1_a.down.sql",
            "-- rollback:irreversible table is shared now\n",
        ),
    ]);
    assert_eq!(
        refusal(resolve_down(&after.set, &row, DownChoice::File)),
        Refusal::Irreversible {
            migration: "1 a".to_owned(),
            reason: "table is shared now".to_owned(),
        }
    );
    assert_eq!(
        sql_of(resolve_down(&after.set, &row, DownChoice::Stored).unwrap()),
        down("DROP TABLE t1_a;\n", false)
    );
}

#[test]
fn a_blank_or_marked_stored_down_is_refused() {
    let empty = MigrationSet::new(Vec::new());
    let cases = [
        ("", "the down script is empty"),
        (
            "  \n-- nothing to undo\n/* really */\n",
            "the down script is empty",
        ),
        ("-- rollback:irreversible\n", "marked irreversible"),
        (
            "-- rollback:irreversible dropped a column\nSELECT 1;\n",
            "dropped a column",
        ),
    ];
    for (stored, reason) in cases {
        let row = orphan("3", "c", stored, 0);
        assert_eq!(
            refusal(resolve_down(&empty, &row, DownChoice::Ask)),
            Refusal::Irreversible {
                migration: "3 c".to_owned(),
                reason: reason.to_owned(),
            },
            "{stored:?}"
        );
    }
}

#[test]
fn a_stored_blank_down_chosen_over_the_file_is_refused() {
    let folder = flat(&["1_a"]);
    let mut row = applied(&folder.set, "1", 0);
    row.down_sql = "-- nothing\n".to_owned();
    row.down_checksum = checksum(&row.down_sql);
    assert_eq!(
        refusal(resolve_down(&folder.set, &row, DownChoice::Stored)),
        Refusal::Irreversible {
            migration: "1 a".to_owned(),
            reason: "the down script is empty".to_owned(),
        }
    );
}

#[test]
fn a_stored_no_transaction_down_runs_outside_a_transaction() {
    let empty = MigrationSet::new(Vec::new());
    let cases = [
        ("-- rollback:no-transaction\nVACUUM;\n", true),
        ("-- no-transaction\nVACUUM;\n", true),
        ("VACUUM;\n", false),
    ];
    for (stored, no_transaction) in cases {
        let row = orphan("3", "c", stored, 0);
        assert_eq!(
            sql_of(resolve_down(&empty, &row, DownChoice::Ask).unwrap()),
            down(stored, no_transaction),
            "{stored:?}"
        );
    }
}

#[test]
fn a_layout_no_transaction_down_survives_losing_its_file() {
    // diesel's metadata.toml, not the script, asks for no transaction: the
    // row stores the script with the directive added.
    let folder = folder(&[
        ("1_index/up.sql", "CREATE INDEX i ON t (c);\n"),
        ("1_index/down.sql", "DROP INDEX i;\n"),
        ("1_index/metadata.toml", "run_in_transaction = false\n"),
    ]);
    let row = applied(&folder.set, "1", 0);
    assert_eq!(row.down_sql, "-- rollback:no-transaction\nDROP INDEX i;\n");
    // The checksum is the file's, so the added line is no change to the down.
    assert_eq!(
        statuses(&folder.set, std::slice::from_ref(&row)),
        vec![line_applied("1", "index", MigrationState::Applied, 0, 0)]
    );
    assert_eq!(
        sql_of(resolve_down(&folder.set, &row, DownChoice::Ask).unwrap()),
        down("DROP INDEX i;\n", true)
    );
    let empty = MigrationSet::new(Vec::new());
    assert_eq!(
        sql_of(resolve_down(&empty, &row, DownChoice::Ask).unwrap()),
        down("-- rollback:no-transaction\nDROP INDEX i;\n", true)
    );
}
