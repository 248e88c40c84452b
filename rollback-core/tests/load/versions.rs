//! Versions: the same version used twice, and the order versions sort in.

use std::collections::BTreeSet;

use rollback_core::{LoadError, VersionOrder};

use crate::support::{DOWN, Folder, UP, assert_names, names, shown, single, versions};

#[test]
fn duplicate_version_with_two_names() {
    let folder = Folder::new();
    folder
        .write("20260101000000_a.up.sql", UP)
        .write("20260101000000_a.down.sql", DOWN)
        .write("20260101000000_b/up.sql", UP)
        .write("20260101000000_b/down.sql", DOWN);
    let error = folder.error();
    match &error {
        LoadError::DuplicateVersion {
            version,
            first,
            second,
        } => {
            assert_eq!(version, "20260101000000");
            let files = BTreeSet::from([first.clone(), second.clone()]);
            assert_eq!(
                files,
                BTreeSet::from([
                    shown("20260101000000_a.up.sql"),
                    shown("20260101000000_b/up.sql")
                ])
            );
        }
        other => panic!("expected DuplicateVersion, got {other:?}"),
    }
    assert_names(&error, "20260101000000_a.up.sql");
    assert_names(&error, "20260101000000_b/up.sql");
}

#[test]
fn same_digits_written_differently() {
    let folder = Folder::new();
    folder
        .write("2019-01-01-000000_a/up.sql", UP)
        .write("2019-01-01-000000_a/down.sql", DOWN)
        .write("20190101000000_b.up.sql", UP)
        .write("20190101000000_b.down.sql", DOWN);
    let error = folder.error();
    match &error {
        LoadError::SameDigits {
            first,
            second,
            digits,
        } => {
            assert_eq!(digits, "20190101000000");
            let files = BTreeSet::from([first.clone(), second.clone()]);
            assert_eq!(
                files,
                BTreeSet::from([
                    shown("2019-01-01-000000_a/up.sql"),
                    shown("20190101000000_b.up.sql")
                ])
            );
        }
        other => panic!("expected SameDigits, got {other:?}"),
    }
    assert_names(&error, "2019-01-01-000000_a/up.sql");
    assert_names(&error, "20190101000000_b.up.sql");
}

#[test]
fn same_integer_written_with_leading_zeros() {
    let folder = Folder::new();
    folder
        .write("007_a.up.sql", UP)
        .write("007_a.down.sql", DOWN)
        .write("7_b.sql", single(UP, DOWN));
    let error = folder.error();
    assert!(
        matches!(&error, LoadError::SameDigits { .. }),
        "expected SameDigits, got {error:?}"
    );
    assert_names(&error, "007_a.up.sql");
    assert_names(&error, "7_b.sql");
}

#[test]
fn small_integers_order_as_integers() {
    let folder = Folder::new();
    for name in ["10_x", "2_x", "1_x", "100_x", "9_x"] {
        folder
            .write(&format!("{name}.up.sql"), UP)
            .write(&format!("{name}.down.sql"), DOWN);
    }
    let loaded = folder.ok();
    assert_eq!(versions(&loaded), ["1", "2", "9", "10", "100"]);
    assert_eq!(loaded.migrations.order(), VersionOrder::Integer);
}

#[test]
fn timestamps_with_suffixes_order_as_digit_strings() {
    let folder = Folder::new();
    // A plain sort of these names puts `…105325-0000_b` before `…105325_a`.
    folder
        .write("20260618000000_c.sql", single(UP, DOWN))
        .write("2026-06-17-105325-0000_b/up.sql", UP)
        .write("2026-06-17-105325-0000_b/down.sql", DOWN)
        .write("2026-06-17-105325_a/up.sql", UP)
        .write("2026-06-17-105325_a/down.sql", DOWN);
    let loaded = folder.ok();
    assert_eq!(loaded.migrations.order(), VersionOrder::Timestamp);
    assert_eq!(
        versions(&loaded),
        [
            "2026-06-17-105325",
            "2026-06-17-105325-0000",
            "20260618000000"
        ]
    );
}

#[test]
fn dashed_and_plain_timestamps_interleave_by_digits() {
    let folder = Folder::new();
    folder
        .write("2017-08-31-230457_x/up.sql", UP)
        .write("2017-08-31-230457_x/down.sql", DOWN)
        .write("20170102000000_y/up.sql", UP)
        .write("20170102000000_y/down.sql", DOWN)
        .write("20170901000000_z.up.sql", UP)
        .write("20170901000000_z.down.sql", DOWN);
    let loaded = folder.ok();
    assert_eq!(loaded.migrations.order(), VersionOrder::Timestamp);
    assert_eq!(
        names(&loaded),
        [
            "20170102000000 y",
            "2017-08-31-230457 x",
            "20170901000000 z"
        ]
    );
}

#[test]
fn one_short_version_makes_the_folder_count_in_integers() {
    let folder = Folder::new();
    folder
        .write("20260112093000_late.up.sql", UP)
        .write("20260112093000_late.down.sql", DOWN)
        .write("20260112_001_create_po.up.sql", UP)
        .write("20260112_001_create_po.down.sql", DOWN)
        .write("3_early.up.sql", UP)
        .write("3_early.down.sql", DOWN);
    let loaded = folder.ok();
    assert_eq!(loaded.migrations.order(), VersionOrder::Integer);
    assert_eq!(versions(&loaded), ["3", "20260112_001", "20260112093000"]);
}
