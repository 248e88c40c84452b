//! Real migration folders from public projects (../shared/corpus), applied and
//! rolled back on SQLite through the binary. The corpus is other projects'
//! data and is not part of this repository: where it is absent the tests say
//! so and pass.

use std::path::PathBuf;

use crate::support::Project;

fn corpus(name: &str) -> Option<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    if !root.is_dir() {
        eprintln!("corpus tests skipped: {} is absent", root.display());
        return None;
    }
    Some(root.join(name))
}

/// Applies the whole folder, then `--all` back down; returns the
/// versions left applied and the rollback's run.
fn round_trip(
    name: &str,
    options: &[&str],
    expected: usize,
) -> Option<(Project, Vec<String>, crate::support::Run)> {
    let folder = corpus(name)?;
    let project = Project::new();
    let source = folder.to_str().unwrap();
    let url = project.url();
    let with = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--source", source, "--database-url", &url]);
        all.extend(options);
        project.run_bare(&all)
    };
    let up = with(&["up", "-q"]);
    up.success();
    let applied = |states: Vec<(String, String)>| -> Vec<String> {
        states
            .into_iter()
            .filter(|(_, state)| state == "applied")
            .map(|(version, _)| version)
            .collect()
    };
    let status = with(&["status", "--format", "json"]);
    assert_eq!(applied(status.states()).len(), expected, "{name}: applied");
    let down = with(&["--all", "-q"]);
    let left = applied(with(&["status", "--format", "json"]).states());
    Some((project, left, down))
}

/// Applies the whole folder and reverts all of it, leaving no user object.
fn reverts_completely(name: &str, expected: usize) {
    let Some((project, left, down)) = round_trip(name, &[], expected) else {
        return;
    };
    down.success();
    assert!(left.is_empty(), "{name}: {left:?}");
    assert!(
        project.schema().is_empty(),
        "{name}: {:?}",
        project.schema()
    );
}

#[test]
fn oxidrive_sqlite_applies_and_reverts_completely() {
    reverts_completely("oxidrive-sqlite", 8);
}

#[test]
fn ncps_dbmate_sqlite_applies_and_reverts_completely() {
    reverts_completely("ncps-dbmate-sqlite", 14);
}

#[test]
fn vaultwarden_sqlite_stops_at_its_first_irreversible_migration() {
    let options = [
        "--empty-down",
        "irreversible",
        "--init-sql",
        "PRAGMA foreign_keys = OFF",
    ];
    let Some((_project, left, down)) = round_trip("vaultwarden-sqlite", &options, 56) else {
        return;
    };
    down.code(3);
    assert!(
        down.stderr
            .contains("is irreversible: the down script is empty"),
        "{}",
        down.stderr
    );
    // Everything newer than the newest irreversible migration was reverted;
    // that one and everything older stayed.
    let newest_irreversible = left
        .last()
        .expect("the irreversible migration stays applied");
    let stopped_at = down.stderr.split_whitespace().nth(1).unwrap();
    assert_eq!(stopped_at, newest_irreversible, "{}", down.stderr);
    assert!(left.len() < 56, "nothing was reverted");
}
