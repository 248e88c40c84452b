//! What the engine tells the application's `tracing` subscriber (its log, or
//! an OpenTelemetry pipeline), so that migrations and rollbacks show up with
//! how long they took next to the application's own spans: a span per run
//! (`rollback.run`), per migration (`rollback.migration`) and per statement
//! (`rollback.statement`), each given its `duration_ms`, `outcome` and, on a
//! failure, `error` when it ends, and each closed by an event saying the
//! same. Runs and migrations are at INFO, statements at DEBUG; every span
//! and event has the target `rollback_runtime`. The library never installs a
//! subscriber; without one, a span costs the check that finds nobody
//! listening, and no field is computed.

use std::future::Future;
use std::time::Instant;

use rollback_core::sql::Dialect;
use tracing::field::Empty;
use tracing::{Instrument, Span};

use crate::error::{Result, display_chain};
use crate::records::Operation;
use crate::session::Step;
use crate::url::DatabaseUrl;

/// The target of every span and event, for a subscriber's filter.
const TARGET: &str = "rollback_runtime";

/// The span of one run of the engine under the migration lock: an apply, a
/// revert, a restore or a repair.
pub(crate) fn run_span(
    operation: Operation,
    database: &DatabaseUrl,
    dialect: Dialect,
    dry_run: bool,
) -> Span {
    tracing::info_span!(
        target: TARGET,
        "rollback.run",
        operation = operation.as_str(),
        database = %database,
        dialect = dialect.as_str(),
        dry_run,
        duration_ms = Empty,
        outcome = Empty,
        error = Empty,
    )
}

/// Runs `work` in its run's `span`, and closes the span with how it ended.
pub(crate) async fn in_run<T>(span: Span, work: impl Future<Output = Result<T>>) -> Result<T> {
    traced(span, work, |_, duration_ms, error| match error {
        None => tracing::info!(
            target: TARGET,
            duration_ms,
            outcome = "success",
            "run finished"
        ),
        Some(error) => tracing::warn!(
            target: TARGET,
            duration_ms,
            outcome = "failure",
            error,
            "run failed"
        ),
    })
    .await
}

/// The span of one migration of a run: its up, or its down.
pub(crate) fn migration_span(operation: Operation, version: &str, name: &str) -> Span {
    let direction = match operation {
        Operation::Apply => "up",
        _ => "down",
    };
    tracing::info_span!(
        target: TARGET,
        "rollback.migration",
        operation = operation.as_str(),
        version,
        name,
        direction,
        duration_ms = Empty,
        outcome = Empty,
        rows_backed_up = Empty,
        backup_id = Empty,
        error = Empty,
    )
}

/// Runs one migration's step in its `span`, and closes the span with how it
/// ended and what it backed up.
pub(crate) async fn in_migration(
    span: Span,
    work: impl Future<Output = Result<Step>>,
) -> Result<Step> {
    let recorded = span.clone();
    traced(span, work, |result, duration_ms, error| match result {
        Ok(step) => {
            tracing::info!(
                target: TARGET,
                duration_ms,
                outcome = "success",
                rows_backed_up = step.rows_backed_up,
                backup_id = step.backup_id,
                "migration finished"
            );
            recorded.record("rows_backed_up", step.rows_backed_up);
            recorded.record("backup_id", step.backup_id);
        }
        Err(_) => tracing::warn!(
            target: TARGET,
            duration_ms,
            outcome = "failure",
            error,
            "migration failed"
        ),
    })
    .await
}

/// The span of one statement of a migration's script.
pub(crate) fn statement_span(index: usize, total: usize, statement: &str) -> Span {
    tracing::debug_span!(
        target: TARGET,
        "rollback.statement",
        index,
        total,
        statement,
        duration_ms = Empty,
        outcome = Empty,
        error = Empty,
    )
}

/// Runs one statement in its `span`, and closes the span with how it ended.
pub(crate) async fn in_statement<T>(
    span: Span,
    work: impl Future<Output = Result<T, sqlx::Error>>,
) -> Result<T, sqlx::Error> {
    traced(span, work, |_, duration_ms, error| match error {
        None => tracing::debug!(
            target: TARGET,
            duration_ms,
            outcome = "success",
            "statement finished"
        ),
        Some(error) => tracing::debug!(
            target: TARGET,
            duration_ms,
            outcome = "failure",
            error,
            "statement failed"
        ),
    })
    .await
}

/// Runs `work` in `span`, then ends the span: `event` is told the result,
/// the `duration_ms` and the error's chain on one line, inside the span (so
/// that a log line shows the span as it was), and then the span records the
/// same as `duration_ms`, `outcome` and `error`. When no subscriber listens
/// to the span, none of it is computed.
async fn traced<T, E: std::error::Error + 'static>(
    span: Span,
    work: impl Future<Output = Result<T, E>>,
    event: impl FnOnce(&Result<T, E>, i64, Option<&str>),
) -> Result<T, E> {
    let timer = Instant::now();
    let result = work.instrument(span.clone()).await;
    if span.is_disabled() {
        return result;
    }
    let duration_ms = i64::try_from(timer.elapsed().as_millis()).unwrap_or(i64::MAX);
    let error = result.as_ref().err().map(|error| display_chain(error));
    span.in_scope(|| event(&result, duration_ms, error.as_deref()));
    let outcome = if error.is_some() {
        "failure"
    } else {
        "success"
    };
    span.record("duration_ms", duration_ms);
    span.record("outcome", outcome);
    span.record("error", error.as_deref());
    result
}

#[cfg(all(test, feature = "sqlite"))]
mod tests;
