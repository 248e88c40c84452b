//! Pairing: ups without downs, downs without ups, single-file markers, and
//! files that are not migrations.

use std::collections::BTreeSet;

use rollback_core::{LoadError, LoadWarning};

use crate::support::{DOWN, Folder, UP, assert_names, names, shown, single};

#[test]
fn flat_up_without_down() {
    let folder = Folder::new();
    folder.write("1_a.up.sql", UP);
    let error = folder.error();
    match &error {
        LoadError::MissingDown { path, expected } => {
            assert_eq!(*path, shown("1_a.up.sql"));
            assert_eq!(*expected, shown("1_a.down.sql"));
        }
        other => panic!("expected MissingDown, got {other:?}"),
    }
    assert_names(&error, "1_a.up.sql");
    assert_names(&error, "1_a.down.sql");
}

#[test]
fn flat_down_without_up() {
    let folder = Folder::new();
    folder.write("1_a.down.sql", DOWN);
    let error = folder.error();
    match &error {
        LoadError::MissingUp { path, expected } => {
            assert_eq!(*path, shown("1_a.down.sql"));
            assert_eq!(*expected, shown("1_a.up.sql"));
        }
        other => panic!("expected MissingUp, got {other:?}"),
    }
    assert_names(&error, "1_a.down.sql");
    assert_names(&error, "1_a.up.sql");
}

#[test]
fn directory_up_without_down() {
    let folder = Folder::new();
    folder.write("1_a/up.sql", UP);
    let error = folder.error();
    match &error {
        LoadError::MissingDown { path, expected } => {
            assert_eq!(*path, shown("1_a/up.sql"));
            assert_eq!(*expected, shown("1_a/down.sql"));
        }
        other => panic!("expected MissingDown, got {other:?}"),
    }
    assert_names(&error, "1_a/up.sql");
    assert_names(&error, "1_a/down.sql");
}

#[test]
fn directory_down_without_up() {
    let folder = Folder::new();
    folder.write("1_a/down.sql", DOWN);
    let error = folder.error();
    match &error {
        LoadError::MissingUp { path, expected } => {
            assert_eq!(*path, shown("1_a/down.sql"));
            assert_eq!(*expected, shown("1_a/up.sql"));
        }
        other => panic!("expected MissingUp, got {other:?}"),
    }
    assert_names(&error, "1_a/down.sql");
}

#[test]
fn versioned_directory_without_scripts_is_an_error() {
    let folder = Folder::new();
    folder.write("1_a/notes.md", "nothing here");
    let error = folder.error();
    assert!(
        matches!(&error, LoadError::Markers { path, .. } if *path == shown("1_a")),
        "{error:?}"
    );
    assert_names(&error, "1_a");
}

#[test]
fn directory_without_version_holding_scripts_is_malformed() {
    let folder = Folder::new();
    folder
        .write("create_users/up.sql", UP)
        .write("create_users/down.sql", DOWN);
    let error = folder.error();
    assert!(
        matches!(&error, LoadError::MalformedName { path, .. } if *path == shown("create_users")),
        "{error:?}"
    );
    assert_names(&error, "create_users");
}

#[test]
fn single_file_with_up_marker_only() {
    let folder = Folder::new();
    folder.write("1_a.sql", "-- migrate:up\nCREATE TABLE a (id INT);\n");
    let error = folder.error();
    match &error {
        LoadError::Markers { path, message } => {
            assert_eq!(*path, shown("1_a.sql"));
            assert!(message.contains("migrate:down"), "{message}");
        }
        other => panic!("expected Markers, got {other:?}"),
    }
    assert_names(&error, "1_a.sql");
}

#[test]
fn single_file_with_down_marker_only() {
    let folder = Folder::new();
    folder.write("1_a.sql", "-- migrate:down\nDROP TABLE a;\n");
    let error = folder.error();
    match &error {
        LoadError::Markers { path, message } => {
            assert_eq!(*path, shown("1_a.sql"));
            assert!(message.contains("migrate:up"), "{message}");
        }
        other => panic!("expected Markers, got {other:?}"),
    }
    assert_names(&error, "1_a.sql");
}

