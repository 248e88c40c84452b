//! `cargo rollback generate UP_FILE [--write]`: the down for an up, inverted
//! from its statements, what they remove read back from a scratch database
//! built by the earlier migrations, and proved by `verify`'s round trip
//! before anything is written (DESIGN §7). `generate --missing` does it for
//! every migration of the folder that lacks its down, in one run
//! (`missing.rs`).
//!
//! Without `--write` the down goes to stdout, the verdict to stderr, so
//! `generate up.sql > down.sql` works and nothing is changed. With it, the
//! down file is written only when the round trip passed and every statement
//! was inverted (or `--allow-partial` accepts the `-- rollback: cannot
//! invert:` lines), and only over a down that holds no SQL or that
//! `generate` wrote before: a hand-written down is never overwritten.
//! `--allow-irreversible` writes a down that marks the migration
//! irreversible where none restores the schema.

mod files;
pub mod missing;
mod verdict;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Result;
use rollback_runtime::generate::{GenerateOptions, GeneratedDown, Uninvertible, generate_downs};
use rollback_runtime::migration::{EmptyDown, LoadOptions, Migration, MigrationSet};
use serde::Serialize;

use crate::cli::{Format, GlobalArgs};
use crate::failure::{UsageError, warn};
use crate::output::{Output, print_line};
use crate::project::{Project, database_url};
use verdict::{Allowances, Verdict, exit_code, failure_reason, irreversible_down};

/// `generate`'s options.
pub struct GenerateArgs<'a> {
    /// The up script.
    pub up_file: &'a Path,
    /// Write the down file.
    pub write: bool,
    /// Write it even with statements that cannot be inverted.
    pub allow_partial: bool,
    /// Where no down restores the schema, write one that marks the
    /// migration irreversible.
    pub allow_irreversible: bool,
}

impl GenerateArgs<'_> {
    fn allowances(&self) -> Allowances {
        Allowances {
            partial: self.allow_partial,
            irreversible: self.allow_irreversible,
        }
    }
}

/// The JSON document: the generated down, its verdict, and where it was
/// written.
#[derive(Serialize)]
struct Generated<'a> {
    #[serde(flatten)]
    down: &'a GeneratedDown,
    verdict: Verdict,
    written: Option<&'a Path>,
    marked_irreversible: bool,
}

/// What a `generate` run produced.
pub struct Outcome {
    /// The down and its verdict.
    pub down: GeneratedDown,
    /// The migration it is for.
    pub migration: Migration,
    /// Where it was written, if it was.
    pub written: Option<PathBuf>,
    /// Whether what was written marks the migration irreversible.
    pub marked_irreversible: bool,
    allowances: Allowances,
}

impl Outcome {
    /// The JSON document.
    pub fn document(&self) -> impl Serialize + '_ {
        Generated {
            down: &self.down,
            verdict: Verdict::of(&self.down),
            written: self.written.as_deref(),
            marked_irreversible: self.marked_irreversible,
        }
    }

    /// The exit code: 0 for a down that is accepted, 4 (`PARTIAL`) for a
    /// partial one that is not, 1 when no down restores the schema.
    pub fn exit_code(&self) -> u8 {
        exit_code([Verdict::of(&self.down)], self.allowances)
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

/// Generates the down, and writes it when asked and accepted.
pub async fn produce(global: &GlobalArgs, args: &GenerateArgs<'_>) -> Result<Outcome> {
    let project = Project::resolve(global)?;
    let set = load(&project)?;
    let migration = find(&set, args.up_file, &project.migrations)?.clone();
    if args.write {
        files::writable(&migration)?;
    }
    let url = database_url(global)?;
    let generated = generate(global, &project, &set, &[&migration], &url).await?;
    let Some(down) = generated.into_iter().next() else {
        anyhow::bail!("no down was generated for {migration}");
    };
    let verdict = Verdict::of(&down);
    let allowances = args.allowances();
    let (written, marked_irreversible) = if args.write && allowances.accepts(verdict) {
        let irreversible = verdict == Verdict::CannotInvert;
        let text = if irreversible {
            irreversible_down(&migration, &failure_reason(&down))
        } else {
            down.down.clone()
        };
        (Some(files::write(&migration, &text)?), irreversible)
    } else {
        (None, false)
    };
    Ok(Outcome {
        down,
        migration,
        written,
        marked_irreversible,
        allowances,
    })
}

/// Generates the downs of `migrations` in one replay, Ctrl-C dropping the
/// scratch database.
async fn generate(
    global: &GlobalArgs,
    project: &Project,
    set: &MigrationSet,
    migrations: &[&Migration],
    url: &str,
) -> Result<Vec<GeneratedDown>> {
    let options = GenerateOptions::new()
        .init_sql(project.init_sql.clone())
        .statement_timeout(global.statement_timeout);
    let versions: Vec<_> = migrations
        .iter()
        .map(|migration| migration.version().clone())
        .collect();
    let mut ignore = |_: &GeneratedDown| {};
    let generating = generate_downs(set, &versions, url, &options, &mut ignore);
    tokio::select! {
        generated = generating => Ok(generated?),
        _ = tokio::signal::ctrl_c() => {
            anyhow::bail!("generate interrupted; its scratch database was dropped")
        }
    }
}

/// The folder, with downs that are missing or empty (the ones to generate),
/// and sqlx's simple migrations (an up with no down).
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

fn show(outcome: &Outcome, args: &GenerateArgs<'_>, output: Output) {
    let Outcome {
        down,
        migration,
        written,
        marked_irreversible,
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
        let place = format!("{}:{}", migration.up_path(), uninvertible.line);
        warn_cannot_invert(&place, uninvertible);
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
                "{}some statements cannot be inverted (exit 4): --allow-partial accepts the down with its `-- rollback: cannot invert:` lines",
                if args.write { "not written: " } else { "" }
            ),
        ),
        None => {}
    }
    if *marked_irreversible {
        lines.push(
            "the down written marks the migration irreversible (--allow-irreversible)".to_owned(),
        );
    }
    let _ = writeln!(anstream::stderr().lock(), "{}", lines.join("\n"));
}

/// Warns of a statement of the up that the generated down cannot undo,
/// at `place` (where the up says it), on one line.
fn warn_cannot_invert(place: &str, uninvertible: &Uninvertible) {
    let statement = uninvertible
        .statement
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    warn(&format!(
        "{place}: cannot invert `{statement}`: {}",
        uninvertible.reason
    ));
}
