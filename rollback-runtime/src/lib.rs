//! Reversible SQL migrations applied in-process, on sqlx.
//!
//! An application embeds its migrations and applies them at startup:
//!
//! ```no_run
//! static MIGRATOR: rollback_runtime::Migrator = rollback_runtime::embed_migrations!("../examples/shop/migrations");
//!
//! # async fn start() -> rollback_runtime::Result<()> {
//! let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| "sqlite:app.db".to_owned());
//! MIGRATOR.run(&url).await?;
//! # Ok(())
//! # }
//! ```
//!
//! The crate root is what an application uses. Every applied migration is
//! stored with its down script and checksums in `_rollback_migrations`;
//! every operation is audited in `_rollback_log`.
//!
//! `cargo rollback` drives the same engine from the command line, through
//! the modules below, which are the API for tools: [`session`] (a
//! connection and the operations on it), [`plan`] (what a rollback will do,
//! with live figures), [`backup`] (the data a rollback's downs destroy,
//! copied first, and restores), [`verify`](mod@verify) and [`generate`] (proving and
//! writing downs on scratch databases), [`schema`] (snapshots and their
//! differences), [`state`] (each migration's state), [`records`] (the
//! tracking and audit rows), [`progress`] (events of a run), [`url`],
//! [`error`], and [`migration`] and [`sql`] (the migration files and SQL
//! analysis of `rollback-core`). Everything that knows one database lives
//! in a private folder per database; see docs/architecture.md.

pub mod adopt;
pub mod backup;
mod dialect;
pub mod error;
mod execute;
pub mod generate;
mod migrator;
pub mod plan;
pub mod progress;
pub mod records;
pub mod schema;
pub mod session;
pub mod state;
mod target;
mod telemetry;
#[cfg(any(test, feature = "test-util"))]
pub mod test_util;
pub mod url;
pub mod verify;

pub use adopt::AdoptFrom;
pub use error::{Error, ErrorKind, Result};
pub use migrator::{Migrator, Runner};
#[cfg(feature = "macros")]
pub use rollback_macros::embed_migrations;
pub use session::Step;
pub use state::{DownChoice, MissingPolicy, Selection};
pub use target::Target;
pub use verify::{VerifyReport, verify};

/// The migrations themselves, as `rollback-core` reads them from a folder
/// (or `embed_migrations!` embeds them): versions, scripts, checksums.
pub mod migration {
    pub use rollback_core::{
        EmptyDown, Layout, LoadError, LoadErrors, LoadOptions, LoadWarning, Loaded, Migration,
        MigrationSet, Script, Version, VersionOrder, load, load_shown_as, read_directives,
    };
}

/// What `rollback-core` reads from SQL: dialects, statement classes and
/// their effects, table names, and the migration linter (`lint`).
pub mod sql {
    pub use rollback_core::sql::{Dialect, Effect, StatementClass, TableName, lint};
}
