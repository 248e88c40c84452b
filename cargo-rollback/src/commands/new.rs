//! `cargo rollback new NAME`: write a migration's up and down files.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::Utc;
use rollback_runtime::migration::{
    EmptyDown, Layout, LoadOptions, Migration, MigrationSet, VersionOrder,
};
use serde::Serialize;

use super::generate::{self, GenerateArgs};
use crate::cli::{DownArg, GlobalArgs, LayoutArg};
use crate::failure::{SUCCESS, UsageError};
use crate::output::Output;
use crate::project::Project;

// The files `new` writes are kept as files in `templates/`, to be read and
// edited as the SQL they are; each is compiled in where it is named.

/// The up, until the person writes it.
const UP_TEMPLATE: &str = include_str!("../../templates/up.sql");

/// The down starts as comments only, which `embed_migrations!` and
/// `cargo rollback check` reject: a migration is not done until its down is.
const DOWN_TEMPLATE: &str = include_str!("../../templates/down.sql");

/// The down `new --down auto` writes until `generate` replaces it: comments
/// only, so that the build fails until the down is generated.
const AUTO_DOWN_TEMPLATE: &str = include_str!("../../templates/down-auto.sql");

/// `new`'s options.
pub struct NewArgs<'a> {
    /// The migration's name.
    pub name: &'a str,
    /// The file layout, if chosen.
    pub layout: Option<LayoutArg>,
    /// `--down auto`.
    pub down: Option<DownArg>,
    /// Where the up's SQL comes from (`-`: standard input).
    pub up: Option<&'a Path>,
}

#[derive(Serialize)]
struct Created {
    version: String,
    name: String,
    files: Vec<PathBuf>,
    /// `generate`'s document, for `--down auto --up FILE`.
    #[serde(skip_serializing_if = "Option::is_none")]
    generated: Option<serde_json::Value>,
}

pub async fn run(global: &GlobalArgs, args: &NewArgs<'_>, output: Output) -> Result<u8> {
    let name = migration_name(args.name)?;
    let up = args.up.map(read_up).transpose()?;
    let auto = args.down == Some(DownArg::Auto);
    let project = Project::resolve(global)?;
    let dir = &project.migrations;
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    // The folder as it is, with the downs that earlier `new`s left empty.
    let existing = rollback_runtime::migration::load(
        dir,
        &LoadOptions {
            empty_down: EmptyDown::Irreversible,
            allow_missing_down: true,
        },
    )
    .ok()
    .map(|loaded| loaded.migrations);
    let version = next_version(existing.as_ref());
    let layout = args
        .layout
        .unwrap_or_else(|| folder_layout(existing.as_ref()));
    let stem = format!("{version}_{name}");
    let up_text = up.as_deref().unwrap_or(UP_TEMPLATE);
    let down_text = if auto {
        AUTO_DOWN_TEMPLATE
    } else {
        DOWN_TEMPLATE
    };
    let files = match layout {
        LayoutArg::Flat => vec![
            write_new(&dir.join(format!("{stem}.up.sql")), up_text)?,
            write_new(&dir.join(format!("{stem}.down.sql")), down_text)?,
        ],
        LayoutArg::Dir => {
            let folder = dir.join(&stem);
            fs::create_dir(&folder).with_context(|| format!("creating {}", folder.display()))?;
            vec![
                write_new(&folder.join("up.sql"), up_text)?,
                write_new(&folder.join("down.sql"), down_text)?,
            ]
        }
        LayoutArg::Single => vec![write_new(
            &dir.join(format!("{stem}.sql")),
            &format!("-- migrate:up\n{up_text}\n-- migrate:down\n{down_text}"),
        )?],
    };
    let up_file = files[0].clone();
    let mut created = Created {
        version,
        name,
        files,
        generated: None,
    };
    if !output.json() {
        for file in &created.files {
            output.say(&format!("Created {}", file.display()));
        }
    }
    if !auto || up.is_none() {
        if output.json() {
            output.json_value(&created);
        } else if auto {
            output.say(&format!(
                "Write the up in {0}, then run `cargo rollback generate {0} --write`",
                up_file.display()
            ));
        }
        return Ok(SUCCESS);
    }
    let how = GenerateArgs {
        up_file: &up_file,
        write: true,
        allow_partial: false,
        allow_irreversible: false,
    };
    let outcome = generate::produce(global, &how).await?;
    if output.json() {
        created.generated = Some(serde_json::to_value(outcome.document())?);
        output.json_value(&created);
    } else {
        outcome.show(&how, output);
    }
    Ok(outcome.exit_code())
}

/// The up's SQL from a file, or standard input for `-`.
fn read_up(path: &Path) -> Result<String> {
    if path == Path::new("-") {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
            .context("reading the up from standard input")?;
        return Ok(text);
    }
    fs::read_to_string(path).map_err(|error| {
        UsageError(format!("cannot read the up {}: {error}", path.display())).into()
    })
}

/// Spaces become underscores (as sqlx does); a path separator is refused.
fn migration_name(name: &str) -> Result<String> {
    let name = name.split_whitespace().collect::<Vec<_>>().join("_");
    if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
        return Err(UsageError(format!(
            "invalid migration name `{name}`: use letters, digits and underscores, such as create_users"
        ))
        .into());
    }
    Ok(name)
}

/// A UTC timestamp (`20260112093000`), or the next integer when the folder
/// counts in small integers (`0007` → `0008`, keeping the width), as sqlx does.
fn next_version(existing: Option<&MigrationSet>) -> String {
    let newest = existing
        .and_then(|set| set.migrations().last())
        .map(|m| m.version());
    match (existing.map(MigrationSet::order), newest) {
        (Some(VersionOrder::Integer), Some(newest)) => {
            let digits = newest.digits();
            let next = digits.parse::<u128>().map_or(1, |n| n + 1).to_string();
            format!("{next:0>width$}", width = digits.len())
        }
        (_, newest) => {
            let now = Utc::now().format("%Y%m%d%H%M%S").to_string();
            // Two `new` in the same second must still get increasing versions.
            match newest {
                Some(newest) if newest.digits() >= now.as_str() => {
                    (newest.digits().parse::<u128>().unwrap_or(0) + 1).to_string()
                }
                _ => now,
            }
        }
    }
}

/// The layout of the folder's newest migration: a diesel folder gets another
/// diesel folder. Flat for an empty folder.
fn folder_layout(existing: Option<&MigrationSet>) -> LayoutArg {
    match existing
        .and_then(|set| set.migrations().last())
        .map(Migration::layout)
    {
        Some(Layout::Directory) => LayoutArg::Dir,
        Some(Layout::SingleFile) => LayoutArg::Single,
        Some(Layout::Flat | Layout::Simple) | None => LayoutArg::Flat,
    }
}

fn write_new(path: &Path, contents: &str) -> Result<PathBuf> {
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .and_then(|mut file| std::io::Write::write_all(&mut file, contents.as_bytes()))
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(path.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_cleaned_or_refused() {
        assert_eq!(migration_name("create users").unwrap(), "create_users");
        assert!(migration_name("a/b").is_err());
        assert!(migration_name("  ").is_err());
    }
}
