//! Running one script: statement by statement, so that a failure names the
//! statement, its file and line, and the database's message.

use std::time::Instant;

use rollback_core::checksum;
use rollback_core::sql::{Statement, split};

use crate::dialect::Driver;
use crate::error::{Error, Result, StatementError, display_chain};
use crate::progress::{Event, Progress};
use crate::records::{MIGRATIONS_TABLE, ScriptProgress};
use crate::telemetry;

/// A script about to run, and where it came from, for error messages.
pub(crate) struct ScriptRun<'a> {
    pub migration: &'a str,
    pub kind: &'static str,
    pub sql: &'a str,
    /// The file; `None` for a down stored in the database.
    pub path: Option<&'a str>,
    pub first_line: u32,
    /// Where the migration stays when a statement fails: "applied" (a
    /// down) or "pending" (an up).
    pub stays: &'static str,
    /// The 1-based statement to start at: 1, or later when a dirty
    /// migration is resumed.
    pub from: usize,
    /// For a script that runs outside a transaction, its progress row: the
    /// step opened with it at statement `from`, and it is written again,
    /// durably, before each statement after that.
    pub progress: Option<ScriptProgress>,
}

/// Runs a script statement by statement, so that a failure names its statement
/// and the line of its file, and a statement cancelled by a limit of the run
/// says which.
pub(crate) async fn run_script(
    driver: &mut dyn Driver,
    script: &ScriptRun<'_>,
    progress: Progress<'_>,
) -> Result<()> {
    let statements = split(script.sql, driver.dialect());
    let total = statements.len();
    let mut marker = script.progress.clone();
    let first = script.from.max(1) - 1;
    for (index, statement) in statements.iter().enumerate().skip(first) {
        if let Some(marker) = marker.as_mut().filter(|_| index > first) {
            marker.statement = i64::try_from(index + 1).unwrap_or(i64::MAX);
            marker.checksum = checksum_before(&statements, index);
            driver
                .tracking()
                .save_progress(marker)
                .await
                .map_err(Error::database("recording the migration's progress"))?;
        }
        progress(&Event::Statement {
            index: index + 1,
            total,
            sql: statement.sql,
        });
        let timer = Instant::now();
        let span = telemetry::statement_span(index + 1, total, statement.sql);
        let result = telemetry::in_statement(span, driver.execute(statement.sql)).await;
        progress(&Event::StatementDone {
            index: index + 1,
            sql: statement.sql,
            elapsed: timer.elapsed(),
            failed: result.is_err(),
        });
        let Err(source) = result else {
            continue;
        };
        let line = statement.line + script.first_line as usize - 1;
        let location = match script.path {
            Some(path) => format!("{path} line {line}"),
            None => format!("the down stored in {MIGRATIONS_TABLE}, line {line}"),
        };
        let limit = driver.cancelled_by(&source);
        let failure = Box::new(StatementError {
            migration: script.migration.to_owned(),
            script: script.kind,
            index: index + 1,
            location,
            statement: one_line(statement.sql),
            source,
        });
        return Err(match limit {
            Some(limit) => Error::Cancelled {
                database: display_chain(&failure.source),
                limit,
                stays: script.stays,
                failure,
            },
            None => Error::Statement(failure),
        });
    }
    Ok(())
}

/// The checksum of the statements before the 0-based `index`: what a
/// progress row keeps, so that a resume can tell that the part that ran is
/// the same while the rest (the statement that failed, say) was fixed.
pub(crate) fn checksum_before(statements: &[Statement<'_>], index: usize) -> String {
    let ran: Vec<&str> = statements
        .iter()
        .take(index)
        .map(|statement| statement.sql)
        .collect();
    checksum(&ran.join(";\n"))
}

/// A statement on one line, cut to a readable length.
fn one_line(sql: &str) -> String {
    const LIMIT: usize = 120;
    let flat = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(LIMIT) {
        Some((cut, _)) => format!("{}…", &flat[..cut]),
        None => flat,
    }
}
