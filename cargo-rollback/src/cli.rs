//! The command line, as clap sees it.

use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use clap_complete::Shell;
use rollback_runtime::sql::Dialect;

/// Reversible, verified SQL migrations: apply, inspect and roll back.
///
/// With no subcommand, rolls back: the newest applied migration, or the ones
/// chosen with VERSION, --last, --to or --all.
#[derive(Debug, Parser)]
#[command(
    name = "cargo-rollback",
    bin_name = "cargo rollback",
    version,
    after_help = "Exit codes: 0 done, 1 failed, 2 bad usage or input, 3 refused by a safety check."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub revert: RevertArgs,
}

/// Options every command accepts.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Database URL: sqlite:FILE, postgres://…, mysql://… [default: $DATABASE_URL, also read from .env]
    #[arg(long, global = true, value_name = "URL")]
    pub database_url: Option<String>,

    /// Migrations folder [default: `migrations` of the package, or
    /// `[package.metadata.rollback] migrations` in its Cargo.toml]
    #[arg(long, global = true, value_name = "DIR")]
    pub source: Option<PathBuf>,

    /// The workspace package whose migrations to use
    #[arg(short = 'p', long, global = true, value_name = "SPEC")]
    pub package: Option<String>,

    /// Output format
    #[arg(long, global = true, value_enum, value_name = "FORMAT")]
    pub format: Option<Format>,

    /// What an empty down script means [default: error, or `empty-down` in
    /// `[package.metadata.rollback]`]
    #[arg(long, global = true, value_enum, value_name = "MODE")]
    pub empty_down: Option<EmptyDownArg>,

    /// SQL run on every connection before any migration (e.g. `PRAGMA
    /// foreign_keys = OFF`) [default: `init-sql` in `[package.metadata.rollback]`]
    #[arg(long, global = true, value_name = "SQL")]
    pub init_sql: Option<String>,

    /// How long to wait for another run's migration lock, and for a lock a
    /// statement needs, in seconds
    #[arg(long, global = true, value_name = "SECONDS", value_parser = parse_seconds, default_value = "60")]
    pub lock_timeout: Duration,

    /// How long one statement may run before the database cancels it, in
    /// seconds [default: no limit]
    #[arg(long, global = true, value_name = "SECONDS", value_parser = parse_seconds)]
    pub statement_timeout: Option<Duration>,

    /// Answer yes to every confirmation: a rollback without a terminal to
    /// confirm at needs it
    #[arg(short = 'y', long, global = true)]
    pub yes: bool,

    /// When to use colors (NO_COLOR and CARGO_TERM_COLOR are respected)
    #[arg(long, global = true, value_enum, value_name = "WHEN")]
    pub color: Option<ColorWhen>,

    /// Print more (the database and folder used)
    #[arg(short, long, global = true, conflicts_with = "quiet")]
    pub verbose: bool,

    /// Print only errors (and the data asked for)
    #[arg(short, long, global = true)]
    pub quiet: bool,

    #[command(flatten)]
    pub fleet: FleetArgs,
}

/// Running a command on many databases at once.
#[derive(Debug, Args)]
pub struct FleetArgs {
    /// Run the command on every database listed in FILE: one URL a line,
    /// `#` comments; `-` reads standard input. A PostgreSQL URL may name a
    /// schema with `?schema=NAME`
    #[arg(
        long,
        global = true,
        value_name = "FILE",
        conflicts_with = "database_url"
    )]
    pub targets: Option<PathBuf>,

    /// With --targets: how many databases to work on at once [default: twice
    /// the CPUs, at least 4, at most 16]
    #[arg(long, global = true, value_name = "N", requires = "targets")]
    pub parallel: Option<NonZeroUsize>,

    /// With --targets: go on with the other databases after one fails
    /// (by default none starts after the first failure)
    #[arg(long, global = true, requires = "targets")]
    pub continue_on_error: bool,
}

