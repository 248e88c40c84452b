//! What a run shows while it works: a line per migration as it finishes, and
//! at a terminal a bar across the migrations with a spinner and the elapsed
//! time of the statement running (never when stderr is not a terminal, so
//! logs and pipes get plain lines only).

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use rollback_runtime::progress::Event;
use rollback_runtime::records::Operation;
use rollback_runtime::{Error, Step};

use crate::output::Output;
use crate::wording::{label, milliseconds, one_line};

/// A statement's timing in a rehearsal.
#[derive(Debug, Clone, serde::Serialize)]
struct Timing {
    /// The migration.
    version: String,
    /// The statement, on one line.
    statement: String,
    /// How long it ran.
    ms: u128,
    /// Whether it failed.
    failed: bool,
}

/// Follows a run's events: prints finished steps, draws the bar, keeps the
/// steps done and, in a rehearsal, each statement's timing.
pub struct RunView {
    output: Output,
    /// Whether the run is a rehearsal, rolled back at the end.
    rehearsal: bool,
    /// When the run started.
    started: Instant,
    bar: Option<ProgressBar>,
    current: String,
    /// The steps that finished.
    pub done: Vec<Step>,
    /// Statement timings (rehearsals only).
    timings: Vec<Timing>,
}

impl RunView {
    /// A view for a real run, or for a rehearsal (`rehearsal`), whose steps
    /// read "Rehearsed"; made just before the run starts, which its
    /// [`elapsed`](RunView::elapsed) time counts from.
    pub fn new(output: Output, rehearsal: bool) -> RunView {
        RunView {
            output,
            rehearsal,
            started: Instant::now(),
            bar: None,
            current: String::new(),
            done: Vec::new(),
            timings: Vec::new(),
        }
    }

    /// Takes one event of the run.
    pub fn see(&mut self, event: &Event<'_>) {
        match event {
            Event::Started {
                operation,
                version,
                name,
                position,
                total,
            } => {
                self.current = (*version).to_owned();
                let verb = match operation {
                    Operation::Apply => "applying",
                    _ => "reverting",
                };
                let bar = self.bar(*total);
                bar.set_position(*position as u64 - 1);
                bar.set_message(format!("{verb} {}", label(version, name)));
            }
            Event::Statement { index, total, sql } => {
                if let Some(bar) = &self.bar {
                    bar.reset_elapsed();
                    let message = bar.message();
                    let migration = message.split(" · ").next().unwrap_or_default().to_owned();
                    bar.set_message(format!(
                        "{migration} · statement {index}/{total}: {}",
                        one_line(sql, 50)
                    ));
                }
            }
            Event::StatementDone {
                sql,
                elapsed,
                failed,
                ..
            } if self.rehearsal => {
                self.timings.push(Timing {
                    version: self.current.clone(),
                    statement: one_line(sql, 100),
                    ms: elapsed.as_millis(),
                    failed: *failed,
                });
            }
            Event::Snapshot { path, elapsed } => {
                self.say(&format!(
                    "Wrote a snapshot of the whole database to {} ({})",
                    path.display(),
                    milliseconds(elapsed.as_millis())
                ));
            }
            Event::BackedUp { backup, elapsed } => {
                let what = backup
                    .items
                    .iter()
                    .map(|item| format!("{} ({} rows)", item.describe(), item.rows))
                    .collect::<Vec<_>>()
                    .join(", ");
                self.say(&format!(
                    "Backed up {what} as backup {} ({})",
                    backup.id,
                    milliseconds(elapsed.as_millis())
                ));
            }
            Event::Pruned { backup } => {
                self.say(&format!(
                    "Pruned backup {} of {} ({} rows): older than the backup retention",
                    backup.id,
                    label(&backup.version, &backup.name),
                    backup.rows
                ));
            }
            Event::Finished(step) => {
                let verb = match (self.rehearsal, step.operation) {
                    (true, _) => "Rehearsed",
                    (false, Operation::Apply) => "Applied",
                    (false, _) => "Reverted",
                };
                self.say(&format!(
                    "{verb} {} ({})",
                    label(&step.version, &step.name),
                    milliseconds(u128::try_from(step.execution_ms).unwrap_or(0))
                ));
                if let Some(bar) = &self.bar {
                    bar.inc(1);
                }
                self.done.push((*step).clone());
            }
            _ => {}
        }
    }

    /// How long since the run started.
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// Prints a rehearsal's statement timings, in the order they ran.
    pub fn print_timings(&self) {
        if self.timings.is_empty() {
            return;
        }
        self.output.say("Statement timings:");
        for timing in &self.timings {
            self.output.say(&format!(
                "  {:>8}  {}  {}{}",
                milliseconds(timing.ms),
                timing.version,
                timing.statement,
                if timing.failed { "  (failed)" } else { "" }
            ));
        }
    }

    /// Ends the run's display: clears the bar (the printed lines stay),
    /// prints the steps done as JSON (after a failure part-way too, so a
    /// script sees what changed; a rehearsal's as `{"rehearsal": true,
    /// "steps", "timings"}`), then returns the run's error, if any.
    pub fn finish(&mut self, result: Result<Vec<Step>, Error>) -> Result<(), Error> {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
        if self.output.json() {
            if self.rehearsal {
                self.output.json_value(&serde_json::json!({
                    "rehearsal": true,
                    "steps": self.done,
                    "timings": self.timings,
                }));
            } else {
                self.output.json_value(&self.done);
            }
        }
        result.map(drop)
    }

    fn say(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| self.output.say(line)),
            None => self.output.say(line),
        }
    }

    /// The bar, drawn on first use when stderr is a terminal; hidden
    /// otherwise.
    fn bar(&mut self, total: usize) -> &ProgressBar {
        self.bar.get_or_insert_with(|| {
            let shown =
                !self.output.quiet && !self.output.json() && std::io::stderr().is_terminal();
            if !shown {
                return ProgressBar::hidden();
            }
            let bar = ProgressBar::new(total as u64);
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} [{elapsed}] {bar:30} {pos}/{len} {wide_msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        })
    }
}
