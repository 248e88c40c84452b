//! `statuses`: what `status` shows for each migration of the folder and
//! each tracking row, across version spellings.

use super::*;

#[test]
fn statuses_of_an_empty_folder_and_database_are_empty() {
    let folder = flat(&[]);
    assert_eq!(statuses(&folder.set, &[]), Vec::new());
}

#[test]
fn statuses_show_applied_and_pending() {
    let folder = flat(&["1_a", "2_b", "3_c"]);
    let mut rows = applied_in_order(&folder.set, &["1", "2"]);
    rows[0].execution_ms = 12;
    rows[1].execution_ms = 34;
    assert_eq!(
        statuses(&folder.set, &rows),
        vec![
            line_applied("1", "a", MigrationState::Applied, 0, 12),
            line_applied("2", "b", MigrationState::Applied, 1, 34),
            line("3", "c", MigrationState::Pending),
        ]
    );
}

#[test]
fn statuses_show_modified_ups_and_changed_downs() {
    let before = flat(&["1_a", "2_b", "3_c"]);
    let rows = applied_in_order(&before.set, &["1", "2", "3"]);
    let after = folder(&[
        ("1_a.up.sql", "CREATE TABLE t1_a (id BIGINT);\n"),
        ("1_a.down.sql", &down_sql("1_a")),
        ("2_b.up.sql", &up_sql("2_b")),
        ("2_b.down.sql", "DROP TABLE IF EXISTS t2_b;\n"),
        ("3_c.up.sql", &up_sql("3_c")),
        ("3_c.down.sql", &down_sql("3_c")),
    ]);
    assert_eq!(
        statuses(&after.set, &rows),
        vec![
            line_applied("1", "a", MigrationState::Modified, 0, 0),
            MigrationStatus {
                down_modified: true,
                ..line_applied("2", "b", MigrationState::Applied, 1, 0)
            },
            line_applied("3", "c", MigrationState::Applied, 2, 0),
        ]
    );
}

#[test]
fn statuses_show_rows_without_files_as_missing_in_version_order() {
    // Integer order: 1 < 2 < 007 < 8 < 10, which string order would not give.
    let folder = flat(&["2_b", "007_d", "10_f"]);
    let rows = vec![
        applied(&folder.set, "2", 0),
        orphan("8", "e", "DROP TABLE e;\n", 1),
        applied(&folder.set, "10", 2),
        orphan("1", "a", "DROP TABLE a;\n", 3),
    ];
    assert_eq!(
        statuses(&folder.set, &rows),
        vec![
            line_applied("1", "a", MigrationState::Missing, 3, 7),
            line_applied("2", "b", MigrationState::Applied, 0, 0),
            line("007", "d", MigrationState::Pending),
            line_applied("8", "e", MigrationState::Missing, 1, 7),
            line_applied("10", "f", MigrationState::Applied, 2, 0),
        ]
    );
}

#[test]
fn statuses_show_why_a_missing_row_cannot_be_reverted() {
    let folder = flat(&["1_a"]);
    let rows = vec![
        applied(&folder.set, "1", 0),
        orphan("2", "b", "-- rollback:irreversible lost the data\n", 1),
        orphan("3", "c", "", 2),
        orphan("4", "d", "-- rollback:irreversible\nSELECT 1;\n", 3),
    ];
    let reasons: Vec<(String, MigrationState, Option<String>)> = statuses(&folder.set, &rows)
        .into_iter()
        .map(|status| (status.version, status.state, status.irreversible))
        .collect();
    assert_eq!(
        reasons,
        vec![
            ("1".to_owned(), MigrationState::Applied, None),
            (
                "2".to_owned(),
                MigrationState::Missing,
                Some("lost the data".to_owned())
            ),
            (
                "3".to_owned(),
                MigrationState::Missing,
                Some("the down script is empty".to_owned())
            ),
            (
                "4".to_owned(),
                MigrationState::Missing,
                Some("marked irreversible".to_owned())
            ),
        ]
    );
}

#[test]
fn statuses_show_dirty_rows_before_any_other_state() {
    let before = flat(&["1_a", "2_b"]);
    let mut rows = applied_in_order(&before.set, &["1", "2"]);
    rows[0].dirty = true;
    // Its up changed on disk as well: dirty still wins.
    rows[0].up_checksum = checksum("something else");
    let mut gone = orphan("3", "c", "DROP TABLE c;\n", 2);
    gone.dirty = true;
    rows.push(gone);
    assert_eq!(
        statuses(&before.set, &rows),
        vec![
            line_applied("1", "a", MigrationState::Dirty, 0, 0),
            line_applied("2", "b", MigrationState::Applied, 1, 0),
            line_applied("3", "c", MigrationState::Dirty, 2, 7),
        ]
    );
}

#[test]
fn statuses_show_the_irreversible_reason_of_files() {
    let folder = folder_with(
        &[
            ("1_a.up.sql", &up_sql("1_a")),
            ("1_a.down.sql", &down_sql("1_a")),
            ("2_b.up.sql", &up_sql("2_b")),
            (
                "2_b.down.sql",
                "-- rollback:irreversible drops the audit data\n",
            ),
            ("3_c.up.sql", &up_sql("3_c")),
            ("3_c.down.sql", "-- rollback:irreversible\n"),
            ("4_d.up.sql", &up_sql("4_d")),
            ("4_d.down.sql", "-- nothing to undo\n"),
        ],
        EmptyDown::Irreversible,
    );
    let rows = applied_in_order(&folder.set, &["1", "2"]);
    assert_eq!(
        statuses(&folder.set, &rows),
        vec![
            line_applied("1", "a", MigrationState::Applied, 0, 0),
            MigrationStatus {
                irreversible: Some("drops the audit data".to_owned()),
                ..line_applied("2", "b", MigrationState::Applied, 1, 0)
            },
            MigrationStatus {
                irreversible: Some("marked irreversible".to_owned()),
                ..line("3", "c", MigrationState::Pending)
            },
            MigrationStatus {
                irreversible: Some("the down script is empty".to_owned()),
                ..line("4", "d", MigrationState::Pending)
            },
        ]
    );
}

#[test]
fn statuses_match_rows_to_files_across_spellings() {
    let folder = diesel_folder();
    let rows = vec![undashed_row(&folder)];
    assert_eq!(
        statuses(&folder.set, &rows),
        vec![
            line_applied(
                "2019-01-01-000000",
                "create_users",
                MigrationState::Applied,
                0,
                0
            ),
            line("2019-01-02-000000", "create_posts", MigrationState::Pending),
        ]
    );
}

#[test]
fn statuses_match_leading_zeros_in_integer_order() {
    let folder = flat(&["007_b", "9_c", "10_d"]);
    let mut row = applied(&folder.set, "007", 0);
    row.version = "7".to_owned();
    assert_eq!(
        statuses(&folder.set, &[row]),
        vec![
            line_applied("007", "b", MigrationState::Applied, 0, 0),
            line("9", "c", MigrationState::Pending),
            line("10", "d", MigrationState::Pending),
        ]
    );
}
