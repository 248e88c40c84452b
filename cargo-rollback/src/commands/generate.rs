//! `cargo rollback generate UP_FILE [--write]`: the down for an up, inverted
//! from its statements, what they remove read back from a scratch database
//! built by the earlier migrations, and proved by `verify`'s round trip
//! before anything is written (DESIGN §7).
//!
//! Without `--write` the down goes to stdout, the verdict to stderr, so
//! `generate up.sql > down.sql` works and nothing is changed. With it, the
//! down file is written only when the round trip passed and every statement
//! was inverted (or `--allow-partial` accepts the `-- rollback: cannot
//! invert:` lines), and only over a down that holds no SQL or that
//! `generate` wrote before: a hand-written down is never overwritten.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use rollback_runtime::generate::{
    GENERATED_HEADER, GenerateOptions, GeneratedDown, generate_downs,
};
use rollback_runtime::migration::{
    EmptyDown, Layout, LoadOptions, Migration, MigrationSet, read_directives,
};
use serde::Serialize;

use crate::cli::{Format, GlobalArgs};
use crate::failure::{FAILED, RefusedError, SUCCESS, UsageError, warn};
use crate::output::{Output, print_line};
use crate::project::{Project, database_url};

/// `generate`'s options.
pub struct GenerateArgs<'a> {
    /// The up script.
    pub up_file: &'a Path,
    /// Write the down file.
    pub write: bool,
    /// Write it even with statements that cannot be inverted.
    pub allow_partial: bool,
}

/// The JSON document: the generated down, and where it was written.
#[derive(Serialize)]
struct Generated<'a> {
    #[serde(flatten)]
    down: &'a GeneratedDown,
    written: Option<&'a Path>,
}

/// What a `generate` run produced.
pub struct Outcome {
    /// The down and its verdict.
    pub down: GeneratedDown,
    /// The migration it is for.
    pub migration: Migration,
    /// Where it was written, if it was.
    pub written: Option<PathBuf>,
    /// Whether it is fit to be written: verified, and complete unless
    /// `--allow-partial`.
    pub fit: bool,
}

impl Outcome {
    /// The JSON document.
    pub fn document(&self) -> impl Serialize + '_ {
        Generated {
            down: &self.down,
            written: self.written.as_deref(),
        }
    }

    /// The exit code: a down that is not fit fails the run.
    pub fn exit_code(&self) -> u8 {
        if self.fit { SUCCESS } else { FAILED }
    }

    /// The down on stdout (unless written), the verdict on stderr.
    pub fn show(&self, args: &GenerateArgs<'_>, output: Output) {
        show(self, args, output);
    }
}

pub async fn run(global: &GlobalArgs, args: &GenerateArgs<'_>, output: Output) -> Result<u8> {
    let outcome = produce(global, args).await?;
    if output.json() {
        output.json_value(&outcome.document());
    } else {
        outcome.show(args, output);
    }
    Ok(outcome.exit_code())
}

/// Generates the down, and writes it when asked and fit.
pub async fn produce(global: &GlobalArgs, args: &GenerateArgs<'_>) -> Result<Outcome> {
    let project = Project::resolve(global)?;
    let set = load(&project)?;
    let migration = find(&set, args.up_file, &project.migrations)?.clone();
    let destination = PathBuf::from(migration.down_path());
    if args.write {
        writable(&migration, &destination)?;
    }
    let url = database_url(global)?;
    let options = GenerateOptions::new()
        .init_sql(project.init_sql.clone())
        .statement_timeout(global.statement_timeout);
    let mut ignore = |_: &GeneratedDown| {};
    let generating = generate_downs(
        &set,
        std::slice::from_ref(migration.version()),
        &url,
        &options,
        &mut ignore,
    );
    let generated = tokio::select! {
        generated = generating => generated?,
        _ = tokio::signal::ctrl_c() => {
            anyhow::bail!("generate interrupted; its scratch database was dropped")
        }
    };
    let Some(down) = generated.into_iter().next() else {
        anyhow::bail!("no down was generated for {migration}");
    };
    let fit = down.verified() && (down.complete() || args.allow_partial);
    let written = if args.write && fit {
        write(&migration, &destination, &down.down)?;
        Some(destination)
    } else {
        None
    };
    Ok(Outcome {
        down,
        migration,
        written,
        fit,
    })
}

/// The folder, with downs that are missing or empty (the ones to generate).
fn load(project: &Project) -> Result<MigrationSet> {
    let options = LoadOptions {
        empty_down: EmptyDown::Irreversible,
        allow_missing_down: true,
    };
    let loaded = rollback_runtime::migration::load(&project.migrations, &options)
        .map_err(rollback_runtime::Error::from)?;
    Ok(loaded.migrations)
}

