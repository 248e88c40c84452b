//! `select_reverts`: which applied migrations a revert selects (newest,
//! the last n, all, down to a version, one), and what it refuses.

use super::*;

fn select(
    set: &MigrationSet,
    rows: &[AppliedMigration],
    selection: Selection,
) -> Result<Vec<String>> {
    select_reverts(set, rows, &selection).map(|selected| row_versions(&selected))
}

fn one(version: &str, out_of_order: bool) -> Selection {
    Selection::One {
        version: v(version),
        out_of_order,
    }
}

#[test]
fn newest_with_nothing_applied_selects_nothing() {
    let folder = flat(&["1_a", "2_b"]);
    assert_eq!(
        select(&folder.set, &[], Selection::Newest).unwrap(),
        Vec::<String>::new()
    );
}

#[test]
fn newest_is_the_most_recently_applied_not_the_highest_version() {
    let folder = flat(&["1_a", "2_b", "3_c"]);
    let rows = applied_in_order(&folder.set, &["3", "1"]);
    assert_eq!(
        select(&folder.set, &rows, Selection::Newest).unwrap(),
        strings(&["1"])
    );
}

#[test]
fn last_n_follows_application_order() {
    let folder = flat(&["1_a", "2_b", "3_c", "4_d"]);
    // Rows as a `SELECT … ORDER BY version` returns them; 1 was applied last.
    let rows = vec![
        applied(&folder.set, "1", 2),
        applied(&folder.set, "2", 0),
        applied(&folder.set, "3", 1),
    ];
    assert_eq!(
        select(&folder.set, &rows, Selection::Last(1)).unwrap(),
        strings(&["1"])
    );
    assert_eq!(
        select(&folder.set, &rows, Selection::Last(2)).unwrap(),
        strings(&["1", "3"])
    );
    assert_eq!(
        select(&folder.set, &rows, Selection::Last(3)).unwrap(),
        strings(&["1", "3", "2"])
    );
    assert_eq!(
        select(&folder.set, &rows, Selection::Last(0)).unwrap(),
        Vec::<String>::new()
    );
}

#[test]
fn last_n_beyond_what_is_applied_is_an_error() {
    let folder = flat(&["1_a", "2_b", "3_c"]);
    let rows = applied_in_order(&folder.set, &["1", "2"]);
    match error(select(&folder.set, &rows, Selection::Last(3))) {
        Error::NotEnoughApplied { requested, applied } => {
            assert_eq!((requested, applied), (3, 2));
        }
        other => panic!("expected NotEnoughApplied, got {other:?}"),
    }
}

#[test]
fn all_reverts_everything_most_recently_applied_first() {
    let folder = flat(&["1_a", "2_b", "3_c"]);
    let rows = vec![
        applied(&folder.set, "1", 0),
        applied(&folder.set, "2", 3),
        applied(&folder.set, "3", 1),
        orphan("4", "d", "DROP TABLE d;\n", 2),
    ];
    assert_eq!(
        select(&folder.set, &rows, Selection::All).unwrap(),
        strings(&["2", "4", "3", "1"])
    );
}

#[test]
fn to_keeps_the_target_and_reverts_newer_versions() {
    let folder = flat(&["1_a", "2_b", "3_c", "4_d"]);
    // 3 was applied out of order, after 4.
    let rows = applied_in_order(&folder.set, &["1", "2", "4", "3"]);
    let to = |target: &str| select(&folder.set, &rows, Selection::To(v(target))).unwrap();
    assert_eq!(to("2"), strings(&["3", "4"]));
    assert_eq!(to("002"), strings(&["3", "4"]));
    assert_eq!(to("1"), strings(&["3", "4", "2"]));
    assert_eq!(to("4"), Vec::<String>::new());
}

#[test]
fn to_an_unknown_version_is_an_error() {
    let folder = flat(&["1_a", "2_b"]);
    let rows = applied_in_order(&folder.set, &["1", "2"]);
    assert_unknown_version(select(&folder.set, &rows, Selection::To(v("9"))), "9");
}

#[test]
fn to_a_version_applied_but_missing_from_the_folder_is_accepted() {
    let folder = flat(&["1_a", "3_c"]);
    let rows = vec![
        applied(&folder.set, "1", 0),
        orphan("2", "b", "DROP TABLE b;\n", 1),
        applied(&folder.set, "3", 2),
    ];
    assert_eq!(
        select(&folder.set, &rows, Selection::To(v("2"))).unwrap(),
        strings(&["3"])
    );
}

#[test]
fn to_a_pending_version_of_the_folder_is_accepted() {
    let folder = flat(&["1_a", "2_b", "3_c"]);
    let rows = applied_in_order(&folder.set, &["1", "3"]);
    assert_eq!(
        select(&folder.set, &rows, Selection::To(v("2"))).unwrap(),
        strings(&["3"])
    );
}

#[test]
fn one_that_is_not_applied_is_an_error() {
    let folder = flat(&["1_a", "2_b", "3_c"]);
    let rows = applied_in_order(&folder.set, &["1", "2"]);
    match error(select(&folder.set, &rows, one("3", false))) {
        Error::NotApplied { migration } => assert_eq!(migration, "3 c"),
        other => panic!("expected NotApplied, got {other:?}"),
    }
}

#[test]
fn one_that_is_unknown_is_an_error() {
    let folder = flat(&["1_a", "2_b"]);
    let rows = applied_in_order(&folder.set, &["1", "2"]);
    assert_unknown_version(select(&folder.set, &rows, one("7", true)), "7");
}

#[test]
fn one_with_newer_versions_applied_needs_out_of_order() {
    let folder = flat(&["1_a", "2_b", "3_c"]);
    let rows = applied_in_order(&folder.set, &["1", "2", "3"]);
    assert_eq!(
        refusal(select(&folder.set, &rows, one("1", false))),
        Refusal::OutOfOrder {
            migration: "1 a".to_owned(),
            newer: strings(&["2", "3"]),
        }
    );
    assert_eq!(
        select(&folder.set, &rows, one("1", true)).unwrap(),
        strings(&["1"])
    );
    assert_eq!(
        select(&folder.set, &rows, one("3", false)).unwrap(),
        strings(&["3"])
    );
}

#[test]
fn one_finds_rows_across_spellings_and_without_files() {
    let folder = diesel_folder();
    let rows = vec![undashed_row(&folder)];
    assert_eq!(
        select(&folder.set, &rows, one("2019-01-01-000000", false)).unwrap(),
        strings(&["20190101000000"])
    );

    let folder = flat(&["1_a"]);
    let rows = vec![
        applied(&folder.set, "1", 0),
        orphan("2", "b", "DROP TABLE b;\n", 1),
    ];
    assert_eq!(
        select(&folder.set, &rows, one("2", false)).unwrap(),
        strings(&["2"])
    );
}
