//! Migration files for cargo-rollback, with no database in sight.
//!
//! This crate reads a migrations folder in any of the three layouts (sqlx's
//! `V_name.up.sql`/`.down.sql` pair, diesel's `V_name/up.sql` folder, dbmate's
//! single file with `-- migrate:up`/`-- migrate:down`), checks the rules that make
//! every migration reversible, and checksums each script. The proc-macro and the
//! runtime both build on it, so a folder that compiles is a folder the CLI
//! accepts, and the other way round.

mod checksum;
mod error;
mod migration;
mod script;
mod source;
#[cfg(feature = "sql")]
pub mod sql;
mod version;

pub use checksum::{CHECKSUM_ALGORITHM, checksum, normalize};
pub use error::{LoadError, LoadErrors, LoadWarning};
pub use migration::{Layout, Migration, MigrationSet};
pub use script::{Directives, Script, is_blank, read_directives};
pub use source::{EmptyDown, LoadOptions, Loaded, load, load_shown_as};
pub use version::{Version, VersionOrder, split_file_stem};
