//! Asking before a rollback: the plan is shown at the terminal and the person
//! types `ROLLBACK`; without a terminal, `--yes` is the only way through.
//!
//! Until statements are classified, every down counts as destructive (an
//! unclassified statement is treated as destructive, DESIGN §5), so every
//! rollback that would run something asks.

use std::io::{BufRead, IsTerminal, Write};

use anyhow::Result;
use rollback_runtime::{DatabaseUrl, PlannedRevert};

use crate::failure::RefusedError;

/// The word that confirms.
const CONFIRMATION: &str = "ROLLBACK";

/// Returns when the rollback may go ahead: nothing to revert, or the person
/// at the terminal typed `ROLLBACK`. Otherwise a refusal (exit code 3).
pub fn confirm(plan: &[PlannedRevert], url: &DatabaseUrl) -> Result<()> {
    if plan.is_empty() {
        return Ok(());
    }
    let what = match plan {
        [one] => format!("revert {} {}", one.version, one.name),
        _ => format!("revert {} migrations", plan.len()),
    };
    if !std::io::stdin().is_terminal() {
        return Err(RefusedError(format!(
            "refusing to {what} without confirmation: there is no terminal to confirm at; pass --yes to confirm"
        ))
        .into());
    }
    let mut stderr = std::io::stderr().lock();
    writeln!(stderr, "This rollback runs on {url}:")?;
    for step in plan {
        writeln!(
            stderr,
            "\n  {} {}  ({})",
            step.version, step.name, step.source
        )?;
        for statement in &step.statements {
            writeln!(stderr, "    {};", statement.trim().trim_end_matches(';'))?;
        }
    }
    write!(stderr, "\nType {CONFIRMATION} to {what}: ")?;
    stderr.flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    if answer.trim() == CONFIRMATION {
        Ok(())
    } else {
        Err(RefusedError(format!(
            "not confirmed: nothing was reverted (type {CONFIRMATION} to confirm)"
        ))
        .into())
    }
}
