//! `plan_apply` and `missing_rows`: what `up` applies, and what it refuses
//! (a dirty database, modified ups, rows without files).

use super::*;

/// The lean rows `up` reads, of these full rows.
fn lean(rows: &[AppliedMigration]) -> Vec<AppliedVersion<'_>> {
    rows.iter().map(AppliedVersion::from).collect()
}

/// The versions `up` would apply.
fn pending(set: &MigrationSet, rows: &[AppliedMigration], target: Option<&Version>) -> Vec<String> {
    versions_of(&plan_apply(set, &lean(rows), target).unwrap().pending)
}

#[test]
fn plan_apply_takes_pending_migrations_in_version_order() {
    let folder = flat(&["10_c", "2_b", "1_a"]);
    assert_eq!(pending(&folder.set, &[], None), strings(&["1", "2", "10"]));
}

#[test]
fn plan_apply_skips_applied_migrations() {
    let folder = flat(&["1_a", "2_b", "3_c"]);
    let rows = applied_in_order(&folder.set, &["1", "2", "3"]);
    let plan = plan_apply(&folder.set, &lean(&rows), None).unwrap();
    assert_eq!(versions_of(&plan.pending), Vec::<String>::new());
    assert!(!plan.unknown);
}

#[test]
fn plan_apply_includes_pending_migrations_older_than_the_newest_applied() {
    let folder = flat(&["1_a", "2_b", "3_c", "4_d"]);
    let rows = applied_in_order(&folder.set, &["3"]);
    assert_eq!(pending(&folder.set, &rows, None), strings(&["1", "2", "4"]));
}

#[test]
fn plan_apply_stops_at_the_target() {
    let folder = flat(&["1_a", "2_b", "3_c", "4_d"]);
    let rows = applied_in_order(&folder.set, &["1"]);
    let up_to = |target: &str| pending(&folder.set, &rows, Some(&v(target)));
    assert_eq!(up_to("3"), strings(&["2", "3"]));
    assert_eq!(up_to("003"), strings(&["2", "3"]));
    assert_eq!(up_to("4"), strings(&["2", "3", "4"]));
    assert_eq!(up_to("1"), Vec::<String>::new());
}

#[test]
fn plan_apply_rejects_an_unknown_target() {
    let folder = flat(&["1_a", "2_b", "3_c"]);
    let rows = applied_in_order(&folder.set, &["1"]);
    assert_unknown_version(
        plan_apply(&folder.set, &lean(&rows), Some(&v("5"))).map(|plan| plan.pending),
        "5",
    );
}

#[test]
fn plan_apply_matches_rows_and_targets_across_spellings() {
    let folder = diesel_folder();
    let rows = vec![undashed_row(&folder)];
    assert_eq!(
        pending(&folder.set, &rows, None),
        strings(&["2019-01-02-000000"])
    );
    assert_eq!(
        pending(&folder.set, &rows, Some(&v("20190102000000"))),
        strings(&["2019-01-02-000000"])
    );
}

#[test]
fn plan_apply_refuses_a_dirty_database() {
    let folder = flat(&["1_a", "2_b", "3_c"]);
    let mut rows = applied_in_order(&folder.set, &["1", "2"]);
    rows[1].dirty = true;
    assert_eq!(
        refusal(plan_apply(&folder.set, &lean(&rows), None).map(|plan| plan.pending)),
        Refusal::Dirty {
            migration: "2 b".to_owned(),
            version: "2".to_owned(),
        }
    );
    assert_eq!(
        refusal(refuse_dirty(&rows)),
        Refusal::Dirty {
            migration: "2 b".to_owned(),
            version: "2".to_owned(),
        }
    );
    rows[1].dirty = false;
    refuse_dirty(&rows).unwrap();
}

#[test]
fn plan_apply_refuses_modified_ups_listing_each() {
    let before = flat(&["1_a", "2_b", "3_c"]);
    let rows = applied_in_order(&before.set, &["1", "2", "3"]);
    let after = folder(&[
        ("1_a.up.sql", "CREATE TABLE t1_a (id BIGINT);\n"),
        ("1_a.down.sql", &down_sql("1_a")),
        ("2_b.up.sql", &up_sql("2_b")),
        ("2_b.down.sql", &down_sql("2_b")),
        ("3_c.up.sql", "CREATE TABLE t3_c (id TEXT);\n"),
        ("3_c.down.sql", &down_sql("3_c")),
        ("4_d.up.sql", &up_sql("4_d")),
        ("4_d.down.sql", &down_sql("4_d")),
    ]);
    assert_eq!(
        refusal(plan_apply(&after.set, &lean(&rows), None).map(|plan| plan.pending)),
        Refusal::Modified {
            migrations: strings(&["1 a", "3 c"]),
        }
    );
}

#[test]
fn rows_without_files_are_refused_newest_application_first() {
    let folder = flat(&["1_a", "3_c", "4_d"]);
    let rows = vec![
        applied(&folder.set, "1", 0),
        orphan("2", "b", "DROP TABLE b;\n", 1),
        orphan("5", "e", "DROP TABLE e;\n", 2),
        applied(&folder.set, "3", 3),
    ];
    let plan = plan_apply(&folder.set, &lean(&rows), None).unwrap();
    assert!(plan.unknown);
    assert_eq!(
        refusal::<()>(Err(refuse_missing(&folder.set, &rows).expect("a refusal"))),
        Refusal::Missing {
            migrations: strings(&["5 e", "2 b"]),
        }
    );
    let known = vec![applied(&folder.set, "1", 0)];
    assert!(refuse_missing(&folder.set, &known).is_none());
}

#[test]
fn plan_apply_goes_on_past_rows_without_files() {
    let folder = flat(&["1_a", "3_c", "4_d"]);
    let rows = vec![
        applied(&folder.set, "1", 0),
        orphan("2", "b", "DROP TABLE b;\n", 1),
        applied(&folder.set, "3", 2),
    ];
    let plan = plan_apply(&folder.set, &lean(&rows), None).unwrap();
    assert_eq!(versions_of(&plan.pending), strings(&["4"]));
    assert!(plan.unknown);
}

#[test]
fn missing_rows_lists_rows_without_files_newest_application_first() {
    let folder = flat(&["1_a", "3_c"]);
    let rows = vec![
        orphan("2", "b", "DROP TABLE b;\n", 3),
        applied(&folder.set, "1", 0),
        orphan("5", "e", "DROP TABLE e;\n", 1),
        applied(&folder.set, "3", 2),
        orphan("4", "d", "DROP TABLE d;\n", 4),
    ];
    let missing: Vec<&AppliedMigration> = missing_rows(&folder.set, &rows).collect();
    assert_eq!(row_versions(&missing), strings(&["4", "2", "5"]));
}
