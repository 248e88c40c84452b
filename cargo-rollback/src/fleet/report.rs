//! What a fleet run prints: a line per target as it finishes (a JSON object
//! with `--format json`), a bar across the targets at a terminal, and a
//! summary: how many were done, failed and skipped, the failures' errors,
//! and for `status` the targets grouped by their newest migration. Only the
//! counts, the groups and the failures are kept; each target's line is
//! printed and dropped.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;

use super::targets::Target;
use super::work::{Standing, TargetDone};
use crate::failure::{FAILED, SUCCESS, message};
use crate::output::{Output, print_line};
use crate::wording::{count, milliseconds};

/// The running tally of a fleet run.
pub struct Report {
    output: Output,
    total: usize,
    started: Instant,
    bar: ProgressBar,
    done: usize,
    /// Each failed target and its error, for the summary.
    failed: Vec<(String, String)>,
    /// How many targets stand at each newest migration (`None`: nothing applied).
    versions: HashMap<Option<String>, usize>,
    /// Targets with a dirty migration, and which.
    dirty: Vec<(String, String)>,
    /// The JSON object of the last target, printed once the next one (or
    /// the end) says whether a comma follows it.
    pending_json: Option<String>,
}

impl Report {
    /// Starts the report of a run on `total` targets.
    pub fn new(total: usize, output: Output) -> Report {
        let shown = !output.quiet && !output.json() && std::io::stderr().is_terminal();
        let bar = if shown {
            let bar = ProgressBar::new(total as u64);
            bar.set_style(
                ProgressStyle::with_template("{spinner} [{elapsed}] {bar:30} {pos}/{len} targets")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        } else {
            ProgressBar::hidden()
        };
        if output.json() {
            print_line("[");
        }
        Report {
            output,
            total,
            started: Instant::now(),
            bar,
            done: 0,
            failed: Vec::new(),
            versions: HashMap::new(),
            dirty: Vec::new(),
            pending_json: None,
        }
    }

    /// Takes one target's result, as it finishes.
    pub fn finished(&mut self, target: &Target, result: anyhow::Result<(TargetDone, Duration)>) {
        self.bar.inc(1);
        match result {
            Ok((done, elapsed)) => {
                self.done += 1;
                if let Some(standing) = &done.standing {
                    self.stand(&target.shown, standing);
                }
                let ms = elapsed.as_millis();
                self.line(
                    &format!(
                        "✅ {}: {} ({})",
                        target.shown,
                        done.result,
                        milliseconds(ms)
                    ),
                    false,
                );
                self.json(json!({
                    "target": target.shown,
                    "status": "ok",
                    "result": done.result,
                    "ms": ms,
                    "standing": done.standing,
                    "detail": done.detail,
                }));
            }
            Err(error) => {
                let message = one_line_error(&error);
                self.line(&format!("❌ {}: {message}", target.shown), true);
                self.json(json!({
                    "target": target.shown,
                    "status": "failed",
                    "error": message,
                }));
                self.failed.push((target.shown.clone(), message));
            }
        }
    }

    /// Prints the summary (or closes the JSON array, listing the targets not
    /// started) and returns the exit code: 1 when any target failed.
    pub fn finish(mut self, skipped: &[Target]) -> u8 {
        self.bar.finish_and_clear();
        if self.output.json() {
            for target in skipped {
                self.json(json!({ "target": target.shown, "status": "skipped" }));
            }
            if let Some(last) = self.pending_json.take() {
                print_line(&last);
            }
            print_line("]");
        } else {
            self.print_summary(skipped.len());
        }
        if self.failed.is_empty() {
            SUCCESS
        } else {
            FAILED
        }
    }

    fn print_summary(&self, skipped: usize) {
        if !self.versions.is_empty() {
            print_line("By newest applied migration:");
            let mut groups: Vec<_> = self.versions.iter().collect();
            // Newest first; versions sort as numbers when they are digits.
            groups.sort_by(|(a, _), (b, _)| {
                let key = |label: &Option<String>| {
                    label.as_ref().map(|label| {
                        let version = label.split(' ').next().unwrap_or_default();
                        (version.len(), label.clone())
                    })
                };
                key(b).cmp(&key(a))
            });
            for (newest, targets) in groups {
                let what = newest.as_deref().unwrap_or("nothing applied");
                print_line(&format!("  {what}: {}", count(*targets, "target")));
            }
            for (shown, migration) in &self.dirty {
                print_line(&format!("  dirty: {shown} ({migration})"));
            }
        }
        let mut parts = vec![format!("{} done", self.done)];
        if !self.failed.is_empty() {
            parts.push(format!("{} failed", self.failed.len()));
        }
        if skipped > 0 {
            parts.push(format!(
                "{skipped} skipped (not started after the first failure; run again to finish them)"
            ));
        }
        let summary = format!(
            "{}: {} in {}",
            count(self.total, "target"),
            parts.join(", "),
            milliseconds(self.started.elapsed().as_millis())
        );
        if self.failed.is_empty() {
            self.output.say(&summary);
        } else {
            print_line(&summary);
            for (shown, error) in &self.failed {
                print_line(&format!("  failed: {shown}: {error}"));
            }
        }
    }

    fn stand(&mut self, shown: &str, standing: &Standing) {
        *self.versions.entry(standing.newest.clone()).or_default() += 1;
        if let Some(migration) = &standing.dirty {
            self.dirty.push((shown.to_owned(), migration.clone()));
        }
    }

    /// A target's line: a failure's even with `--quiet`.
    fn line(&self, line: &str, failure: bool) {
        if self.output.json() || (self.output.quiet && !failure) {
            return;
        }
        self.bar.suspend(|| print_line(line));
    }

    fn json(&mut self, object: serde_json::Value) {
        if !self.output.json() {
            return;
        }
        if let Some(previous) = self.pending_json.take() {
            print_line(&format!("{previous},"));
        }
        self.pending_json = Some(format!("  {object}"));
    }
}

/// An error as one line: its cause chain and the hint that settles it.
fn one_line_error(error: &anyhow::Error) -> String {
    message(error)
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}
