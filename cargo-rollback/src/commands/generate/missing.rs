//! `cargo rollback generate --missing [--write]`: the down of every
//! migration of the folder that has none (no file, an empty one, sqlx's
//! simple migration, a dbmate file without its down section), generated and
//! proved in one replay, each from the schema the migrations before it
//! produce. Each is reported verified, partial or cannot invert; `--write`
//! writes those accepted, `--allow-irreversible` marks the rest
//! irreversible so that the folder builds.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Result;
use rollback_runtime::generate::GeneratedDown;
use rollback_runtime::migration::Migration;
use rollback_runtime::verify::VerifyResult;
use serde::Serialize;

use super::files::{lacks_down, write};
use super::verdict::{Allowances, Verdict, exit_code, failure_reason, irreversible_down};
use super::{generate, load, warn_cannot_invert};
use crate::cli::{Format, GlobalArgs};
use crate::output::{Output, print_line};
use crate::project::{Project, database_url};
use crate::wording::{label, migrations};

/// `generate --missing`'s options.
pub struct MissingArgs {
    /// Write the downs accepted.
    pub write: bool,
    /// Accept partial downs.
    pub allow_partial: bool,
    /// Mark irreversible the migrations no down restores.
    pub allow_irreversible: bool,
}

/// One migration that lacked its down, and what became of it.
#[derive(Serialize)]
struct Entry {
    version: String,
    name: String,
    /// Where its down goes.
    down_path: String,
    verdict: Verdict,
    /// Why no down restores the schema, when none does.
    reason: Option<String>,
    /// The generated down and its round trip; none when it was not
    /// generated (an earlier up failed).
    generated: Option<GeneratedDown>,
    /// The text written or that would be written; none when nothing would.
    text: Option<String>,
    written: Option<PathBuf>,
    marked_irreversible: bool,
}

pub async fn run(global: &GlobalArgs, args: &MissingArgs, output: Output) -> Result<u8> {
    let project = Project::resolve(global)?;
    let set = load(&project)?;
    let lacking: Vec<&Migration> = set
        .migrations()
        .iter()
        .filter(|migration| lacks_down(migration))
        .collect();
    let allowances = Allowances {
        partial: args.allow_partial,
        irreversible: args.allow_irreversible,
    };
    if lacking.is_empty() {
        if output.json() {
            output.json_value(&Vec::<Entry>::new());
        } else {
            output.say("Every migration has its down: nothing to generate.");
        }
        return Ok(exit_code([], allowances));
    }
    let url = database_url(global)?;
    let generated = generate(global, &project, &set, &lacking, &url).await?;
    // The replay stops at an up that fails: the downs after it are not generated.
    let mut generated = generated.into_iter();
    let mut up_failed: Option<String> = None;
    let mut entries = Vec::with_capacity(lacking.len());
    for migration in &lacking {
        let entry = match generated.next() {
            Some(down) => {
                if down.verification.result == VerifyResult::Error {
                    up_failed = Some(migration.to_string());
                }
                judged(migration, down, allowances)
            }
            None => not_generated(migration, up_failed.as_deref(), allowances),
        };
        entries.push(entry);
    }
    if args.write {
        for (migration, entry) in lacking.iter().zip(&mut entries) {
            if let Some(text) = &entry.text {
                entry.written = Some(write(migration, text)?);
            }
        }
    }
    if output.json() {
        output.json_value(&entries);
    } else {
        show(&entries, args, output);
    }
    Ok(exit_code(
        entries.iter().map(|entry| entry.verdict),
        allowances,
    ))
}

