//! The decisions of `state.rs`, refinery's `verify_migrations` style: a folder
//! on disk, the tracking rows a database would hold, and the expected verdict.
//!
//! One file a decision; this one holds what they share: folders written to
//! disk, tracking rows, expected status lines and error matchers.

use std::fmt::Debug;
use std::fs;

use chrono::{DateTime, Utc};
use rollback_core::{
    CHECKSUM_ALGORITHM, EmptyDown, LoadOptions, Migration, MigrationSet, Version, checksum, load,
};
use tempfile::TempDir;

use super::*;
use crate::error::{Error, Refusal, Result};
use crate::records::{AppliedMigration, TOOL_VERSION};

mod plan_apply;
mod resolve_down;
mod select_reverts;
mod statuses;

/// A migrations folder on disk and the set read from it.
struct Folder {
    dir: TempDir,
    set: MigrationSet,
}

impl Folder {
    /// The path `load` shows for a file of this folder.
    fn shown(&self, relative: &str) -> String {
        format!("{}/{relative}", self.dir.path().display())
    }
}

/// Writes `files` (path relative to the folder, text) and loads the folder.
fn folder_with(files: &[(&str, &str)], empty_down: EmptyDown) -> Folder {
    let dir = tempfile::tempdir().expect("a temporary folder");
    for (relative, text) in files {
        let path = dir.path().join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("create the migration folder");
        }
        fs::write(&path, text).expect("write a migration file");
    }
    let loaded = load(
        dir.path(),
        &LoadOptions {
            empty_down,
            ..LoadOptions::default()
        },
    )
    .expect("the folder loads");
    Folder {
        dir,
        set: loaded.migrations,
    }
}

fn folder(files: &[(&str, &str)]) -> Folder {
    folder_with(files, EmptyDown::Error)
}

/// A flat folder with one plain migration per stem (`1_a` creates `t1_a`).
fn flat(stems: &[&str]) -> Folder {
    let mut files = Vec::new();
    for stem in stems {
        files.push((format!("{stem}.up.sql"), up_sql(stem)));
        files.push((format!("{stem}.down.sql"), down_sql(stem)));
    }
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(path, text)| (path.as_str(), text.as_str()))
        .collect();
    folder(&files)
}

fn up_sql(stem: &str) -> String {
    format!("CREATE TABLE t{stem} (id INT);\n")
}

fn down_sql(stem: &str) -> String {
    format!("DROP TABLE t{stem};\n")
}

fn at(minute: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_767_225_600 + minute * 60, 0).expect("a valid time")
}

fn v(text: &str) -> Version {
    Version::parse(text).unwrap_or_else(|| panic!("`{text}` is a version"))
}

/// The row written when the folder's `version` was applied at `minute`.
fn applied(set: &MigrationSet, version: &str, minute: i64) -> AppliedMigration {
    let migration = set
        .find(&v(version))
        .unwrap_or_else(|| panic!("no migration {version} in the folder"));
    AppliedMigration::for_migration(migration, at(minute))
}

/// Rows for `versions`, applied one minute apart in the order given.
fn applied_in_order(set: &MigrationSet, versions: &[&str]) -> Vec<AppliedMigration> {
    versions
        .iter()
        .zip(0..)
        .map(|(version, minute)| applied(set, version, minute))
        .collect()
}

/// A row whose migration no longer has a file (applied by an older checkout).
fn orphan(version: &str, name: &str, down_sql: &str, minute: i64) -> AppliedMigration {
    AppliedMigration {
        version: version.to_owned(),
        name: name.to_owned(),
        checksum_algorithm: CHECKSUM_ALGORITHM.to_owned(),
        up_checksum: checksum("CREATE TABLE gone (id INT);\n"),
        down_checksum: checksum(down_sql),
        down_sql: down_sql.to_owned(),
        applied_at: at(minute),
        execution_ms: 7,
        dirty: false,
        tool_version: TOOL_VERSION.to_owned(),
    }
}

fn versions_of(migrations: &[&Migration]) -> Vec<String> {
    migrations
        .iter()
        .map(|migration| migration.version().to_string())
        .collect()
}

fn row_versions(rows: &[&AppliedMigration]) -> Vec<String> {
    rows.iter().map(|row| row.version.clone()).collect()
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|item| (*item).to_owned()).collect()
}

/// A status line with no row behind it, to be adjusted per case.
fn line(version: &str, name: &str, state: MigrationState) -> MigrationStatus {
    MigrationStatus {
        version: version.to_owned(),
        name: name.to_owned(),
        state,
        applied_at: None,
        execution_ms: None,
        down_modified: false,
        irreversible: None,
        stopped_at: None,
    }
}

/// A status line for a row applied at `minute` that took `ms`.
fn line_applied(
    version: &str,
    name: &str,
    state: MigrationState,
    minute: i64,
    ms: i64,
) -> MigrationStatus {
    MigrationStatus {
        applied_at: Some(at(minute)),
        execution_ms: Some(ms),
        ..line(version, name, state)
    }
}

fn error<T: Debug>(result: Result<T>) -> Error {
    match result {
        Ok(value) => panic!("expected an error, got Ok({value:?})"),
        Err(error) => error,
    }
}

fn refusal<T: Debug>(result: Result<T>) -> Refusal {
    match error(result) {
        Error::Refused(refusal) => refusal,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn assert_unknown_version<T: Debug>(result: Result<T>, expected: &str) {
    match error(result) {
        Error::UnknownVersion { version, .. } => assert_eq!(version, expected),
        other => panic!("expected UnknownVersion {expected}, got {other:?}"),
    }
}

/// A diesel folder with dashed timestamp versions.
fn diesel_folder() -> Folder {
    folder(&[
        (
            "2019-01-01-000000_create_users/up.sql",
            "CREATE TABLE users (id INT);\n",
        ),
        (
            "2019-01-01-000000_create_users/down.sql",
            "DROP TABLE users;\n",
        ),
        (
            "2019-01-02-000000_create_posts/up.sql",
            "CREATE TABLE posts (id INT);\n",
        ),
        (
            "2019-01-02-000000_create_posts/down.sql",
            "DROP TABLE posts;\n",
        ),
    ])
}

/// The row of the diesel folder's first migration, stored undashed.
fn undashed_row(folder: &Folder) -> AppliedMigration {
    let mut row = applied(&folder.set, "2019-01-01-000000", 0);
    row.version = "20190101000000".to_owned();
    row
}
