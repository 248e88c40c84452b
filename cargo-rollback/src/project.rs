//! Where the migrations are and how to read them: `--source`, else the
//! package found through `cargo metadata` and its `[package.metadata.rollback]`.

use std::env;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result};
use cargo_metadata::{Metadata, MetadataCommand, Package};
use rollback_runtime::Error;
use rollback_runtime::migration::{EmptyDown, LoadOptions, LoadWarning, MigrationSet};
use serde_json::Value;

use crate::age::parse_age;
use crate::cli::{EmptyDownArg, GlobalArgs};
use crate::failure::{UsageError, warn};
use crate::output::Output;

const DEFAULT_FOLDER: &str = "migrations";

/// The settings a command runs with, after the command line and
/// `[package.metadata.rollback]` are merged (the command line wins).
#[derive(Debug)]
pub struct Project {
    /// The migrations folder.
    pub migrations: PathBuf,
    /// The package directory, when there is a package.
    pub package_dir: Option<PathBuf>,
    /// `empty-down`.
    pub empty_down: EmptyDown,
    /// `init-sql`.
    pub init_sql: Option<String>,
    /// `backup-database`: where MySQL's backup copies go.
    pub backup_database: Option<String>,
    /// `backup-retention`: how long backups are kept.
    pub backup_retention: Option<Duration>,
    /// `[package.metadata.rollback.lint]`, with the manifest it is in (for messages).
    pub lint: Option<(String, Value)>,
}

/// `[package.metadata.rollback]`.
#[derive(Debug, Default)]
struct PackageConfig {
    migrations: Option<String>,
    empty_down: Option<EmptyDown>,
    init_sql: Option<String>,
    backup_database: Option<String>,
    backup_retention: Option<Duration>,
    lint: Option<(String, Value)>,
}

impl Project {
    /// Resolves the project for the current directory.
    pub fn resolve(global: &GlobalArgs) -> Result<Project> {
        Project::resolve_where(global, global.source.is_some())
    }

    /// Resolves the settings for a command given its folders on the command
    /// line (`lint PATHS`): as with `--source`, the package only adds its
    /// settings, if one can be told.
    pub fn resolve_for_paths(global: &GlobalArgs) -> Result<Project> {
        Project::resolve_where(global, true)
    }

    fn resolve_where(global: &GlobalArgs, folder_given: bool) -> Result<Project> {
        let package = if folder_given && global.package.is_none() {
            // The folder is given; a package only adds its settings, if there is one.
            find_manifest()
                .and_then(|_| metadata().ok())
                .and_then(|metadata| select_package(&metadata, None).ok().cloned())
        } else {
            let metadata = metadata()?;
            Some(select_package(&metadata, global.package.as_deref())?.clone())
        };
        let package_dir = package
            .as_ref()
            .and_then(|package| package.manifest_path.parent())
            .map(|dir| dir.as_std_path().to_owned());
        let config = match &package {
            Some(package) => read_config(package)?,
            None => PackageConfig::default(),
        };
        let migrations = match (&global.source, &package_dir) {
            (Some(source), _) => source.clone(),
            (None, Some(dir)) => dir.join(config.migrations.as_deref().unwrap_or(DEFAULT_FOLDER)),
            (None, None) => PathBuf::from(DEFAULT_FOLDER),
        };
        let empty_down = match global.empty_down {
            Some(EmptyDownArg::Error) => EmptyDown::Error,
            Some(EmptyDownArg::Irreversible) => EmptyDown::Irreversible,
            None => config.empty_down.unwrap_or_default(),
        };
        Ok(Project {
            migrations: relative_to_cwd(migrations),
            package_dir,
            empty_down,
            init_sql: global.init_sql.clone().or(config.init_sql),
            backup_database: config.backup_database,
            backup_retention: config.backup_retention,
            lint: config.lint,
        })
    }

    /// Reads the migrations folder, printing its warnings.
    pub fn load_migrations(&self, output: Output) -> Result<MigrationSet> {
        output.detail(&format!("migrations: {}", self.migrations.display()));
        let options = LoadOptions {
            empty_down: self.empty_down,
            ..LoadOptions::default()
        };
        let loaded =
            rollback_runtime::migration::load(&self.migrations, &options).map_err(Error::from)?;
        if !output.quiet {
            warn_once(&loaded.warnings);
        }
        Ok(loaded.migrations)
    }
}

/// The folder's warnings, the empty downs accepted as irreversible in one
/// line however many there are: every command reads the folder, and a
/// folder adopted with many empty downs would otherwise bury each
/// command's output under them. `cargo rollback check` lists them all.
fn warn_once(warnings: &[LoadWarning]) {
    let empty: Vec<&str> = warnings
        .iter()
        .filter_map(|warning| match warning {
            LoadWarning::EmptyDownIrreversible { path } => Some(path.as_str()),
            _ => None,
        })
        .collect();
    for warning in warnings {
        if !matches!(warning, LoadWarning::EmptyDownIrreversible { .. }) {
            warn(&warning.to_string());
        }
    }
    let Some(first) = empty.first() else {
        return;
    };
    let others = match empty.len() - 1 {
        0 => String::new(),
        more => format!(" and {more} more"),
    };
    warn(&format!(
        "{} empty, so irreversible (empty-down = \"irreversible\"): {first}{others}; `cargo rollback check` lists them, `cargo rollback generate --missing --write` writes their downs",
        if empty.len() == 1 {
            "1 down is".to_owned()
        } else {
            format!("{} downs are", empty.len())
        }
    ));
}