/// The rollback's own options.
#[derive(Debug, Args)]
pub struct RevertArgs {
    #[command(flatten)]
    pub selection: SelectionArgs,

    /// Do not copy the data the downs destroy before they run
    #[arg(long)]
    pub no_backup: bool,

    /// Rehearse: run the whole rollback in a transaction, report timings and
    /// errors, then roll it back (PostgreSQL, SQLite; MySQL prints the plan)
    #[arg(long)]
    pub dry_run: bool,

    /// SQLite: also copy the whole database to this new file first (VACUUM INTO)
    #[arg(long, value_name = "FILE")]
    pub snapshot: Option<PathBuf>,

    /// MySQL, MariaDB: keep the backup copies in this database (created if
    /// missing), out of reach of grants on the data's database [default:
    /// `backup-database` in `[package.metadata.rollback]`, else beside the tables]
    #[arg(long, value_name = "NAME")]
    pub backup_database: Option<String>,
}

impl RevertArgs {
    /// Whether any rollback option was given: global options may come before
    /// a subcommand, these may not.
    pub fn any_given(&self) -> bool {
        self.selection.any_given()
            || self.no_backup
            || self.dry_run
            || self.snapshot.is_some()
            || self.backup_database.is_some()
    }
}

/// Which migrations a rollback (or its plan) reverts.
#[derive(Debug, Args)]
pub struct SelectionArgs {
    /// Revert only this migration (with newer ones applied, only with --out-of-order)
    #[arg(id = "target_version", value_name = "VERSION", conflicts_with_all = ["last", "to", "all"])]
    pub version: Option<String>,

    /// Revert the N most recently applied migrations
    #[arg(long, value_name = "N", conflicts_with_all = ["to", "all"])]
    pub last: Option<NonZeroUsize>,

    /// Revert every migration newer than V; V itself stays applied
    #[arg(long, value_name = "V", conflicts_with = "all")]
    pub to: Option<String>,

    /// Revert every applied migration
    #[arg(long)]
    pub all: bool,

    /// Allow reverting VERSION while newer migrations stay applied
    #[arg(long, requires = "target_version")]
    pub out_of_order: bool,

    /// When a down file differs from the down stored at apply time, run the file
    #[arg(long, conflicts_with = "use_stored")]
    pub use_file: bool,

    /// When a down file differs from the down stored at apply time, run the stored one
    #[arg(long)]
    pub use_stored: bool,
}

