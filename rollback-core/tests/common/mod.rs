//! What the integration tests of rollback-core share.

use std::path::{Path, PathBuf};

use rollback_core::{EmptyDown, LoadOptions, Loaded, load_shown_as};

/// A folder of `shared/corpus` beside the repository root. The corpus is not
/// part of the repository; when it is absent the corpus tests say so and pass.
pub fn corpus(name: &str) -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    if !root.is_dir() {
        println!(
            "corpus tests skipped: {} does not exist (the corpus lives beside the repository, not in it)",
            root.display()
        );
        return None;
    }
    let dir = root.join(name);
    assert!(dir.is_dir(), "{} is missing from the corpus", dir.display());
    Some(dir)
}

/// The corpus folder `name` read with `empty_down`, its files named
/// `name/<file>` in messages and paths; `None` when the corpus is absent. A
/// folder that does not load fails the test.
pub fn load_corpus(name: &str, empty_down: EmptyDown) -> Option<Loaded> {
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
