//! Reversible SQL migrations applied in-process, on sqlx.
//!
//! An application embeds its migrations and applies them at startup:
//!
//! ```text
//! static MIGRATOR: rollback_runtime::Migrator = rollback_runtime::embed_migrations!("migrations");
//!
//! MIGRATOR.run(&std::env::var("DATABASE_URL")?).await?;
//! ```
//!
//! `cargo rollback` drives the same engine ([`Session`]) from the command
//! line. Every applied migration is stored with its down script and
//! checksums in `_rollback_migrations`; every operation is audited in
//! `_rollback_log`. A rollback is planned first ([`Session::plan_revert`]:
//! each down statement classified, with live figures of what it destroys),
//! backs up what its downs destroy inside the database before they run
//! ([`Session::backups`], [`Session::restore`]), and can be rehearsed
//! ([`RevertOptions::dry_run`]).

mod backup;
mod driver;
mod error;
mod execute;
mod generate;
mod migrator;
mod plan;
mod progress;
mod quote;
mod records;
mod schema;
mod session;
mod state;
mod telemetry;
#[cfg(test)]
mod test_servers;
mod url;
mod verify;

pub use backup::{Backup, BackupItem, BackupKind, BackupTarget, RestoreReport, RestoredItem};
pub use driver::ConnectOptions;
pub use driver::Limit;
pub use error::{Error, ErrorKind, Refusal, Result, StatementError, display_chain};
pub use generate::{
    GENERATED_HEADER, GenerateOptions, GeneratedDown, Uninvertible, generate_downs,
};
pub use migrator::{Migrator, Runner, Target};
pub use plan::{Impact, PlanStop, PlannedRevert, PlannedStatement, RollbackPlan};
pub use progress::{Event, Progress};
pub use records::{
    AppliedMigration, LOG_TABLE, LogEntry, MIGRATIONS_TABLE, Operation, Outcome, TOOL_VERSION,
};
pub use schema::{Difference, ObjectKey, Snapshot, diff, differences};
pub use session::{ApplyOptions, RepairMode, RevertOptions, Session, Step};
pub use state::{DownChoice, MigrationState, MigrationStatus, MissingPolicy, Selection, statuses};
pub use url::{DatabaseUrl, mask_password};
pub use verify::{
    MigrationReport, SCRATCH_PREFIX, VerifyOptions, VerifyReport, VerifyResult, verify, verify_with,
};

pub use rollback_core::sql::{Dialect, Effect, StatementClass, TableName};
pub use rollback_core::{
    EmptyDown, Layout, LoadError, LoadErrors, LoadOptions, LoadWarning, Loaded, Migration,
    MigrationSet, Script, Version, VersionOrder, load, load_shown_as, read_directives,
};
#[cfg(feature = "macros")]
pub use rollback_macros::embed_migrations;