impl SelectionArgs {
    fn any_given(&self) -> bool {
        self.version.is_some()
            || self.last.is_some()
            || self.to.is_some()
            || self.all
            || self.out_of_order
            || self.use_file
            || self.use_stored
    }
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply pending migrations (creates a SQLite file that does not exist)
    Up {
        /// Apply up to and including this version
        #[arg(long, value_name = "V")]
        to: Option<String>,
        /// Apply even though the database has migrations the folder lacks
        #[arg(long)]
        ignore_missing: bool,
        /// Rehearse: apply in a transaction, report timings and errors, then
        /// roll it back (PostgreSQL, SQLite)
        #[arg(long)]
        dry_run: bool,
    },
    /// Show what a rollback would run, what it destroys and what it backs up
    Plan {
        #[command(flatten)]
        selection: SelectionArgs,
        /// Plan without backups
        #[arg(long)]
        no_backup: bool,
        /// MySQL, MariaDB: plan the copies in this database (see the rollback's option)
        #[arg(long, value_name = "NAME")]
        backup_database: Option<String>,
    },
    /// List the backups rollbacks took, or drop one
    Backups {
        #[command(subcommand)]
        action: Option<BackupsAction>,
    },
    /// Put a backup's data back, once its migration is applied again
    Restore {
        /// The backup [default: the newest]
        id: Option<i64>,
    },
    /// Show every migration: applied, pending, modified, missing or dirty
    Status,
    /// Create a new migration with its up and down files
    New {
        /// What the migration does, e.g. create_users
        name: String,
        /// File layout [default: the layout of the newest migration, else flat]
        #[arg(long, value_enum)]
        layout: Option<LayoutArg>,
        /// `auto`: the down is generated from the up (`cargo rollback
        /// generate`); with --up at once, else once the up is written
        #[arg(long, value_enum, value_name = "HOW")]
        down: Option<DownArg>,
        /// Take the up's SQL from this file (`-`: standard input)
        #[arg(long, value_name = "FILE", requires = "down")]
        up: Option<PathBuf>,
    },
    /// Write the down for an up: its statements inverted, what they remove
    /// read back from a scratch database, proved by verify's round trip
    Generate {
        /// The up script of a migration in the folder
        #[arg(required_unless_present = "missing", conflicts_with = "missing")]
        up_file: Option<PathBuf>,
        /// Every migration of the folder whose down is missing or empty, in
        /// one run (sqlx's simple `V_name.sql` ups too)
        #[arg(long)]
        missing: bool,
        /// Write the down file (only a verified one, and never over a down
        /// written by hand)
        #[arg(long)]
        write: bool,
        /// Write it even when some statements cannot be inverted (they
        /// become `-- rollback: cannot invert:` lines); else exit 4
        #[arg(long)]
        allow_partial: bool,
        /// Where no generated down restores the schema, write one that marks
        /// the migration `-- rollback:irreversible`, so the folder builds
        #[arg(long, requires = "write")]
        allow_irreversible: bool,
    },
    /// Check the migrations folder: pairs, versions, empty downs, directives
    Check,
    /// Check migrations before they run: data loss, breaking renames, long
    /// locks, statements that fail on real data, transaction boundaries
    /// (rules and codes: docs/lint.md)
    #[command(
        after_help = "Exit codes: 0 no error-level finding, 1 an error-level finding, 2 bad input."
    )]
    Lint {
        /// Migration folders, migrations (a diesel folder) or migration files
        /// [default: the project's migrations folder]
        paths: Vec<PathBuf>,
        /// Lint only the migrations added or changed since this git revision
        #[arg(long, value_name = "REF")]
        since: Option<String>,
        /// The database the SQL is written for [default: `dialect` in
        /// `[package.metadata.rollback.lint]`, else DATABASE_URL's]
        #[arg(long, value_enum)]
        dialect: Option<DialectArg>,
        /// List the rules instead (with their examples in --format json)
        #[arg(long, conflicts_with_all = ["paths", "since"])]
        rules: bool,
    },
    /// Show the audit log of applies, reverts, restores and repairs
    Log {
        /// How many of the newest entries to show
        #[arg(long, default_value = "50")]
        limit: u32,
    },
    /// Settle a dirty or modified migration after checking the schema by hand
    Repair {
        /// The migration to settle
        version: String,
        /// Forget the migration instead: the schema is as before its up
        #[arg(long)]
        pending: bool,
    },
    /// Finish a dirty migration: run the rest of its script from the
    /// statement it reached (`status` shows which), once what stopped it is
    /// fixed, then record it applied (a dirty up) or reverted (a dirty down)
    Resume {
        /// The dirty migration
        version: String,
        /// Start at this statement instead (1-based): one past the reached
        /// statement when you have seen that it did take effect
        #[arg(long, value_name = "N")]
        from: Option<i64>,
    },
    /// Write the build.rs line that rebuilds the crate when a migration is added
    Init,
    /// Prove that every down undoes its up, in a scratch database beside
    /// DATABASE_URL's (which is never changed)
    Verify {
        /// Check from this version on; older migrations are applied unchecked
        #[arg(long, value_name = "V")]
        from: Option<String>,
    },
    /// Take over a database another tool migrated: record the migrations it
    /// applied (with the folder's downs) after checking its records and the
    /// schema against a scratch replay; its own table is left as it is
    Adopt {
        /// The tool that migrated the database [default: the one whose
        /// tracking table the database has]
        #[arg(long, value_enum, value_name = "TOOL")]
        from: Option<ToolArg>,
        /// Show what would be recorded and the schema check; change nothing
        #[arg(long)]
        dry_run: bool,
        /// Record even though the schema differs from a replay of the
        /// migrations (the differences are shown, and the audit log keeps them)
        #[arg(long)]
        accept_drift: bool,
    },
    /// Print the shell's completion script for cargo-rollback
    ///
    /// For example: `cargo rollback completions bash >
    /// ~/.local/share/bash-completion/completions/cargo-rollback`
    Completions {
        /// The shell
        #[arg(value_enum)]
        shell: Shell,
    },
}

