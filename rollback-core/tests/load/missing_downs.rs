//! Ups without downs: refused by the build rule, each error naming the way
//! out; loaded where a missing down is allowed (`generate --missing`), in
//! every layout, sqlx's simple `V_name.sql` included.

use rollback_core::{EmptyDown, Layout, LoadError, LoadOptions, load_shown_as};

use crate::support::{DOWN, Folder, UP, shown};

const GENERATE: LoadOptions = LoadOptions {
    empty_down: EmptyDown::Irreversible,
    allow_missing_down: true,
};

fn folder() -> Folder {
    let folder = Folder::new();
    folder
        .write("1_simple.sql", UP)
        .write("2_pair.up.sql", UP)
        .write("2_pair.down.sql", DOWN)
        .write("3_dbmate.sql", format!("-- migrate:up\n{UP}"))
        .write("4_diesel/up.sql", UP)
        .write("5_flat.up.sql", UP);
    folder
}

#[test]
fn the_build_rule_refuses_ups_without_downs_and_names_the_way_out() {
    let errors = folder().errors();
    assert_eq!(errors.len(), 4, "{errors:#?}");
    for error in &errors {
        let message = error.to_string();
        assert!(
            message.contains("cargo rollback generate --missing --write"),
            "{message}"
        );
    }
    assert!(errors.iter().any(|error| matches!(
        error,
        LoadError::MissingDown { path, .. } if *path == shown("4_diesel/up.sql")
    )));
    let empty = Folder::new();
    empty
        .write("1_a.up.sql", UP)
        .write("1_a.down.sql", "-- later\n");
    let message = empty.errors()[0].to_string();
    assert!(
        message.contains("generate --missing") && message.contains("empty-down = \"irreversible\""),
        "{message}"
    );
}

#[test]
fn generate_reads_every_up_without_its_down() {
    let folder = folder();
    let loaded = load_shown_as(folder.path(), "migrations", &GENERATE).unwrap();
    let found: Vec<(String, Layout, String, String, bool)> = loaded
        .migrations
        .migrations()
        .iter()
        .map(|m| {
            (
                m.version().as_str().to_owned(),
                m.layout(),
                m.up_path().to_owned(),
                m.down_path().to_owned(),
                m.down().is_blank(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                "1",
                Layout::Simple,
                "1_simple.sql",
                "1_simple.down.sql",
                true
            ),
            ("2", Layout::Flat, "2_pair.up.sql", "2_pair.down.sql", false),
            (
                "3",
                Layout::SingleFile,
                "3_dbmate.sql",
                "3_dbmate.sql",
                true
            ),
            (
                "4",
                Layout::Directory,
                "4_diesel/up.sql",
                "4_diesel/down.sql",
                true
            ),
            ("5", Layout::Flat, "5_flat.up.sql", "5_flat.down.sql", true),
        ]
        .map(|(version, layout, up, down, blank)| {
            (version.to_owned(), layout, shown(up), shown(down), blank)
        })
    );
    let simple = &loaded.migrations.migrations()[0];
    assert_eq!(simple.up().sql(), UP);
    assert_eq!(loaded.migrations.migrations()[2].up().sql(), UP);
}
