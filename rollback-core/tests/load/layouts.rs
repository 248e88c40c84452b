//! Each layout alone (sqlx's flat pair, diesel's directory, dbmate's single
//! file), their metadata, and the three mixed in one folder.

use rollback_core::{
    Layout, LoadError, LoadOptions, Migration, VersionOrder, checksum, load, load_shown_as,
};

use crate::support::{DOWN, Folder, UP, assert_names, names, only, shown, single};

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