/// `backups` subcommands.
#[derive(Debug, Subcommand)]
pub enum BackupsAction {
    /// Drop a backup's copies (asks first, like a rollback)
    Drop {
        /// The backup
        id: i64,
    },
    /// Delete old backups for good (asks first): those older than a duration,
    /// beyond the newest N, or both [default: `backup-retention` in
    /// `[package.metadata.rollback]`]
    Prune {
        /// Delete backups taken longer ago than this: 30d, 12h, 90m, 2w
        #[arg(long, value_name = "DURATION")]
        older_than: Option<String>,
        /// Keep the N newest backups (one per migration a rollback reverted), whatever their age
        #[arg(long, value_name = "N")]
        keep: Option<usize>,
    },
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people
    Human,
    /// For programs
    Json,
    /// A rollback plan for a reviewer (`plan` only)
    Markdown,
    /// JUnit XML, one test case per migration (`verify` only)
    Junit,
    /// SARIF 2.1.0, for code scanning (`lint` only)
    Sarif,
    /// GitHub Actions workflow annotations (`lint` only)
    Github,
}

/// `lint --dialect`, and `dialect` in `[package.metadata.rollback.lint]`:
/// one list of names for both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DialectArg {
    /// SQLite
    Sqlite,
    /// PostgreSQL
    #[value(alias = "postgresql")]
    Postgres,
    /// MySQL and MariaDB
    #[value(alias = "mariadb")]
    Mysql,
}

impl From<DialectArg> for Dialect {
    fn from(arg: DialectArg) -> Dialect {
        match arg {
            DialectArg::Sqlite => Dialect::Sqlite,
            DialectArg::Postgres => Dialect::Postgres,
            DialectArg::Mysql => Dialect::MySql,
        }
    }
}

/// `--empty-down`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EmptyDownArg {
    /// An empty down is an error
    Error,
    /// An empty down makes its migration irreversible
    Irreversible,
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    /// Colors on a terminal
    Auto,
    /// Always colors
    Always,
    /// No colors
    Never,
}

/// `adopt --from`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ToolArg {
    /// sqlx-cli or `sqlx::migrate!` (`_sqlx_migrations`)
    Sqlx,
    /// diesel_cli or diesel_migrations (`__diesel_schema_migrations`)
    Diesel,
    /// dbmate (`schema_migrations` without `dirty`)
    Dbmate,
    /// golang-migrate (`schema_migrations` with `dirty`)
    GolangMigrate,
    /// refinery (`refinery_schema_history`)
    Refinery,
}

/// `new --down`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DownArg {
    /// Generated from the up and verified
    Auto,
}

/// `new --layout`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LayoutArg {
    /// NAME.up.sql and NAME.down.sql
    Flat,
    /// NAME/up.sql and NAME/down.sql
    Dir,
    /// NAME.sql with -- migrate:up and -- migrate:down
    Single,
}

fn parse_seconds(value: &str) -> Result<Duration, String> {
    let seconds: f64 = value
        .parse()
        .map_err(|_| format!("`{value}` is not a number of seconds"))?;
    Duration::try_from_secs_f64(seconds)
        .map_err(|_| format!("`{value}` is not a duration in seconds"))
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn lock_timeout_takes_fractional_seconds() {
        assert_eq!(parse_seconds("1.5").unwrap(), Duration::from_millis(1500));
        assert!(parse_seconds("-1").is_err());
        assert!(parse_seconds("soon").is_err());
    }
}
