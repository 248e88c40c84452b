//! What the topics of the load tests share: a temporary migrations folder
//! and short ways to read what loading it gives.

use std::fs;
use std::path::Path;

use rollback_core::{
    EmptyDown, LoadError, LoadErrors, LoadOptions, Loaded, Migration, load_shown_as,
};
use tempfile::TempDir;

/// How files are named in messages and in `up_path`/`down_path`.
pub(crate) const SHOWN: &str = "migrations";

/// A temporary migrations folder.
pub(crate) struct Folder {
    dir: TempDir,
}

impl Folder {
    pub(crate) fn new() -> Folder {
        Folder {
            dir: tempfile::tempdir().expect("create a temporary folder"),
        }
    }

    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `relative` (creating its parent folders) with `content`.
    pub(crate) fn write(&self, relative: &str, content: impl AsRef<[u8]>) -> &Folder {
        let path = self.path().join(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, content).unwrap();
        self
    }

    pub(crate) fn mkdir(&self, relative: &str) -> &Folder {
        fs::create_dir_all(self.path().join(relative)).unwrap();
        self
    }

    pub(crate) fn load_with(&self, empty_down: EmptyDown) -> Result<Loaded, LoadErrors> {
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
    pub(crate) fn ok(&self) -> Loaded {
        self.ok_with(EmptyDown::Error)
    }

    pub(crate) fn ok_with(&self, empty_down: EmptyDown) -> Loaded {
        match self.load_with(empty_down) {
            Ok(loaded) => loaded,
            Err(errors) => panic!("expected the folder to load, got:\n{errors}"),
        }
    }

    /// Loads with the default options and expects failure.
    pub(crate) fn errors(&self) -> Vec<LoadError> {
        self.errors_with(EmptyDown::Error)
    }

    pub(crate) fn errors_with(&self, empty_down: EmptyDown) -> Vec<LoadError> {
        match self.load_with(empty_down) {
            Ok(loaded) => panic!("expected errors, the folder loaded: {:?}", names(&loaded)),
            Err(LoadErrors(errors)) => {
                assert!(!errors.is_empty(), "LoadErrors must not be empty");
                errors
            }
        }
    }

    /// Expects exactly one error and returns it.
    pub(crate) fn error(&self) -> LoadError {
        let mut errors = self.errors();
        assert_eq!(errors.len(), 1, "expected one error, got {errors:#?}");
        errors.pop().unwrap()
    }
}

pub(crate) fn shown(relative: &str) -> String {
    format!("{SHOWN}/{relative}")
}

/// The message of `error` names `relative` (as shown under [`SHOWN`]).
#[track_caller]
pub(crate) fn assert_names(error: &LoadError, relative: &str) {
    let message = error.to_string();
    let file = shown(relative);
    assert!(
        message.contains(&file),
        "message `{message}` does not name {file}"
    );
}

/// `version name` of each migration, in order.
pub(crate) fn names(loaded: &Loaded) -> Vec<String> {
    loaded
        .migrations
        .migrations()
        .iter()
        .map(Migration::to_string)
        .collect()
}

pub(crate) fn versions(loaded: &Loaded) -> Vec<&str> {
    loaded
        .migrations
        .migrations()
        .iter()
        .map(|m| m.version().as_str())
        .collect()
}

pub(crate) fn only(loaded: &Loaded) -> &Migration {
    let migrations = loaded.migrations.migrations();
    assert_eq!(
        migrations.len(),
        1,
        "expected one migration: {:?}",
        names(loaded)
    );
    &migrations[0]
}

pub(crate) const UP: &str = "CREATE TABLE users (id INTEGER PRIMARY KEY);\n";
pub(crate) const DOWN: &str = "DROP TABLE users;\n";

pub(crate) fn single(up: &str, down: &str) -> String {
    format!("-- migrate:up\n{up}\n-- migrate:down\n{down}")
}
