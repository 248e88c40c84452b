//! What the files themselves hold and are called: encodings, line endings,
//! names with spaces, ignored files, a missing folder.

use std::fs;

use rollback_core::{
    LoadError, LoadErrors, LoadOptions, LoadWarning, checksum, load, load_shown_as,
};

use crate::support::{DOWN, Folder, UP, assert_names, names, shown, single};

/// A file to write: its path in the folder and its bytes.
type File<'a> = (&'a str, &'a [u8]);

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
