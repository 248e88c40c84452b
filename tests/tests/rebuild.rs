//! `embed_migrations!` never leaves stale SQL in a binary: editing a migration
//! rebuilds the crate (each file is included with `include_str!`), and adding
//! one does too once `cargo rollback init` has written its build.rs line.
//!
//! This builds a real crate with a real cargo, in its own target folder under
//! `target/tmp` (kept between runs, so only the first run compiles sqlx-core).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

/// A crate that prints the name and up script of each embedded migration.
fn write_probe(dir: &Path, with_build_rs: bool) {
    let runtime = workspace().join("rollback-runtime");
    fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"rebuild-probe\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n\
             [dependencies]\nrollback-runtime = {{ path = {runtime:?}, default-features = false, features = [\"macros\"] }}\n\n\
             [workspace]\n"
        ),
    )
    .unwrap();
    // The workspace's lock file pins the same versions, so the build needs no network.
    fs::copy(workspace().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    fs::create_dir_all(dir.join("src")).unwrap();
    fs::write(
        dir.join("src/main.rs"),
        "static MIGRATOR: rollback_runtime::Migrator = rollback_runtime::embed_migrations!(\"migrations\");\n\
         fn main() {\n    for m in MIGRATOR.migrations().migrations() {\n        println!(\"{} {}\", m.name(), m.up().sql().trim());\n    }\n}\n",
    )
    .unwrap();
    if with_build_rs {
        fs::write(
            dir.join("build.rs"),
            "fn main() {\n    println!(\"cargo:rerun-if-changed=migrations\");\n}\n",
        )
        .unwrap();
    }
    write_migration(dir, "1_first", "SELECT 1;");
}

fn write_migration(dir: &Path, stem: &str, up: &str) {
    let migrations = dir.join("migrations");
    fs::create_dir_all(&migrations).unwrap();
    fs::write(migrations.join(format!("{stem}.up.sql")), up).unwrap();
    fs::write(migrations.join(format!("{stem}.down.sql")), "SELECT 0;").unwrap();
}

/// Builds and runs the probe; returns what it printed.
fn build_and_run(dir: &Path) -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args(["run", "--quiet", "--offline"])
        .current_dir(dir)
        .env(
            "CARGO_TARGET_DIR",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("rebuild-probe"),
        )
        .env_remove("RUSTFLAGS")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "cargo run failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Waits until the file system's clock has moved past the last build.
fn tick() {
    std::thread::sleep(std::time::Duration::from_millis(1100));
}

#[test]
fn edits_and_additions_reach_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    write_probe(dir.path(), true);
    assert_eq!(build_and_run(dir.path()), "first SELECT 1;\n");

    tick();
    write_migration(dir.path(), "1_first", "SELECT 2;");
    assert_eq!(
        build_and_run(dir.path()),
        "first SELECT 2;\n",
        "an edited migration was not rebuilt"
    );

    tick();
    write_migration(dir.path(), "2_second", "SELECT 3;");
    assert_eq!(
        build_and_run(dir.path()),
        "first SELECT 2;\nsecond SELECT 3;\n",
        "an added migration was not rebuilt despite the build.rs line"
    );
}
