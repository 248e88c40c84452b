//! `cargo rollback lint [PATHS] [--since REF]`: the migration linter of
//! rollback-core over folders, single migrations or what changed in git,
//! with the severities of `[package.metadata.rollback.lint]`.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Result;
use rollback_runtime::Error;
use rollback_runtime::migration::{EmptyDown, LoadOptions, Migration};
use rollback_runtime::sql::Dialect;
use rollback_runtime::sql::lint::{Finding, Level, LintOptions, lint, rules};
use rollback_runtime::url::DatabaseUrl;
use serde_json::Value;

use clap::ValueEnum;

use crate::cli::{DialectArg, Format, GlobalArgs};
use crate::failure::{FAILED, SUCCESS, UsageError};
use crate::git::changed_since;
use crate::lint_output::{Summary, print};
use crate::output::{Output, print_line};
use crate::project::{self, Project};

/// What `lint` was asked.
pub struct LintArgs<'a> {
    /// Folders, migrations or files; empty: the project's folder.
    pub paths: &'a [PathBuf],
    /// `--since REF`.
    pub since: Option<&'a str>,
    /// `--dialect`.
    pub dialect: Option<DialectArg>,
}

/// Which migrations of a folder a path asks for.
#[derive(Debug, Default)]
struct Wanted {
    all: bool,
    /// Canonical files and diesel migration folders.
    parts: BTreeSet<PathBuf>,
}

pub fn run(global: &GlobalArgs, args: &LintArgs<'_>, output: Output) -> Result<u8> {
    let project = if args.paths.is_empty() {
        Project::resolve(global)?
    } else {
        Project::resolve_for_paths(global)?
    };
    let config = match &project.lint {
        Some((manifest, table)) => Config::read(manifest, table)?,
        None => Config::default(),
    };
    let mut options = LintOptions::new(dialect(global, args.dialect, config.dialect)?);
    for (key, level) in config.levels {
        options.set_level(&key, level).map_err(|message| {
            UsageError(format!(
                "{}: [package.metadata.rollback.lint] {key}: {message}",
                config.manifest
            ))
        })?;
    }
    let paths = if args.paths.is_empty() {
        vec![project.migrations.clone()]
    } else {
        args.paths.to_vec()
    };
    let changed = args.since.map(changed_since).transpose()?;
    let load_options = LoadOptions {
        empty_down: EmptyDown::Irreversible,
        ..LoadOptions::default()
    };
    let mut findings: Vec<Finding> = Vec::new();
    let mut linted = 0;
    for (folder, wanted) in folders(&paths)? {
        let loaded =
            rollback_runtime::migration::load(&folder, &load_options).map_err(Error::from)?;
        let selected = |migration: &Migration| {
            wanted.selects(migration)
                && changed.as_ref().is_none_or(|changed| {
                    files_of(migration)
                        .iter()
                        .any(|file| changed.contains(file))
                })
        };
        linted += loaded
            .migrations
            .migrations()
            .iter()
            .filter(|migration| selected(migration))
            .count();
        findings.extend(lint(&loaded.migrations, &options, &selected));
    }
    let summary = Summary::of(&findings, linted);
    print(&findings, &summary, output);
    Ok(if summary.errors > 0 { FAILED } else { SUCCESS })
}