fn find_manifest() -> Option<PathBuf> {
    let cwd = env::current_dir().ok()?;
    cwd.ancestors()
        .map(|dir| dir.join("Cargo.toml"))
        .find(|manifest| manifest.is_file())
}

fn metadata() -> Result<Metadata> {
    if find_manifest().is_none() {
        let cwd = env::current_dir().context("reading the current directory")?;
        return Err(UsageError(format!(
            "no Cargo.toml in {} or any parent: run inside a cargo project, or pass --source DIR",
            cwd.display()
        ))
        .into());
    }
    MetadataCommand::new().no_deps().exec().map_err(|error| {
        UsageError(format!(
            "cannot read the cargo workspace (pass --source DIR outside one): {error}"
        ))
        .into()
    })
}

/// `-p NAME`, else the member whose folder holds the current directory (the
/// deepest, as cargo does), else the root package, else the one workspace
/// member that has migrations.
fn select_package<'m>(metadata: &'m Metadata, name: Option<&str>) -> Result<&'m Package> {
    let members = metadata.workspace_packages();
    if let Some(name) = name {
        return members
            .into_iter()
            .find(|package| package.name.as_str() == name)
            .ok_or_else(|| {
                UsageError(format!("package `{name}` is not a member of the workspace")).into()
            });
    }
    let cwd = env::current_dir().context("reading the current directory")?;
    if let Some(package) = members
        .iter()
        .filter(|package| {
            package
                .manifest_path
                .parent()
                .is_some_and(|dir| cwd.starts_with(dir.as_std_path()))
        })
        .max_by_key(|package| package.manifest_path.as_str().len())
    {
        return Ok(package);
    }
    if let Some(root) = metadata.root_package() {
        return Ok(root);
    }
    let with_migrations: Vec<&Package> = members
        .into_iter()
        .filter(|package| {
            package.metadata.get("rollback").is_some()
                || package
                    .manifest_path
                    .parent()
                    .is_some_and(|dir| dir.join(DEFAULT_FOLDER).is_dir())
        })
        .collect();
    match with_migrations.as_slice() {
        [package] => Ok(package),
        [] => Err(UsageError(
            "no workspace member has a migrations folder: pass --source DIR or -p PACKAGE"
                .to_owned(),
        )
        .into()),
        several => Err(UsageError(format!(
            "several workspace members have migrations ({}): pick one with -p",
            several
                .iter()
                .map(|package| package.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))
        .into()),
    }
}

fn read_config(package: &Package) -> Result<PackageConfig> {
    let Some(table) = package.metadata.get("rollback") else {
        return Ok(PackageConfig::default());
    };
    let manifest = &package.manifest_path;
    let text = |key: &str| -> Result<Option<String>> {
        match table.get(key) {
            None => Ok(None),
            Some(Value::String(value)) => Ok(Some(value.clone())),
            Some(other) => Err(UsageError(format!(
                "{manifest}: [package.metadata.rollback] {key} must be a string, not {other}"
            ))
            .into()),
        }
    };
    let empty_down = text("empty-down")?
        .map(|value| value.parse::<EmptyDown>())
        .transpose()
        .map_err(|message| {
            UsageError(format!("{manifest}: [package.metadata.rollback] {message}"))
        })?;
    let backup_retention = text("backup-retention")?
        .map(|value| parse_age(&value))
        .transpose()
        .map_err(|message| {
            UsageError(format!(
                "{manifest}: [package.metadata.rollback] backup-retention: {message}"
            ))
        })?;
    Ok(PackageConfig {
        migrations: text("migrations")?,
        empty_down,
        init_sql: text("init-sql")?,
        backup_database: text("backup-database")?,
        backup_retention,
        lint: table
            .get("lint")
            .map(|lint| (manifest.to_string(), lint.clone())),
    })
}

/// Shows paths as the user would type them: relative to the current directory when inside it.
fn relative_to_cwd(path: PathBuf) -> PathBuf {
    let Ok(cwd) = env::current_dir() else {
        return path;
    };
    match path.strip_prefix(&cwd) {
        Ok(relative) if relative.as_os_str().is_empty() => PathBuf::from("."),
        Ok(relative) => relative.to_owned(),
        Err(_) => path,
    }
}

/// The database URL: `--database-url`, else `DATABASE_URL` (the environment
/// or `.env`).
pub fn database_url(global: &GlobalArgs) -> Result<String> {
    global
        .database_url
        .clone()
        .or_else(|| env::var("DATABASE_URL").ok().filter(|url| !url.is_empty()))
        .ok_or_else(|| {
            UsageError(
                "no database URL: pass --database-url or set DATABASE_URL (a .env file works too)"
                    .to_owned(),
            )
            .into()
        })
}