/// The migration whose up is `up_file`.
fn find<'a>(set: &'a MigrationSet, up_file: &Path, folder: &Path) -> Result<&'a Migration> {
    let wanted = fs::canonicalize(up_file)
        .map_err(|error| UsageError(format!("cannot read {}: {error}", up_file.display())))?;
    set.migrations()
        .iter()
        .find(|migration| fs::canonicalize(migration.up_path()).is_ok_and(|up| up == wanted))
        .ok_or_else(|| {
            UsageError(format!(
                "{} is not the up script of a migration in {}: generate writes the down of a migration of the folder (`cargo rollback new NAME --down auto` creates one)",
                up_file.display(),
                folder.display()
            ))
            .into()
        })
}

/// Refuses, before any work, to overwrite a down written by hand or one
/// that declares the migration irreversible.
fn writable(migration: &Migration, destination: &Path) -> Result<()> {
    let down = migration.down().sql();
    let declared_irreversible = read_directives(down).is_ok_and(|d| d.irreversible.is_some());
    let hand_written = !migration.down().is_blank() && !down.starts_with(GENERATED_HEADER);
    if declared_irreversible || hand_written {
        return Err(RefusedError(format!(
            "{} already holds a down{}; generate writes only over a down with no SQL or one it wrote (without --write it prints its own, to compare)",
            destination.display(),
            if declared_irreversible {
                " that marks the migration irreversible"
            } else {
                " written by hand"
            }
        ))
        .into());
    }
    Ok(())
}

/// Writes the down file; a dbmate file gets its `-- migrate:down` section replaced.
fn write(migration: &Migration, destination: &Path, down: &str) -> Result<()> {
    let text = match migration.layout() {
        Layout::SingleFile => {
            let file = fs::read_to_string(destination)
                .with_context(|| format!("reading {}", destination.display()))?;
            with_down_section(&file, down).ok_or_else(|| {
                UsageError(format!(
                    "{} has no `-- migrate:down` line to write the down after",
                    destination.display()
                ))
            })?
        }
        Layout::Flat | Layout::Directory => down.to_owned(),
    };
    fs::write(destination, text).with_context(|| format!("writing {}", destination.display()))
}

/// `file` with everything after its `-- migrate:down` line replaced by `down`.
fn with_down_section(file: &str, down: &str) -> Option<String> {
    let mut offset = 0;
    for line in file.split_inclusive('\n') {
        offset += line.len();
        if line.trim().eq_ignore_ascii_case("-- migrate:down") {
            let mut text = file[..offset].to_owned();
            if !text.ends_with('\n') {
                text.push('\n');
            }
            text.push_str(down);
            return Some(text);
        }
    }
    None
}

fn show(outcome: &Outcome, args: &GenerateArgs<'_>, output: Output) {
    let Outcome {
        down,
        migration,
        written,
        ..
    } = outcome;
    let report = &down.verification;
    if !down.down.is_empty() && written.is_none() && output.format == Format::Human {
        print_line(down.down.trim_end());
    }
    if let Some(error) = &report.error {
        warn(&format!("{migration}: {error}"));
        return;
    }
    for uninvertible in &down.cannot_invert {
        warn(&format!(
            "{}:{}: cannot invert `{}`: {}",
            migration.up_path(),
            uninvertible.line,
            uninvertible
                .statement
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
            uninvertible.reason
        ));
    }
    if output.quiet {
        return;
    }
    let mut lines = Vec::new();
    if down.verified() {
        lines.push(format!(
            "verified: up, this down and up again leave the schema as it was ({:.2}s)",
            report.seconds
        ));
    } else {
        lines.push(format!(
            "FAILED: the generated down does not restore the schema{}:",
            if args.write {
                "; it was not written"
            } else {
                ""
            }
        ));
        lines.extend(report.diff.iter().map(|line| format!("  {line}")));
    }
    lines.extend(report.notes.iter().map(|note| format!("note: {note}")));
    lines.extend(
        down.not_restored
            .iter()
            .map(|what| format!("not restored by the down: {what}")),
    );
    match written {
        Some(path) => lines.push(format!("wrote {}", path.display())),
        None if down.verified() && !down.complete() && !args.allow_partial => lines.push(
            format!(
                "{}some statements cannot be inverted: --allow-partial accepts the down with its `-- rollback: cannot invert:` lines",
                if args.write { "not written: " } else { "" }
            ),
        ),
        None => {}
    }
    let _ = writeln!(anstream::stderr().lock(), "{}", lines.join("\n"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_down_section_is_replaced() {
        let file = "-- migrate:up\nCREATE TABLE t (a int);\n\n-- migrate:down\n-- to do\n";
        assert_eq!(
            with_down_section(file, "DROP TABLE t;\n").as_deref(),
            Some("-- migrate:up\nCREATE TABLE t (a int);\n\n-- migrate:down\nDROP TABLE t;\n")
        );
        assert_eq!(with_down_section("CREATE TABLE t (a int);\n", "x"), None);
    }
}