/// `lint --rules`: every rule, with its examples in JSON.
pub fn list_rules(output: Output) -> Result<u8> {
    if output.format == Format::Json {
        output.json_value(&rules().collect::<Vec<_>>());
        return Ok(SUCCESS);
    }
    for rule in rules() {
        print_line(&format!(
            "{} {:<8} {:<36} {}",
            rule.code,
            rule.severity,
            rule.name,
            rule.dialects
                .iter()
                .map(|dialect| dialect.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    Ok(SUCCESS)
}

/// `[package.metadata.rollback.lint]`: `dialect`, and a level per code.
#[derive(Debug, Default)]
struct Config {
    manifest: String,
    dialect: Option<Dialect>,
    levels: Vec<(String, Level)>,
}

impl Config {
    fn read(manifest: &str, table: &Value) -> Result<Config> {
        let bad = |key: &str, message: String| -> anyhow::Error {
            UsageError(format!(
                "{manifest}: [package.metadata.rollback.lint] {key}: {message}"
            ))
            .into()
        };
        let Value::Object(entries) = table else {
            return Err(UsageError(format!(
                "{manifest}: [package.metadata.rollback.lint] must be a table, not {table}"
            ))
            .into());
        };
        let mut config = Config {
            manifest: manifest.to_owned(),
            ..Config::default()
        };
        for (key, value) in entries {
            let Value::String(value) = value else {
                return Err(bad(key, format!("must be a string, not {value}")));
            };
            if key == "dialect" {
                let parsed = DialectArg::from_str(value, false).ok().map(Dialect::from);
                config.dialect = Some(parsed.ok_or_else(|| {
                    bad(
                        key,
                        format!(
                            "invalid value `{value}` (expected `sqlite`, `postgres` or `mysql`)"
                        ),
                    )
                })?);
            } else {
                let level = value
                    .parse::<Level>()
                    .map_err(|message| bad(key, message))?;
                config.levels.push((key.clone(), level));
            }
        }
        Ok(config)
    }
}

/// `--dialect`, else the configured one, else the database URL's kind
/// (read, never connected to).
fn dialect(
    global: &GlobalArgs,
    flag: Option<DialectArg>,
    configured: Option<Dialect>,
) -> Result<Dialect> {
    if let Some(flag) = flag {
        return Ok(flag.into());
    }
    if let Some(dialect) = configured {
        return Ok(dialect);
    }
    match project::database_url(global) {
        Ok(url) => Ok(DatabaseUrl::parse(&url)?.dialect()),
        Err(_) => Err(UsageError(
            "lint needs to know the database: pass --dialect sqlite|postgres|mysql, set `dialect` in [package.metadata.rollback.lint], or set DATABASE_URL".to_owned(),
        )
        .into()),
    }
}

/// The migrations folders the paths are in, each with what is wanted of it.
fn folders(paths: &[PathBuf]) -> Result<Vec<(PathBuf, Wanted)>> {
    let mut folders: Vec<(PathBuf, PathBuf, Wanted)> = Vec::new();
    for path in paths {
        let canonical = fs::canonicalize(path).map_err(|_| {
            UsageError(format!(
                "{}: no such migration file or folder",
                path.display()
            ))
        })?;
        let migration_dir =
            path.is_dir() && (path.join("up.sql").is_file() || path.join("down.sql").is_file());
        let (folder, part) = if path.is_dir() && !migration_dir {
            (path.clone(), None)
        } else {
            let parent = path
                .parent()
                .filter(|parent| !parent.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            (parent.to_owned(), Some(canonical))
        };
        let key = fs::canonicalize(&folder)?;
        let at = match folders.iter().position(|(known, _, _)| *known == key) {
            Some(at) => at,
            None => {
                folders.push((key, folder, Wanted::default()));
                folders.len() - 1
            }
        };
        let wanted = &mut folders[at].2;
        match part {
            Some(part) => {
                wanted.parts.insert(part);
            }
            None => wanted.all = true,
        }
    }
    Ok(folders
        .into_iter()
        .map(|(_, folder, wanted)| (folder, wanted))
        .collect())
}

/// A migration's files (and its diesel folder), canonicalized.
fn files_of(migration: &Migration) -> Vec<PathBuf> {
    let files = [migration.up_path(), migration.down_path()].map(Path::new);
    files
        .iter()
        .chain(
            files[0]
                .parent()
                .filter(|_| files[0].ends_with("up.sql"))
                .iter(),
        )
        .filter_map(|file| fs::canonicalize(file).ok())
        .collect()
}

impl Wanted {
    fn selects(&self, migration: &Migration) -> bool {
        self.all
            || files_of(migration)
                .iter()
                .any(|file| self.parts.contains(file))
    }
}
