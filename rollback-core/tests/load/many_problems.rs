//! Every problem of a folder is reported at once.

use std::collections::BTreeSet;

use rollback_core::{LoadError, LoadErrors};

use crate::support::{DOWN, Folder, UP, shown};

#[test]
fn every_problem_in_a_folder_is_reported_at_once() {
    let folder = Folder::new();
    folder
        .write("1_missing_down.up.sql", UP)
        .write("2_orphan.down.sql", DOWN)
        .write("3_empty_down/up.sql", UP)
        .write("3_empty_down/down.sql", "-- nothing\n")
        .write("4_one_marker.sql", "-- migrate:up\nSELECT 1;\n")
        .write("5_latin1/up.sql", b"SELECT 'caf\xe9';\n")
        .write("5_latin1/down.sql", DOWN)
        .write("6_typo.up.sql", UP)
        .write("6_typo.down.sql", "-- rollback:irreversibel\n")
        .write("create_things.up.sql", UP)
        .write("7_dup_a.up.sql", UP)
        .write("7_dup_a.down.sql", DOWN)
        .write("7_dup_b/up.sql", UP)
        .write("7_dup_b/down.sql", DOWN)
        .write("8_fine.up.sql", UP)
        .write("8_fine.down.sql", DOWN)
        .write("seed.sql", "INSERT INTO t VALUES (1);\n");
    let errors = folder.errors();
    let kinds: BTreeSet<(&str, String)> = errors
        .iter()
        .map(|error| match error {
            LoadError::MissingDown { path, .. } => ("MissingDown", path.clone()),
            LoadError::MissingUp { path, .. } => ("MissingUp", path.clone()),
            LoadError::EmptyDown { path } => ("EmptyDown", path.clone()),
            LoadError::Markers { path, .. } => ("Markers", path.clone()),
            LoadError::NonUtf8Text { path, .. } => ("NonUtf8Text", path.clone()),
            LoadError::Directive { path, .. } => ("Directive", path.clone()),
            LoadError::MalformedName { path, .. } => ("MalformedName", path.clone()),
            LoadError::DuplicateVersion { first, .. } => ("DuplicateVersion", first.clone()),
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    let expected: BTreeSet<(&str, String)> = [
        ("MissingDown", "1_missing_down.up.sql"),
        ("MissingUp", "2_orphan.down.sql"),
        ("EmptyDown", "3_empty_down/down.sql"),
        ("Markers", "4_one_marker.sql"),
        ("NonUtf8Text", "5_latin1/up.sql"),
        ("Directive", "6_typo.down.sql"),
        ("MalformedName", "create_things.up.sql"),
        ("DuplicateVersion", "7_dup_a.up.sql"),
    ]
    .into_iter()
    .map(|(kind, file)| (kind, shown(file)))
    .collect();
    assert_eq!(errors.len(), expected.len(), "{errors:#?}");
    assert_eq!(kinds, expected);

    let all = LoadErrors(errors).to_string();
    assert_eq!(all.lines().count(), expected.len(), "{all}");
    for file in [
        "1_missing_down.up.sql",
        "2_orphan.down.sql",
        "3_empty_down/down.sql",
        "4_one_marker.sql",
        "5_latin1/up.sql",
        "6_typo.down.sql",
        "create_things.up.sql",
        "7_dup_a.up.sql",
        "7_dup_b/up.sql",
    ] {
        assert!(all.contains(&shown(file)), "{file} missing from:\n{all}");
    }
    assert!(!all.contains("8_fine"), "{all}");
}
