//! What the integration tests of rollback-core share.

use std::path::{Path, PathBuf};

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
