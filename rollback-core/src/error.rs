//! Why a migrations folder cannot be read, and what it holds that is not a migration.

use std::fmt;

/// One problem found while reading a migrations folder. Every message names
/// the file (or the two files) it is about.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The folder itself is absent.
    #[error("migrations folder {path} does not exist")]
    MissingFolder {
        /// The folder as named.
        path: String,
    },
    /// Reading a file or folder failed.
    #[error("cannot read {path}: {message}")]
    Io {
        /// The file or folder.
        path: String,
        /// The operating system's message.
        message: String,
    },
    /// A file or folder name that is not UTF-8 where a migration is expected.
    #[error("{path}: file name is not valid UTF-8")]
    NonUtf8Name {
        /// The name, lossily converted.
        path: String,
    },
    /// A script that is not UTF-8 text.
    #[error(
        "{path}: not valid UTF-8 text (invalid byte at offset {offset}); migration scripts must be UTF-8"
    )]
    NonUtf8Text {
        /// The file.
        path: String,
        /// Byte offset of the first invalid sequence.
        offset: usize,
    },
    /// A file shaped like a migration whose name does not start with a version.
    #[error("{path}: name does not start with a version (expected e.g. {example})")]
    MalformedName {
        /// The file.
        path: String,
        /// A well-formed name for the same layout.
        example: String,
    },
    /// An up script without its down.
    #[error(
        "{path} has no down script: create {expected}, or let `cargo rollback generate --missing --write` write and prove it"
    )]
    MissingDown {
        /// The up file.
        path: String,
        /// The down file that should exist.
        expected: String,
    },
    /// A down script without its up.
    #[error("{path} has no up script: create {expected}")]
    MissingUp {
        /// The down file.
        path: String,
        /// The up file that should exist.
        expected: String,
    },
    /// A single-file migration without both markers, in order.
    #[error("{path}: {message}")]
    Markers {
        /// The file.
        path: String,
        /// What is wrong with the markers.
        message: String,
    },
    /// A down script with nothing to run and no `-- rollback:irreversible`.
    #[error(
        "{path}: down script is empty; write the statements that undo the up (`cargo rollback generate --missing --write` writes and proves them), mark it `-- rollback:irreversible <reason>`, or accept empty downs as irreversible with the `empty-down = \"irreversible\"` setting"
    )]
    EmptyDown {
        /// The down file.
        path: String,
    },
    /// A directive that is unknown or out of place.
    #[error("{path}: {message}")]
    Directive {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A diesel `metadata.toml` that cannot be read.
    #[error("{path}: invalid metadata: {message}")]
    Metadata {
        /// The metadata file.
        path: String,
        /// The TOML parser's message.
        message: String,
    },
    /// Two migrations with the same version.
    #[error(
        "version {version} is used by two migrations: {first} and {second}; give one of them a new version"
    )]
    DuplicateVersion {
        /// The version.
        version: String,
        /// One migration's file.
        first: String,
        /// The other migration's file.
        second: String,
    },
    /// Two versions written differently with the same digits.
    #[error(
        "{first} and {second} have versions with the same digits ({digits}); give one of them a new version"
    )]
    SameDigits {
        /// One migration's file.
        first: String,
        /// The other migration's file.
        second: String,
        /// The shared digits.
        digits: String,
    },
}

/// Every problem found in one folder, so that a build or a CI run lists them
/// all at once rather than one per attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadErrors(pub Vec<LoadError>);

impl fmt::Display for LoadErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, error) in self.0.iter().enumerate() {
            if index > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadErrors {}

/// Something in the folder that is accepted but deserves a look.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LoadWarning {
    /// A `.sql` file with no version and no `-- migrate:` markers: seed data,
    /// a backfill script, a dump. Skipped.
    NotAMigration {
        /// The file.
        path: String,
    },
    /// An empty down accepted as irreversible under `empty-down = "irreversible"`.
    EmptyDownIrreversible {
        /// The down file.
        path: String,
    },
}

impl fmt::Display for LoadWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadWarning::NotAMigration { path } => write!(
                f,
                "skipped {path}: no version in its name and no `-- migrate:` markers, so it is not a migration"
            ),
            LoadWarning::EmptyDownIrreversible { path } => write!(
                f,
                "{path} is empty: the migration is irreversible (empty-down = \"irreversible\")"
            ),
        }
    }
}
