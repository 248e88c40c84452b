//! Empty downs and the `-- rollback:` directives.

use std::collections::BTreeSet;

use rollback_core::{EmptyDown, LoadError, LoadWarning};

use crate::support::{DOWN, Folder, SHOWN, UP, assert_names, only, shown};

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
