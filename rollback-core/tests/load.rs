//! Reading migrations folders from disk: the three layouts, the pairing rules,
//! the directives, names, encodings, ordering, and the real folders of the
//! shared corpus (when it sits beside the repository).

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use rollback_core::{
    EmptyDown, Layout, LoadError, LoadErrors, LoadOptions, LoadWarning, Loaded, Migration,
    VersionOrder, checksum, load, load_shown_as,
};
use tempfile::TempDir;

mod common;

use common::corpus;

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// How files are named in messages and in `up_path`/`down_path`.
const SHOWN: &str = "migrations";

/// A temporary migrations folder.
struct Folder {
    dir: TempDir,
}

impl Folder {
    fn new() -> Folder {
        Folder {
            dir: tempfile::tempdir().expect("create a temporary folder"),
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `relative` (creating its parent folders) with `content`.
    fn write(&self, relative: &str, content: impl AsRef<[u8]>) -> &Folder {
        let path = self.path().join(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, content).unwrap();
        self
    }

    fn mkdir(&self, relative: &str) -> &Folder {
        fs::create_dir_all(self.path().join(relative)).unwrap();
        self
    }

    fn load_with(&self, empty_down: EmptyDown) -> Result<Loaded, LoadErrors> {
        load_shown_as(
            self.path(),
            SHOWN,
            &LoadOptions {
                empty_down,
                ..LoadOptions::default()
            },
        )
    }

    /// Loads with the default options and expects success.
    fn ok(&self) -> Loaded {
        self.ok_with(EmptyDown::Error)
    }

    fn ok_with(&self, empty_down: EmptyDown) -> Loaded {
        match self.load_with(empty_down) {
            Ok(loaded) => loaded,
            Err(errors) => panic!("expected the folder to load, got:\n{errors}"),
        }
    }

    /// Loads with the default options and expects failure.
    fn errors(&self) -> Vec<LoadError> {
        self.errors_with(EmptyDown::Error)
    }

    fn errors_with(&self, empty_down: EmptyDown) -> Vec<LoadError> {
        match self.load_with(empty_down) {
            Ok(loaded) => panic!("expected errors, the folder loaded: {:?}", names(&loaded)),
            Err(LoadErrors(errors)) => {
                assert!(!errors.is_empty(), "LoadErrors must not be empty");
                errors
            }
        }
    }

    /// Expects exactly one error and returns it.
    fn error(&self) -> LoadError {
        let mut errors = self.errors();
        assert_eq!(errors.len(), 1, "expected one error, got {errors:#?}");
        errors.pop().unwrap()
    }
}

fn shown(relative: &str) -> String {
    format!("{SHOWN}/{relative}")
}

/// The message of `error` names `relative` (as shown under [`SHOWN`]).
#[track_caller]
fn assert_names(error: &LoadError, relative: &str) {
    let message = error.to_string();
    let file = shown(relative);
    assert!(
        message.contains(&file),
        "message `{message}` does not name {file}"
    );
}

/// `version name` of each migration, in order.
fn names(loaded: &Loaded) -> Vec<String> {
    loaded
        .migrations
        .migrations()
        .iter()
        .map(Migration::to_string)
        .collect()
}

fn versions(loaded: &Loaded) -> Vec<&str> {
    loaded
        .migrations
        .migrations()
        .iter()
        .map(|m| m.version().as_str())
        .collect()
}

fn only(loaded: &Loaded) -> &Migration {
    let migrations = loaded.migrations.migrations();
    assert_eq!(
        migrations.len(),
        1,
        "expected one migration: {:?}",
        names(loaded)
    );
    &migrations[0]
}

/// A file to write: its path in the folder and its bytes.
type File<'a> = (&'a str, &'a [u8]);

const UP: &str = "CREATE TABLE users (id INTEGER PRIMARY KEY);\n";
const DOWN: &str = "DROP TABLE users;\n";

fn single(up: &str, down: &str) -> String {
    format!("-- migrate:up\n{up}\n-- migrate:down\n{down}")
}

// ---------------------------------------------------------------------------
// Each layout alone
// ---------------------------------------------------------------------------

#[test]
fn flat_layout() {
    let folder = Folder::new();
    folder
        .write("20260112093000_create_users.up.sql", UP)
        .write("20260112093000_create_users.down.sql", DOWN);
    let loaded = folder.ok();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let m = only(&loaded);
    assert_eq!(m.version().as_str(), "20260112093000");
    assert_eq!(m.version().digits(), "20260112093000");
    assert_eq!(m.name(), "create_users");
    assert_eq!(m.layout(), Layout::Flat);
    assert_eq!(m.up().sql(), UP);
    assert_eq!(m.down().sql(), DOWN);
    assert_eq!(m.up().checksum(), checksum(UP));
    assert_eq!(m.down().checksum(), checksum(DOWN));
    assert!(!m.up().no_transaction());
    assert!(!m.down().no_transaction());
    assert_eq!(m.irreversible(), None);
    assert_eq!(m.up_path(), shown("20260112093000_create_users.up.sql"));
    assert_eq!(m.down_path(), shown("20260112093000_create_users.down.sql"));
    assert_eq!(m.to_string(), "20260112093000 create_users");
}

#[test]
fn load_names_files_under_the_folder_as_given() {
    let folder = Folder::new();
    folder.write("1_a.up.sql", UP).write("1_a.down.sql", DOWN);
    let loaded = load(folder.path(), &LoadOptions::default()).unwrap();
    let m = only(&loaded);
    assert_eq!(
        m.up_path(),
        format!("{}/1_a.up.sql", folder.path().display())
    );
    assert_eq!(
        m.down_path(),
        format!("{}/1_a.down.sql", folder.path().display())
    );
}

#[test]
fn load_shown_as_trims_a_trailing_separator_and_accepts_an_empty_name() {
    let folder = Folder::new();
    folder.write("1_a.up.sql", UP).write("1_a.down.sql", DOWN);
    let options = LoadOptions::default();
    let loaded = load_shown_as(folder.path(), "db/migrations/", &options).unwrap();
    assert_eq!(only(&loaded).up_path(), "db/migrations/1_a.up.sql");
    let loaded = load_shown_as(folder.path(), "", &options).unwrap();
    assert_eq!(only(&loaded).up_path(), "1_a.up.sql");
}

#[test]
fn version_is_the_run_of_digit_groups() {
    let folder = Folder::new();
    folder
        .write("20260112_001_create_po.up.sql", UP)
        .write("20260112_001_create_po.down.sql", DOWN)
        .write("42.up.sql", UP)
        .write("42.down.sql", DOWN);
    let loaded = folder.ok();
    let migrations = loaded.migrations.migrations();
    assert_eq!(migrations.len(), 2);
    assert_eq!(migrations[0].version().as_str(), "42");
    assert_eq!(migrations[0].name(), "");
    assert_eq!(migrations[0].to_string(), "42");
    assert_eq!(migrations[1].version().as_str(), "20260112_001");
    assert_eq!(migrations[1].version().digits(), "20260112001");
    assert_eq!(migrations[1].name(), "create_po");
}

#[test]
fn directory_layout() {
    let folder = Folder::new();
    folder
        .write("2019-01-01-000000_create_users/up.sql", UP)
        .write("2019-01-01-000000_create_users/down.sql", DOWN);
    let loaded = folder.ok();
    assert!(loaded.warnings.is_empty());
    let m = only(&loaded);
    assert_eq!(m.version().as_str(), "2019-01-01-000000");
    assert_eq!(m.version().digits(), "20190101000000");
    assert_eq!(m.name(), "create_users");
    assert_eq!(m.layout(), Layout::Directory);
    assert_eq!(m.up().sql(), UP);
    assert_eq!(m.down().sql(), DOWN);
    assert!(!m.up().no_transaction());
    assert!(!m.down().no_transaction());
    assert_eq!(m.up_path(), shown("2019-01-01-000000_create_users/up.sql"));
    assert_eq!(
        m.down_path(),
        shown("2019-01-01-000000_create_users/down.sql")
    );
}

#[test]
fn directory_metadata_run_in_transaction_false_marks_both_scripts() {
    let folder = Folder::new();
    folder
        .write(
            "2024-02-12-120203_index/up.sql",
            "CREATE INDEX CONCURRENTLY i ON t (a);\n",
        )
        .write(
            "2024-02-12-120203_index/down.sql",
            "DROP INDEX CONCURRENTLY i;\n",
        )
        .write(
            "2024-02-12-120203_index/metadata.toml",
            "run_in_transaction = false\n",
        )
        .write("2024-02-13-000000_plain/up.sql", UP)
        .write("2024-02-13-000000_plain/down.sql", DOWN)
        .write(
            "2024-02-13-000000_plain/metadata.toml",
            "run_in_transaction = true\n",
        )
        .write("2024-02-14-000000_other_key/up.sql", UP)
        .write("2024-02-14-000000_other_key/down.sql", DOWN)
        .write(
            "2024-02-14-000000_other_key/metadata.toml",
            "something_else = 1\n",
        );
    let loaded = folder.ok();
    let migrations = loaded.migrations.migrations();
    assert_eq!(migrations.len(), 3);
    assert_eq!(migrations[0].name(), "index");
    assert!(migrations[0].up().no_transaction());
    assert!(migrations[0].down().no_transaction());
    for m in &migrations[1..] {
        assert!(!m.up().no_transaction(), "{m}");
        assert!(!m.down().no_transaction(), "{m}");
    }
}

#[test]
fn directory_metadata_that_cannot_be_read_is_an_error() {
    let folder = Folder::new();
    folder
        .write("1_bad_toml/up.sql", UP)
        .write("1_bad_toml/down.sql", DOWN)
        .write("1_bad_toml/metadata.toml", "run_in_transaction = \n");
    let error = folder.error();
    assert!(
        matches!(&error, LoadError::Metadata { path, .. } if *path == shown("1_bad_toml/metadata.toml")),
        "{error:?}"
    );
    assert_names(&error, "1_bad_toml/metadata.toml");

    let folder = Folder::new();
    folder
        .write("1_bad_type/up.sql", UP)
        .write("1_bad_type/down.sql", DOWN)
        .write("1_bad_type/metadata.toml", "run_in_transaction = \"no\"\n");
    let error = folder.error();
    match &error {
        LoadError::Metadata { path, message } => {
            assert_eq!(*path, shown("1_bad_type/metadata.toml"));
            assert!(message.contains("run_in_transaction"), "{message}");
        }
        other => panic!("expected Metadata, got {other:?}"),
    }
    assert_names(&error, "1_bad_type/metadata.toml");
}

#[test]
fn single_file_layout() {
    let folder = Folder::new();
    let text = "-- migrate:up\nCREATE TABLE users (id INTEGER PRIMARY KEY);\n\n-- migrate:down\nDROP TABLE users;\n";
    folder.write("20241210054814_create-users-table.sql", text);
    let loaded = folder.ok();
    assert!(loaded.warnings.is_empty());
    let m = only(&loaded);
    assert_eq!(m.version().as_str(), "20241210054814");
    assert_eq!(m.name(), "create-users-table");
    assert_eq!(m.layout(), Layout::SingleFile);
    assert_eq!(
        m.up().sql(),
        "CREATE TABLE users (id INTEGER PRIMARY KEY);\n\n"
    );
    assert_eq!(m.down().sql(), "DROP TABLE users;\n");
    assert_eq!(m.up().checksum(), checksum(m.up().sql()));
    assert_eq!(m.down().checksum(), checksum("DROP TABLE users;\n"));
    assert!(!m.up().no_transaction());
    assert!(!m.down().no_transaction());
    assert_eq!(m.up_path(), shown("20241210054814_create-users-table.sql"));
    assert_eq!(m.down_path(), m.up_path());
}

#[test]
fn single_file_transaction_false_marks_its_own_section() {
    let folder = Folder::new();
    folder
        .write(
            "1_up_outside.sql",
            "-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON t (a);\n-- migrate:down\nDROP INDEX i;\n",
        )
        .write(
            "2_down_outside.sql",
            "-- migrate:up\nCREATE TABLE t2 (a INT);\n-- migrate:down transaction:false\nDROP TABLE t2;\n",
        );
    let loaded = folder.ok();
    let migrations = loaded.migrations.migrations();
    assert_eq!(migrations.len(), 2);
    assert!(migrations[0].up().no_transaction());
    assert!(!migrations[0].down().no_transaction());
    assert_eq!(
        migrations[0].up().sql(),
        "CREATE INDEX CONCURRENTLY i ON t (a);\n"
    );
    assert!(!migrations[1].up().no_transaction());
    assert!(migrations[1].down().no_transaction());
}

#[test]
fn all_three_layouts_mixed_and_sorted_by_version() {
    let folder = Folder::new();
    folder
        .write(
            "3_third.sql",
            single("CREATE TABLE c (id INT);", "DROP TABLE c;\n"),
        )
        .write("1_first.up.sql", "CREATE TABLE a (id INT);\n")
        .write("1_first.down.sql", "DROP TABLE a;\n")
        .write("10_tenth/up.sql", "CREATE TABLE j (id INT);\n")
        .write("10_tenth/down.sql", "DROP TABLE j;\n")
        .write("2_second/up.sql", "CREATE TABLE b (id INT);\n")
        .write("2_second/down.sql", "DROP TABLE b;\n")
        .write("4_fourth.up.sql", "CREATE TABLE d (id INT);\n")
        .write("4_fourth.down.sql", "DROP TABLE d;\n");
    let loaded = folder.ok();
    assert_eq!(
        names(&loaded),
        ["1 first", "2 second", "3 third", "4 fourth", "10 tenth"]
    );
    let layouts: Vec<Layout> = loaded
        .migrations
        .migrations()
        .iter()
        .map(Migration::layout)
        .collect();
    assert_eq!(
        layouts,
        [
            Layout::Flat,
            Layout::Directory,
            Layout::SingleFile,
            Layout::Flat,
            Layout::Directory
        ]
    );
    assert_eq!(loaded.migrations.order(), VersionOrder::Integer);
    assert_eq!(
        loaded.migrations.migrations()[2].up().sql(),
        "CREATE TABLE c (id INT);\n"
    );
}

#[test]
fn empty_folder_loads_no_migrations() {
    let folder = Folder::new();
    let loaded = folder.ok();
    assert!(loaded.migrations.migrations().is_empty());
    assert!(loaded.warnings.is_empty());
}

// ---------------------------------------------------------------------------
// Pairing: missing downs, orphan downs, markers
// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------
// Versions used twice
// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------
// Empty downs and directives
// ---------------------------------------------------------------------------

#[test]
fn empty_down_is_an_error_by_default_in_every_layout() {
    let cases: [(&str, &[(&str, &str)]); 5] = [
        ("1_a.down.sql", &[("1_a.up.sql", UP), ("1_a.down.sql", "")]),
        (
            "1_a.down.sql",
            &[
                ("1_a.up.sql", UP),
                (
                    "1_a.down.sql",
                    "-- nothing to undo\n\n/* really\nnothing */\n  \n",
                ),
            ],
        ),
        (
            "1_a/down.sql",
            &[("1_a/up.sql", UP), ("1_a/down.sql", "\n\n")],
        ),
        (
            "1_a/down.sql",
            &[
                ("1_a/up.sql", UP),
                (
                    "1_a/down.sql",
                    "-- This migration intentionally left blank\n",
                ),
            ],
        ),
        (
            "1_a.sql",
            &[(
                "1_a.sql",
                "-- migrate:up\nCREATE TABLE a (id INT);\n-- migrate:down\n-- keep the data\n",
            )],
        ),
    ];
    for (down, files) in cases {
        let folder = Folder::new();
        for (name, text) in files {
            folder.write(name, text);
        }
        let error = folder.error();
        assert!(
            matches!(&error, LoadError::EmptyDown { path } if *path == shown(down)),
            "{down}: expected EmptyDown, got {error:?}"
        );
        assert_names(&error, down);
    }
}

#[test]
fn empty_down_is_irreversible_when_the_folder_says_so() {
    let folder = Folder::new();
    folder
        .write("1_a.up.sql", UP)
        .write("1_a.down.sql", "-- not reversible\n")
        .write("2_b/up.sql", UP)
        .write("2_b/down.sql", "")
        .write("3_c.sql", "-- migrate:up\nSELECT 1;\n-- migrate:down\n")
        .write("4_d.up.sql", UP)
        .write("4_d.down.sql", DOWN);
    let loaded = folder.ok_with(EmptyDown::Irreversible);
    let migrations = loaded.migrations.migrations();
    assert_eq!(migrations.len(), 4);
    for m in &migrations[..3] {
        let reason = m
            .irreversible()
            .unwrap_or_else(|| panic!("{m} should be irreversible"));
        assert!(!reason.is_empty());
    }
    assert_eq!(migrations[3].irreversible(), None);
    // The down is kept as written.
    assert_eq!(migrations[0].down().sql(), "-- not reversible\n");
    let expected: Vec<LoadWarning> = ["1_a.down.sql", "2_b/down.sql", "3_c.sql"]
        .into_iter()
        .map(|file| LoadWarning::EmptyDownIrreversible { path: shown(file) })
        .collect();
    let warnings: BTreeSet<String> = loaded.warnings.iter().map(|w| format!("{w:?}")).collect();
    let expected: BTreeSet<String> = expected.iter().map(|w| format!("{w:?}")).collect();
    assert_eq!(warnings, expected);
    for warning in &loaded.warnings {
        assert!(warning.to_string().contains(SHOWN), "{warning}");
    }
    // The same folder is refused with the default option: three errors.
    let errors = folder.errors();
    assert_eq!(errors.len(), 3, "{errors:#?}");
    assert!(
        errors
            .iter()
            .all(|e| matches!(e, LoadError::EmptyDown { .. }))
    );
}

#[test]
fn irreversible_directive_with_a_reason() {
    for empty_down in [EmptyDown::Error, EmptyDown::Irreversible] {
        let folder = Folder::new();
        folder
            .write("1_a.up.sql", "DROP TABLE legacy;\n")
            .write("1_a.down.sql", "-- rollback:irreversible reason\n")
            .write("2_b.sql", "-- migrate:up\nDELETE FROM t;\n-- migrate:down\n--rollback:irreversible the rows are gone\n")
            .write("3_c/up.sql", UP)
            .write("3_c/down.sql", "-- rollback:irreversible\n");
        let loaded = folder.ok_with(empty_down);
        let migrations = loaded.migrations.migrations();
        assert_eq!(migrations.len(), 3);
        assert_eq!(migrations[0].irreversible(), Some("reason"));
        assert_eq!(migrations[1].irreversible(), Some("the rows are gone"));
        let no_reason = migrations[2]
            .irreversible()
            .expect("marked without a reason");
        assert!(!no_reason.is_empty());
        // A marked down is not "an empty down accepted by the option".
        assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    }
}

#[test]
fn irreversible_directive_on_a_down_with_statements() {
    let folder = Folder::new();
    folder.write("1_a.up.sql", UP).write(
        "1_a.down.sql",
        "-- rollback:irreversible data loss\nDROP TABLE users;\n",
    );
    let loaded = folder.ok();
    assert_eq!(only(&loaded).irreversible(), Some("data loss"));
}

#[test]
fn irreversible_directive_in_an_up_is_an_error() {
    let folder = Folder::new();
    folder
        .write(
            "1_a.up.sql",
            "-- rollback:irreversible no\nCREATE TABLE a (id INT);\n",
        )
        .write("1_a.down.sql", DOWN);
    let error = folder.error();
    assert!(
        matches!(&error, LoadError::Directive { path, .. } if *path == shown("1_a.up.sql")),
        "{error:?}"
    );
    assert_names(&error, "1_a.up.sql");

    let folder = Folder::new();
    folder.write(
        "1_a.sql",
        "-- migrate:up\n-- rollback:irreversible no\nCREATE TABLE a (id INT);\n-- migrate:down\nDROP TABLE a;\n",
    );
    let error = folder.error();
    assert!(
        matches!(&error, LoadError::Directive { path, .. } if *path == shown("1_a.sql")),
        "{error:?}"
    );
    assert_names(&error, "1_a.sql");
}

#[test]
fn unknown_directive_is_an_error() {
    let folder = Folder::new();
    folder
        .write("1_a.up.sql", UP)
        .write("1_a.down.sql", "-- rollback:typo\nDROP TABLE users;\n");
    let error = folder.error();
    match &error {
        LoadError::Directive { path, message } => {
            assert_eq!(*path, shown("1_a.down.sql"));
            assert!(message.contains("rollback:typo"), "{message}");
        }
        other => panic!("expected Directive, got {other:?}"),
    }
    assert_names(&error, "1_a.down.sql");
    assert!(error.to_string().contains("rollback:typo"));

    // A misspelt safeguard in an otherwise empty down is the directive error,
    // not silently an empty down.
    let folder = Folder::new();
    folder
        .write(
            "1_a/up.sql",
            "-- rollback:irreversable nope\nCREATE TABLE a (id INT);\n",
        )
        .write("1_a/down.sql", DOWN);
    let error = folder.error();
    assert!(
        matches!(&error, LoadError::Directive { path, message }
            if *path == shown("1_a/up.sql") && message.contains("rollback:irreversable")),
        "{error:?}"
    );
}

#[test]
fn prose_comments_mentioning_rollback_are_not_directives() {
    let folder = Folder::new();
    folder
        .write(
            "1_a.up.sql",
            "-- rolls back nothing\n-- rollback: see the docs\nCREATE TABLE a (id INT);\n",
        )
        .write("1_a.down.sql", DOWN);
    let loaded = folder.ok();
    assert_eq!(only(&loaded).irreversible(), None);
}

#[test]
fn comment_only_up_is_a_valid_no_op() {
    let folder = Folder::new();
    folder
        .write(
            "1_a.up.sql",
            "-- no up-migration, only a down as validation\n",
        )
        .write("1_a.down.sql", "SELECT 1;\n")
        .write("2_b/up.sql", "")
        .write("2_b/down.sql", DOWN)
        .write(
            "3_c.sql",
            "-- migrate:up\n-- nothing\n-- migrate:down\nSELECT 1;\n",
        );
    let loaded = folder.ok();
    let migrations = loaded.migrations.migrations();
    assert_eq!(migrations.len(), 3);
    for m in migrations {
        assert!(m.up().is_blank(), "{m}");
        assert!(!m.down().is_blank(), "{m}");
        assert_eq!(m.irreversible(), None);
    }
    assert!(loaded.warnings.is_empty());
}

#[test]
fn no_transaction_directives_mark_only_their_script() {
    let folder = Folder::new();
    folder
        .write(
            "1_up_directive.up.sql",
            "-- rollback:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (a);\n",
        )
        .write("1_up_directive.down.sql", "DROP INDEX i;\n")
        .write("2_down_sqlx.up.sql", "CREATE TABLE t2 (a INT);\n")
        .write("2_down_sqlx.down.sql", "-- no-transaction\nVACUUM;\n")
        .write("3_dir/up.sql", UP)
        .write("3_dir/down.sql", "-- rollback:no-transaction\nDROP TABLE users;\n")
        .write(
            "4_single.sql",
            "-- migrate:up\n-- no-transaction\nCREATE INDEX CONCURRENTLY j ON t (b);\n-- migrate:down\nDROP INDEX j;\n",
        )
        .write("5_plain.up.sql", "-- transactions are fine here\nSELECT 1;\n")
        .write("5_plain.down.sql", "SELECT 2;\n");
    let loaded = folder.ok();
    let flags: Vec<(String, bool, bool)> = loaded
        .migrations
        .migrations()
        .iter()
        .map(|m| {
            (
                m.to_string(),
                m.up().no_transaction(),
                m.down().no_transaction(),
            )
        })
        .collect();
    assert_eq!(
        flags,
        [
            ("1 up_directive".to_owned(), true, false),
            ("2 down_sqlx".to_owned(), false, true),
            ("3 dir".to_owned(), false, true),
            ("4 single".to_owned(), true, false),
            ("5 plain".to_owned(), false, false),
        ]
    );
}

// ---------------------------------------------------------------------------
// Encodings, names, missing folder
// ---------------------------------------------------------------------------

#[test]
fn non_utf8_script_content_names_the_file() {
    let bad = b"SELECT 1;\xff\xfe\n".as_slice();
    let cases: [(&str, &[File<'_>]); 3] = [
        (
            "1_a/down.sql",
            &[("1_a/up.sql", UP.as_bytes()), ("1_a/down.sql", bad)],
        ),
        (
            "1_a.sql",
            &[(
                "1_a.sql",
                b"-- migrate:up\nSELECT 1;\xff\n-- migrate:down\nSELECT 2;\n",
            )],
        ),
        (
            "1_a/metadata.toml",
            &[
                ("1_a/up.sql", UP.as_bytes()),
                ("1_a/down.sql", DOWN.as_bytes()),
                (
                    "1_a/metadata.toml",
                    b"# caf\xe9\nrun_in_transaction = false\n",
                ),
            ],
        ),
    ];
    for (file, files) in cases {
        let folder = Folder::new();
        for (name, bytes) in files {
            folder.write(name, bytes);
        }
        let error = folder.error();
        assert!(
            matches!(&error, LoadError::NonUtf8Text { path, .. } if *path == shown(file)),
            "{file}: expected NonUtf8Text, got {error:?}"
        );
        assert_names(&error, file);
    }
}

/// A flat script that cannot be read is reported once, for what it is: its
/// partner exists, so the loader must not also ask for it to be created.
#[test]
fn non_utf8_flat_script_is_reported_only_as_an_encoding_error() {
    let bad = b"SELECT 1;\xff\xfe\n".as_slice();
    for (file, files) in [
        (
            "1_a.up.sql",
            [("1_a.up.sql", bad), ("1_a.down.sql", DOWN.as_bytes())],
        ),
        (
            "1_a.down.sql",
            [("1_a.up.sql", UP.as_bytes()), ("1_a.down.sql", bad)],
        ),
    ] {
        let folder = Folder::new();
        for (name, bytes) in files {
            folder.write(name, bytes);
        }
        let errors = folder.errors();
        assert!(
            matches!(&errors[..], [LoadError::NonUtf8Text { path, offset: 9 }] if *path == shown(file)),
            "{file}: expected only NonUtf8Text at offset 9, got {errors:#?}"
        );
        assert_names(&errors[0], file);
    }
}

#[test]
fn non_utf8_plain_file_without_version_or_markers_is_still_skipped() {
    let folder = Folder::new();
    folder.write("dump.sql", b"INSERT INTO t VALUES ('caf\xe9');\n");
    let loaded = folder.ok();
    assert!(loaded.migrations.migrations().is_empty());
    assert_eq!(
        loaded.warnings,
        [LoadWarning::NotAMigration {
            path: shown("dump.sql")
        }]
    );
}

#[cfg(target_os = "linux")]
#[test]
fn non_utf8_file_name_names_the_file() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;

    let folder = Folder::new();
    let name = OsStr::from_bytes(b"1_caf\xe9.up.sql");
    fs::write(folder.path().join(name), UP).unwrap();
    let error = folder.error();
    let lossy = "1_caf\u{fffd}.up.sql";
    assert!(
        matches!(&error, LoadError::NonUtf8Name { path } if *path == shown(lossy)),
        "expected NonUtf8Name, got {error:?}"
    );
    assert_names(&error, lossy);

    // A diesel folder with such a name too.
    let folder = Folder::new();
    let dir = folder
        .path()
        .join(OsStr::from_bytes(b"2019-01-01-000000_caf\xe9"));
    fs::create_dir(&dir).unwrap();
    fs::write(dir.join("up.sql"), UP).unwrap();
    fs::write(dir.join("down.sql"), DOWN).unwrap();
    let error = folder.error();
    assert!(
        matches!(&error, LoadError::NonUtf8Name { path } if *path == shown("2019-01-01-000000_caf\u{fffd}")),
        "expected NonUtf8Name, got {error:?}"
    );

    // A non-UTF-8 name that is not shaped like a migration is ignored.
    let folder = Folder::new();
    fs::write(
        folder.path().join(OsStr::from_bytes(b"notes-caf\xe9.txt")),
        "x",
    )
    .unwrap();
    folder.write("1_a.up.sql", UP).write("1_a.down.sql", DOWN);
    let loaded = folder.ok();
    assert_eq!(names(&loaded), ["1 a"]);
}

#[test]
fn missing_folder() {
    let folder = Folder::new();
    let missing = folder.path().join("no-such-folder");
    let errors = match load(&missing, &LoadOptions::default()) {
        Ok(_) => panic!("a missing folder must not load"),
        Err(LoadErrors(errors)) => errors,
    };
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let shown_path = missing.display().to_string();
    assert!(
        matches!(&errors[0], LoadError::MissingFolder { path } if *path == shown_path),
        "{:?}",
        errors[0]
    );
    assert!(errors[0].to_string().contains(&shown_path));

    let errors = load_shown_as(&missing, "db/migrations", &LoadOptions::default())
        .unwrap_err()
        .0;
    assert!(
        matches!(&errors[..], [LoadError::MissingFolder { path }] if path == "db/migrations"),
        "{errors:?}"
    );
}

#[test]
fn folder_that_is_a_file_is_an_io_error() {
    let folder = Folder::new();
    folder.write("not-a-folder", "x");
    let errors = load_shown_as(
        &folder.path().join("not-a-folder"),
        "migrations",
        &LoadOptions::default(),
    )
    .unwrap_err()
    .0;
    assert!(
        matches!(&errors[..], [LoadError::Io { path, .. }] if path == "migrations"),
        "{errors:?}"
    );
}

// ---------------------------------------------------------------------------
// Line endings, names with spaces, ignored files
// ---------------------------------------------------------------------------

#[test]
fn crlf_files_have_the_same_checksums_as_lf_files() {
    fn fill(folder: &Folder, eol: &str, bom: &str) {
        let up = format!("CREATE TABLE a ({eol}  id INT{eol});{eol}");
        let down = format!("DROP TABLE a;{eol}");
        folder
            .write("1_flat.up.sql", format!("{bom}{up}"))
            .write("1_flat.down.sql", format!("{bom}{down}"))
            .write("2_dir/up.sql", format!("{bom}{up}"))
            .write("2_dir/down.sql", format!("{bom}{down}"))
            .write(
                "2_dir/metadata.toml",
                format!("{bom}run_in_transaction = false{eol}"),
            )
            .write(
                "3_single.sql",
                format!("{bom}-- migrate:up{eol}{up}-- migrate:down{eol}{down}"),
            );
    }
    let lf = Folder::new();
    fill(&lf, "\n", "");
    let crlf = Folder::new();
    fill(&crlf, "\r\n", "");
    let bom = Folder::new();
    fill(&bom, "\r\n", "\u{feff}");

    let lf = lf.ok();
    let expected_up = "CREATE TABLE a (\n  id INT\n);\n";
    let expected_down = "DROP TABLE a;\n";
    for m in lf.migrations.migrations() {
        assert_eq!(m.up().sql(), expected_up, "{m}");
        assert_eq!(m.down().sql(), expected_down, "{m}");
        assert_eq!(m.up().checksum(), checksum(expected_up));
        assert_eq!(m.down().checksum(), checksum(expected_down));
    }
    assert!(lf.migrations.migrations()[1].up().no_transaction());
    for other in [crlf.ok(), bom.ok()] {
        assert_eq!(other.migrations.migrations().len(), 3);
        for (a, b) in lf
            .migrations
            .migrations()
            .iter()
            .zip(other.migrations.migrations())
        {
            assert_eq!(a.to_string(), b.to_string());
            assert_eq!(a.up().sql(), b.up().sql(), "{a}");
            assert_eq!(a.down().sql(), b.down().sql(), "{a}");
            assert_eq!(a.up().checksum(), b.up().checksum(), "{a}");
            assert_eq!(a.down().checksum(), b.down().checksum(), "{a}");
            assert_eq!(a.up().no_transaction(), b.up().no_transaction(), "{a}");
            assert!(!b.up().sql().contains('\r'));
        }
    }
}

#[test]
fn names_with_spaces() {
    let folder = Folder::new();
    folder
        .write("1_add index with spaces.up.sql", UP)
        .write("1_add index with spaces.down.sql", DOWN)
        .write("2019-01-01-000000_a folder name/up.sql", UP)
        .write("2019-01-01-000000_a folder name/down.sql", DOWN)
        .write("3_single file name.sql", single(UP, DOWN));
    let loaded = folder.ok();
    assert_eq!(
        names(&loaded),
        [
            "1 add index with spaces",
            "3 single file name",
            "2019-01-01-000000 a folder name"
        ]
    );
    assert_eq!(
        loaded.migrations.migrations()[0].up_path(),
        shown("1_add index with spaces.up.sql")
    );
    assert_eq!(
        loaded.migrations.migrations()[2].down_path(),
        shown("2019-01-01-000000_a folder name/down.sql")
    );
}

#[test]
fn hidden_files_and_other_files_are_ignored() {
    let folder = Folder::new();
    folder
        .write("1_a.up.sql", UP)
        .write("1_a.down.sql", DOWN)
        .write(".2_hidden.up.sql", UP)
        .write(".3_hidden.sql", "no markers")
        .write(".hidden.sql", "")
        .write(".git/4_x/up.sql", UP)
        .write(".DS_Store", [0u8, 1, 2, 0xff])
        .write("README.md", "# migrations\n")
        .write("Justfile", "migrate:\n\tsqlx migrate run\n")
        .write(".sqlfluff", "[sqlfluff]\n")
        .write("5_notes.txt", "notes")
        .write("6_backup.sql.bak", "-- migrate:up\n")
        .write("docs/usage.md", "read me")
        .mkdir("empty");
    let loaded = folder.ok();
    assert_eq!(names(&loaded), ["1 a"]);
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
}

// ---------------------------------------------------------------------------
// Ordering
// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------
// Many problems at once
// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------
// The shared corpus of real folders
// ---------------------------------------------------------------------------

fn load_corpus(name: &str, empty_down: EmptyDown) -> Option<Loaded> {
    let dir = corpus(name)?;
    match load_shown_as(
        &dir,
        name,
        &LoadOptions {
            empty_down,
            ..LoadOptions::default()
        },
    ) {
        Ok(loaded) => Some(loaded),
        Err(errors) => panic!(
            "corpus {name} does not load with empty-down = {}: {} error(s):\n{errors}",
            empty_down.as_str(),
            errors.0.len()
        ),
    }
}

/// The file or folder name a migration was read from, without `.up.sql`/`.sql`.
fn stem(m: &Migration) -> &str {
    let path = m.up_path();
    let relative = &path[path.find('/').unwrap() + 1..];
    match m.layout() {
        Layout::Flat => relative.strip_suffix(".up.sql").unwrap(),
        Layout::Directory => relative.strip_suffix("/up.sql").unwrap(),
        Layout::SingleFile => relative.strip_suffix(".sql").unwrap(),
    }
}

fn stems(loaded: &Loaded) -> Vec<&str> {
    loaded.migrations.migrations().iter().map(stem).collect()
}

/// Checks what every corpus folder shares: the count, one layout, versions in
/// strictly increasing order, and stems as in the folder.
fn check_corpus(loaded: &Loaded, count: usize, layout: Layout, order: VersionOrder) {
    let migrations = loaded.migrations.migrations();
    assert_eq!(migrations.len(), count);
    assert_eq!(loaded.migrations.order(), order);
    for m in migrations {
        assert_eq!(m.layout(), layout, "{m}");
        assert_eq!(m.up().checksum(), checksum(m.up().sql()), "{m}");
        assert_eq!(m.down().checksum(), checksum(m.down().sql()), "{m}");
        assert!(!m.up().sql().contains('\r'), "{m}");
    }
    for pair in migrations.windows(2) {
        assert!(
            order.compare(pair[0].version(), pair[1].version()).is_lt(),
            "{} should come before {}",
            pair[0],
            pair[1]
        );
        if order == VersionOrder::Timestamp {
            assert!(pair[0].version().digits() < pair[1].version().digits());
        }
    }
}

/// Names of the entries of a corpus folder that are migrations, sorted as
/// plain strings.
fn listed(dir: &Path, suffix: &str) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter_map(|name| {
            if suffix.is_empty() {
                dir.join(&name).is_dir().then_some(name)
            } else {
                name.strip_suffix(suffix).map(str::to_owned)
            }
        })
        .collect();
    names.sort();
    names
}

fn blank_downs(loaded: &Loaded) -> BTreeSet<&str> {
    loaded
        .migrations
        .migrations()
        .iter()
        .filter(|m| m.down().is_blank())
        .map(stem)
        .collect()
}

#[test]
fn corpus_crates_io_refuses_its_empty_downs_by_default() {
    // SOURCE.md does not say so, but 9 crates-io downs are empty or comment-only.
    refuses_only_empty_downs("crates-io", 9);
}

#[test]
fn corpus_crates_io_with_empty_downs_irreversible() {
    let Some(loaded) = load_corpus("crates-io", EmptyDown::Irreversible) else {
        return;
    };
    check_crates_io(&loaded);
}

fn check_crates_io(loaded: &Loaded) {
    check_corpus(loaded, 285, Layout::Directory, VersionOrder::Timestamp);
    let stems = stems(loaded);
    assert_eq!(stems[0], "00000000000000_diesel_initial_setup");
    let position = |stem: &str| {
        stems
            .iter()
            .position(|s| *s == stem)
            .unwrap_or_else(|| panic!("{stem} not loaded"))
    };
    assert_eq!(
        position("2026-05-27-120000_add_username_to_users") + 1,
        position("2026-05-27-120000-0000_semver_ord_v2_not_null")
    );
    assert!(
        position("20170102131034_dumped_migration_120") < position("2017-08-31-230457_invitations")
    );
    // SOURCE.md: a plain sort of the folder names differs in 38 positions.
    let plain = listed(&corpus("crates-io").unwrap(), "");
    assert_eq!(plain.len(), 285);
    let differing = plain
        .iter()
        .zip(&stems)
        .filter(|(a, b)| a.as_str() != **b)
        .count();
    assert_eq!(differing, 38);

    let no_transaction: BTreeSet<&str> = loaded
        .migrations
        .migrations()
        .iter()
        .filter(|m| m.up().no_transaction())
        .map(stem)
        .collect();
    assert_eq!(
        no_transaction,
        BTreeSet::from([
            "2024-02-12-120203_remove_unused_index",
            "2024-03-05-120032_add-crate-downloads-index",
            "2024-05-27-142004_add-versions-id-yanked-index",
            "2024-10-25-112826_make-unique-version-unique",
            "2025-09-22-090805_add_background_jobs_priority_id_index",
            "2025-09-29-161354_add_index_trustpub_configs_github_repo",
            "2026-07-30-140000-0000_add_users_username_index",
        ])
    );
    for m in loaded.migrations.migrations() {
        assert_eq!(m.up().no_transaction(), m.down().no_transaction(), "{m}");
    }
    // No metadata.toml, so diesel would run it in a transaction: so do we.
    let remove_downloads =
        &loaded.migrations.migrations()[position("2024-04-12-144536_remove-downloads-column")];
    assert!(
        remove_downloads
            .down()
            .sql()
            .to_lowercase()
            .contains("create index concurrently")
    );
    assert!(!remove_downloads.down().no_transaction());

    let not_migrations: Vec<&LoadWarning> = loaded
        .warnings
        .iter()
        .filter(|w| matches!(w, LoadWarning::NotAMigration { .. }))
        .collect();
    assert_eq!(
        not_migrations,
        [&LoadWarning::NotAMigration {
            path: "crates-io/data_oauth_github.sql".to_owned()
        }]
    );
    // Every other warning is an accepted empty down.
    let empty: BTreeSet<String> = loaded
        .warnings
        .iter()
        .filter_map(|w| match w {
            LoadWarning::EmptyDownIrreversible { path } => Some(path.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(empty.len() + 1, loaded.warnings.len());
    let expected: BTreeSet<String> = blank_downs(loaded)
        .into_iter()
        .map(|stem| format!("crates-io/{stem}/down.sql"))
        .collect();
    assert_eq!(empty, expected);
}

#[test]
fn corpus_docs_rs_refuses_its_empty_downs_by_default() {
    refuses_only_empty_downs("docs-rs", 2);
}

#[test]
fn corpus_docs_rs_with_empty_downs_irreversible() {
    let Some(loaded) = load_corpus("docs-rs", EmptyDown::Irreversible) else {
        return;
    };
    check_docs_rs(&loaded);
    let irreversible: BTreeSet<&str> = loaded
        .migrations
        .migrations()
        .iter()
        .filter(|m| m.irreversible().is_some())
        .map(stem)
        .collect();
    assert_eq!(irreversible, blank_downs(&loaded));
    assert_eq!(loaded.warnings.len(), irreversible.len());
}

fn check_docs_rs(loaded: &Loaded) {
    check_corpus(loaded, 33, Layout::Flat, VersionOrder::Timestamp);
    let dir = corpus("docs-rs").unwrap();
    assert_eq!(stems(loaded), listed(&dir, ".up.sql"));
    assert_eq!(stems(loaded)[0], "20231021111635_initial");
    let view = loaded
        .migrations
        .migrations()
        .iter()
        .find(|m| m.version().as_str() == "20240309082057")
        .expect("20240309082057 loaded");
    assert_eq!(view.name(), "release_status_view.sql");
    assert_eq!(
        view.down_path(),
        "docs-rs/20240309082057_release_status_view.sql.down.sql"
    );
    let blank_ups: BTreeSet<&str> = loaded
        .migrations
        .migrations()
        .iter()
        .filter(|m| m.up().is_blank())
        .map(stem)
        .collect();
    assert_eq!(
        blank_ups,
        BTreeSet::from([
            "20240221114302_ensure_no_buildless_releases_exist",
            "20251220165302_remove-files"
        ])
    );
    for m in loaded.migrations.migrations() {
        assert!(
            !m.up().no_transaction() && !m.down().no_transaction(),
            "{m}"
        );
    }
    assert!(
        loaded
            .warnings
            .iter()
            .all(|w| !matches!(w, LoadWarning::NotAMigration { .. }))
    );
}

#[test]
fn corpus_lemmy() {
    let Some(loaded) = load_corpus("lemmy", EmptyDown::Error) else {
        return;
    };
    check_corpus(&loaded, 342, Layout::Directory, VersionOrder::Timestamp);
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let stems = stems(&loaded);
    assert_eq!(stems[0], "00000000000000_diesel_initial_setup");
    assert_eq!(stems[1], "2019-02-26-002946_create_user");
    // SOURCE.md: here the plain name order equals diesel's order.
    assert_eq!(stems, listed(&corpus("lemmy").unwrap(), ""));
    assert!(
        loaded
            .migrations
            .migrations()
            .iter()
            .all(|m| !m.up().no_transaction() && !m.down().no_transaction())
    );
    assert!(
        loaded
            .migrations
            .migrations()
            .iter()
            .any(|m| m.version().as_str().len() == "2026-06-02-122008-0000".len())
    );
}

fn check_single_file_corpus(name: &str, count: usize) {
    let Some(loaded) = load_corpus(name, EmptyDown::Error) else {
        return;
    };
    check_corpus(&loaded, count, Layout::SingleFile, VersionOrder::Timestamp);
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    assert_eq!(stems(&loaded), listed(&corpus(name).unwrap(), ".sql"));
    for m in loaded.migrations.migrations() {
        assert!(
            !m.up().no_transaction() && !m.down().no_transaction(),
            "{m}"
        );
        assert!(!m.up().is_blank(), "{m}");
        assert!(!m.down().is_blank(), "{m}");
        assert_eq!(m.irreversible(), None, "{m}");
        assert_eq!(m.up_path(), m.down_path());
        assert!(!m.up().sql().contains("migrate:down"), "{m}");
    }
}

#[test]
fn corpus_ncps_dbmate_mysql() {
    check_single_file_corpus("ncps-dbmate-mysql", 8);
}

#[test]
fn corpus_ncps_dbmate_postgres() {
    check_single_file_corpus("ncps-dbmate-postgres", 8);
    if let Some(loaded) = load_corpus("ncps-dbmate-postgres", EmptyDown::Error) {
        assert_eq!(stems(&loaded)[0], "20260101000000_init_schema");
    }
}

#[test]
fn corpus_ncps_dbmate_sqlite() {
    check_single_file_corpus("ncps-dbmate-sqlite", 14);
}

fn check_oxidrive(name: &str) {
    let Some(loaded) = load_corpus(name, EmptyDown::Error) else {
        return;
    };
    check_corpus(&loaded, 8, Layout::Flat, VersionOrder::Timestamp);
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    assert_eq!(stems(&loaded), listed(&corpus(name).unwrap(), ".up.sql"));
    assert_eq!(stems(&loaded)[0], "20250102160800_create_accounts");
    for m in loaded.migrations.migrations() {
        assert!(
            !m.up().no_transaction() && !m.down().no_transaction(),
            "{m}"
        );
        assert_eq!(m.irreversible(), None, "{m}");
    }
}

#[test]
fn corpus_oxidrive_postgres() {
    check_oxidrive("oxidrive-postgres");
}

#[test]
fn corpus_oxidrive_sqlite() {
    check_oxidrive("oxidrive-sqlite");
}

/// With the default `empty-down = "error"`, a corpus with `empty` blank downs
/// gives exactly that many `EmptyDown` errors, each naming its down file, and
/// nothing else.
fn refuses_only_empty_downs(name: &str, empty: usize) {
    let Some(dir) = corpus(name) else {
        return;
    };
    let errors = load_shown_as(&dir, name, &LoadOptions::default())
        .expect_err("empty downs are refused by default")
        .0;
    assert_eq!(errors.len(), empty, "{}", LoadErrors(errors.clone()));
    assert!(
        errors.iter().all(|e| matches!(e, LoadError::EmptyDown { path }
            if path.starts_with(name) && (path.ends_with("/down.sql") || path.ends_with(".down.sql")))),
        "{errors:#?}"
    );
}

/// vaultwarden: SOURCE.md says many downs are empty, so the folder is read
/// with `empty-down = "irreversible"`; with the default each of them is an
/// `EmptyDown` error and nothing else is.
fn check_vaultwarden(name: &str, count: usize, empty: usize) -> Option<Loaded> {
    let dir = corpus(name)?;
    refuses_only_empty_downs(name, empty);

    let loaded = load_corpus(name, EmptyDown::Irreversible)?;
    check_corpus(&loaded, count, Layout::Directory, VersionOrder::Timestamp);
    assert_eq!(stems(&loaded), listed(&dir, ""));
    assert_eq!(loaded.warnings.len(), empty);
    assert!(
        loaded
            .warnings
            .iter()
            .all(|w| matches!(w, LoadWarning::EmptyDownIrreversible { .. }))
    );
    let irreversible = loaded
        .migrations
        .migrations()
        .iter()
        .filter(|m| m.irreversible().is_some())
        .count();
    assert_eq!(irreversible, empty);
    assert_eq!(blank_downs(&loaded).len(), empty);
    for m in loaded.migrations.migrations() {
        assert!(
            !m.up().no_transaction() && !m.down().no_transaction(),
            "{m}"
        );
    }
    // Impossible clock times are still versions.
    assert!(
        stems(&loaded)
            .iter()
            .any(|s| s.starts_with("2024-01-12-210182_"))
    );
    Some(loaded)
}

#[test]
fn corpus_vaultwarden_mysql() {
    if let Some(loaded) = check_vaultwarden("vaultwarden-mysql", 55, 31) {
        assert!(
            stems(&loaded)
                .iter()
                .any(|s| s.starts_with("2019-05-26-216651_"))
        );
    }
}

#[test]
fn corpus_vaultwarden_postgresql() {
    check_vaultwarden("vaultwarden-postgresql", 46, 26);
}

#[test]
fn corpus_vaultwarden_sqlite() {
    let Some(loaded) = check_vaultwarden("vaultwarden-sqlite", 56, 32) else {
        return;
    };
    let blank_ups: BTreeSet<&str> = loaded
        .migrations
        .migrations()
        .iter()
        .filter(|m| m.up().is_blank())
        .map(stem)
        .collect();
    assert_eq!(
        blank_ups,
        BTreeSet::from([
            "2024-01-12-210182_change_attachment_size",
            "2024-02-14-140000_change_time_stamp_data_type"
        ])
    );
    let cascade = loaded
        .migrations
        .migrations()
        .iter()
        .find(|m| m.name() == "sso_userscascade")
        .expect("sso_userscascade loaded");
    assert_eq!(cascade.version().as_str(), "2024-03-13_170000");
    assert_eq!(cascade.version().digits(), "20240313170000");
    let stems = stems(&loaded);
    let at = stems
        .iter()
        .position(|s| *s == "2024-03-13_170000_sso_userscascade")
        .unwrap();
    assert_eq!(stems[at - 1], "2024-03-06-170000_add_sso_users");
    assert_eq!(stems[at + 1], "2024-06-05-131359_add_2fa_duo_store");
}

mod never_panics {
    use proptest::prelude::*;
    use rollback_core::{EmptyDown, LoadOptions, load};

    /// File names shaped like migrations and not: versions, separators,
    /// suffixes, unicode, dots.
    fn file_name() -> impl Strategy<Value = String> {
        (
            "[0-9]{0,16}([-_][0-9]{1,6}){0,2}",
            "[-_ ]?",
            "\\PC{0,12}",
            prop_oneof![
                Just(".up.sql"),
                Just(".down.sql"),
                Just(".sql"),
                Just(""),
                Just(".txt")
            ],
        )
            .prop_map(|(version, separator, name, suffix)| {
                format!("{version}{separator}{name}{suffix}").replace(['/', '\0'], "_")
            })
            .prop_filter("a usable file name", |name| {
                !name.is_empty() && name != "." && name != ".." && name.len() < 200
            })
    }

    fn contents() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            "\\PC{0,80}".prop_map(String::into_bytes),
            Just(b"-- migrate:up\nSELECT 1;\n-- migrate:down\nSELECT 2;\n".to_vec()),
            Just(b"-- rollback:irreversible why\n".to_vec()),
            proptest::collection::vec(any::<u8>(), 0..40),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Any folder either loads or gives errors; reading it never panics.
        #[test]
        fn loading_any_folder_never_panics(
            files in proptest::collection::vec((file_name(), contents()), 0..8),
            irreversible in any::<bool>(),
        ) {
            let dir = tempfile::tempdir().unwrap();
            for (name, bytes) in &files {
                let _ = std::fs::write(dir.path().join(name), bytes);
            }
            let empty_down = if irreversible { EmptyDown::Irreversible } else { EmptyDown::Error };
            match load(dir.path(), &LoadOptions {
        empty_down,
        ..LoadOptions::default()
    }) {
                Ok(loaded) => {
                    let versions: Vec<_> = loaded.migrations.migrations().iter().map(|m| m.version().digits().to_owned()).collect();
                    prop_assert!(versions.iter().all(|digits| digits.bytes().all(|b| b.is_ascii_digit())));
                }
                Err(errors) => prop_assert!(!errors.0.is_empty()),
            }
        }
    }
}