/// The entry of a migration whose down was generated.
fn judged(migration: &Migration, down: GeneratedDown, allowances: Allowances) -> Entry {
    let verdict = Verdict::of(&down);
    let reason = (verdict == Verdict::CannotInvert).then(|| failure_reason(&down));
    let text = match verdict {
        _ if !allowances.accepts(verdict) => None,
        Verdict::CannotInvert => reason
            .as_deref()
            .map(|reason| irreversible_down(migration, reason)),
        Verdict::Verified | Verdict::Partial => Some(down.down.clone()),
    };
    Entry {
        version: migration.version().as_str().to_owned(),
        name: migration.name().to_owned(),
        down_path: migration.down_path().to_owned(),
        marked_irreversible: verdict == Verdict::CannotInvert && text.is_some(),
        verdict,
        reason,
        generated: Some(down),
        text,
        written: None,
    }
}

/// The entry of a migration after an up that failed: nothing builds on it.
fn not_generated(migration: &Migration, after: Option<&str>, allowances: Allowances) -> Entry {
    let reason = format!(
        "not generated: it builds on {}, whose up failed in the scratch database",
        after.unwrap_or("an earlier migration")
    );
    let text = allowances
        .irreversible
        .then(|| irreversible_down(migration, &reason));
    Entry {
        version: migration.version().as_str().to_owned(),
        name: migration.name().to_owned(),
        down_path: migration.down_path().to_owned(),
        verdict: Verdict::CannotInvert,
        marked_irreversible: text.is_some(),
        reason: Some(reason),
        generated: None,
        text,
        written: None,
    }
}

/// Without `--write`, each down that would be written on stdout under a
/// comment naming its file; on stderr a line per migration, the statements
/// that cannot be inverted, and a count.
fn show(entries: &[Entry], args: &MissingArgs, output: Output) {
    if !args.write && output.format == Format::Human {
        for entry in entries {
            let text = entry
                .text
                .as_deref()
                .or_else(|| entry.generated.as_ref().map(|down| down.down.as_str()))
                .filter(|text| !text.is_empty());
            if let Some(text) = text {
                print_line(&format!(
                    "-- file: {}\n{}\n",
                    entry.down_path,
                    text.trim_end()
                ));
            }
        }
    }
    for entry in entries {
        for uninvertible in entry.generated.iter().flat_map(|down| &down.cannot_invert) {
            let place = format!(
                "{} {}: line {}",
                entry.version, entry.name, uninvertible.line
            );
            warn_cannot_invert(&place, uninvertible);
        }
    }
    if output.quiet {
        return;
    }
    let mut lines: Vec<String> = entries.iter().map(|entry| line(entry, args)).collect();
    let count = |verdict: Verdict| {
        entries
            .iter()
            .filter(|entry| entry.verdict == verdict)
            .count()
    };
    let written = entries
        .iter()
        .filter(|entry| entry.written.is_some())
        .count();
    lines.push(format!(
        "{} without a down: {} verified, {} partial, {} cannot invert; {}",
        migrations(entries.len()),
        count(Verdict::Verified),
        count(Verdict::Partial),
        count(Verdict::CannotInvert),
        if args.write {
            format!("wrote {written}")
        } else {
            "nothing written (--write writes them)".to_owned()
        }
    ));
    let _ = writeln!(anstream::stderr().lock(), "{}", lines.join("\n"));
}

/// One migration's line: its verdict, why, and what was done.
fn line(entry: &Entry, args: &MissingArgs) -> String {
    let what = label(&entry.version, &entry.name);
    let reason = entry
        .reason
        .as_deref()
        .map(|reason| format!(": {reason}"))
        .unwrap_or_default();
    let done = match (&entry.written, entry.marked_irreversible) {
        (Some(path), true) => format!("; wrote {} marking it irreversible", shown(path)),
        (Some(path), false) => format!("; wrote {}", shown(path)),
        (None, _) if !args.write => String::new(),
        (None, _) => match entry.verdict {
            Verdict::Partial => "; not written (--allow-partial accepts it)".to_owned(),
            _ => "; not written (--allow-irreversible marks it irreversible)".to_owned(),
        },
    };
    format!("{:<13} {what}{reason}{done}", entry.verdict.as_str())
}

fn shown(path: &Path) -> String {
    path.display().to_string()
}