#[test]
fn single_file_markers_out_of_order_or_repeated() {
    let folder = Folder::new();
    folder.write(
        "1_backwards.sql",
        "-- migrate:down\nDROP TABLE a;\n-- migrate:up\nCREATE TABLE a (id INT);\n",
    );
    let error = folder.error();
    assert!(
        matches!(&error, LoadError::Markers { path, .. } if *path == shown("1_backwards.sql")),
        "{error:?}"
    );
    assert_names(&error, "1_backwards.sql");

    let folder = Folder::new();
    folder.write(
        "1_twice.sql",
        "-- migrate:up\nCREATE TABLE a (id INT);\n-- migrate:up\nSELECT 1;\n-- migrate:down\nDROP TABLE a;\n",
    );
    let error = folder.error();
    assert!(
        matches!(&error, LoadError::Markers { path, .. } if *path == shown("1_twice.sql")),
        "{error:?}"
    );
}

#[test]
fn versioned_sql_file_without_markers_is_an_error() {
    let folder = Folder::new();
    folder.write("20260101000000_init.sql", "CREATE TABLE a (id INT);\n");
    let error = folder.error();
    match &error {
        LoadError::Markers { path, message } => {
            assert_eq!(*path, shown("20260101000000_init.sql"));
            assert!(message.contains("migrate:up"), "{message}");
        }
        other => panic!("expected Markers, got {other:?}"),
    }
    assert_names(&error, "20260101000000_init.sql");
}

#[test]
fn plain_sql_file_without_version_or_markers_is_skipped_with_a_warning() {
    let folder = Folder::new();
    folder
        .write("data_oauth_github.sql", "UPDATE users SET x = 1;\n")
        .write("1_a.up.sql", UP)
        .write("1_a.down.sql", DOWN);
    let loaded = folder.ok();
    assert_eq!(names(&loaded), ["1 a"]);
    assert_eq!(
        loaded.warnings,
        [LoadWarning::NotAMigration {
            path: shown("data_oauth_github.sql")
        }]
    );
    assert!(
        loaded.warnings[0]
            .to_string()
            .contains(&shown("data_oauth_github.sql"))
    );
}

#[test]
fn single_file_markers_without_version_is_malformed() {
    let folder = Folder::new();
    folder.write("create_users.sql", single(UP, DOWN));
    let error = folder.error();
    match &error {
        LoadError::MalformedName { path, example } => {
            assert_eq!(*path, shown("create_users.sql"));
            assert!(example.ends_with(".sql"), "{example}");
        }
        other => panic!("expected MalformedName, got {other:?}"),
    }
    assert_names(&error, "create_users.sql");
}

#[test]
fn flat_files_without_version_are_malformed() {
    let folder = Folder::new();
    folder.write("create_users.up.sql", UP);
    let error = folder.error();
    match &error {
        LoadError::MalformedName { path, example } => {
            assert_eq!(*path, shown("create_users.up.sql"));
            assert!(example.ends_with(".up.sql"), "{example}");
        }
        other => panic!("expected MalformedName, got {other:?}"),
    }
    assert_names(&error, "create_users.up.sql");

    // Both halves of an unversioned pair are reported.
    let folder = Folder::new();
    folder
        .write("v1_users.up.sql", UP)
        .write("v1_users.down.sql", DOWN);
    let errors = folder.errors();
    assert_eq!(errors.len(), 2, "{errors:#?}");
    let paths: BTreeSet<String> = errors
        .iter()
        .map(|error| match error {
            LoadError::MalformedName { path, .. } => path.clone(),
            other => panic!("expected MalformedName, got {other:?}"),
        })
        .collect();
    assert_eq!(
        paths,
        BTreeSet::from([shown("v1_users.down.sql"), shown("v1_users.up.sql")])
    );
}
