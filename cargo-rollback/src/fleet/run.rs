//! Running work on every target, at most `--parallel` at once, in this
//! process: the project and its migrations are loaded once, each target is a
//! future on the one task (its database work is I/O), and each result is
//! handed on as it arrives and then dropped, so memory does not grow with
//! the number of targets.

use std::num::NonZeroUsize;
use std::time::Instant;

use anyhow::Result;
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;

use super::report::Report;
use super::targets::Target;
use super::work::TargetDone;
use crate::cli::FleetArgs;
use crate::output::Output;

/// The most targets run at once by default: beyond it a server's
/// connection limit (PostgreSQL's 100) comes closer than any gain.
const MOST_BY_DEFAULT: usize = 16;

/// The fewest by default: the work waits on databases, not on the CPU.
const FEWEST_BY_DEFAULT: usize = 4;

/// How a fleet runs.
#[derive(Debug, Clone, Copy)]
pub struct Pace {
    /// How many targets at once.
    pub parallel: usize,
    /// Whether a failure stops new targets from starting.
    pub stop_on_failure: bool,
}

impl Pace {
    /// `--parallel` (default: twice the CPUs, between 4 and 16) and
    /// `--continue-on-error`.
    pub fn from_args(args: &FleetArgs) -> Pace {
        let parallel = args.parallel.map_or_else(
            || {
                let cpus = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
                (cpus * 2).clamp(FEWEST_BY_DEFAULT, MOST_BY_DEFAULT)
            },
            NonZeroUsize::get,
        );
        Pace {
            parallel,
            stop_on_failure: !args.continue_on_error,
        }
    }
}

/// Runs `work` on each target, at most `pace.parallel` at once, in the
/// file's order, and hands each result to `done` as it finishes. After a
/// failure with `pace.stop_on_failure`, no new target starts and those
/// running finish. Returns the targets never started.
pub async fn each<'t, T>(
    targets: &'t [Target],
    pace: Pace,
    work: impl AsyncFn(&'t Target) -> Result<T>,
    mut done: impl FnMut(&'t Target, Result<T>),
) -> &'t [Target] {
    let work = &work;
    let mut running = FuturesUnordered::new();
    let mut next = 0;
    let mut stopped = false;
    loop {
        while !stopped && running.len() < pace.parallel && next < targets.len() {
            let target = &targets[next];
            next += 1;
            running.push(async move { (target, work(target).await) });
        }
        let Some((target, result)) = running.next().await else {
            break;
        };
        if result.is_err() && pace.stop_on_failure {
            stopped = true;
        }
        done(target, result);
    }
    &targets[next..]
}

/// The targets of a run and how they run.
pub struct Fleet<'t> {
    /// Every target, in the file's order.
    pub targets: &'t [Target],
    /// How many at once, and whether a failure stops the rest.
    pub pace: Pace,
    output: Output,
}

impl<'t> Fleet<'t> {
    /// A fleet of `targets`, run at `pace`, printing with `output`.
    pub fn new(targets: &'t [Target], pace: Pace, output: Output) -> Fleet<'t> {
        Fleet {
            targets,
            pace,
            output,
        }
    }

    /// Runs a command's `work` on every target, printing each result as it
    /// finishes and the summary at the end; returns the exit code (1 when
    /// any target failed).
    pub async fn run(&self, work: impl AsyncFn(&'t Target) -> Result<TargetDone>) -> Result<u8> {
        let mut report = Report::new(self.targets.len(), self.output);
        let timed = async |target: &'t Target| {
            let started = Instant::now();
            work(target).await.map(|done| (done, started.elapsed()))
        };
        let skipped = each(self.targets, self.pace, timed, |target, result| {
            report.finished(target, result);
        })
        .await;
        Ok(report.finish(skipped))
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::time::Duration;

    use super::*;

    fn targets(count: usize) -> Vec<Target> {
        (0..count)
            .map(|n| Target {
                url: format!("sqlite:t{n}.db"),
                shown: format!("sqlite:t{n}.db"),
            })
            .collect()
    }

    /// Runs `each` where target `failing` fails; returns the most targets
    /// seen running at once, the targets finished, and how many were skipped.
    async fn run(pace: Pace, failing: Option<usize>) -> (usize, Vec<String>, usize) {
        let targets = targets(10);
        let running = Cell::new(0);
        let most = Cell::new(0);
        let mut finished = Vec::new();
        let skipped = each(
            &targets,
            pace,
            async |target| {
                // The failing target fails at once, while the others sleep.
                if failing.is_some_and(|n| target.url == format!("sqlite:t{n}.db")) {
                    anyhow::bail!("failed");
                }
                running.set(running.get() + 1);
                most.set(most.get().max(running.get()));
                tokio::time::sleep(Duration::from_millis(5)).await;
                running.set(running.get() - 1);
                Ok(())
            },
            |target, _| finished.push(target.shown.clone()),
        )
        .await;
        (most.get(), finished, skipped.len())
    }

    #[tokio::test]
    async fn at_most_parallel_targets_run_at_once_and_all_finish() {
        let pace = Pace {
            parallel: 3,
            stop_on_failure: true,
        };
        let (most, finished, skipped) = run(pace, None).await;
        assert_eq!(most, 3);
        assert_eq!(finished.len(), 10);
        assert_eq!(skipped, 0);
    }

    #[tokio::test]
    async fn a_failure_stops_new_targets_but_lets_running_ones_finish() {
        let pace = Pace {
            parallel: 2,
            stop_on_failure: true,
        };
        let (_, finished, skipped) = run(pace, Some(0)).await;
        // t0 fails; t1 was running beside it and finishes; nothing else starts.
        assert_eq!(finished.len(), 2, "{finished:?}");
        assert_eq!(skipped, 8);
        let onward = Pace {
            stop_on_failure: false,
            ..pace
        };
        let (_, finished, skipped) = run(onward, Some(0)).await;
        assert_eq!((finished.len(), skipped), (10, 0));
    }
}
