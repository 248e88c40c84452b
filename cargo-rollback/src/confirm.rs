//! Asking before something destroys data: the plan is shown at the terminal
//! and the person types the confirmation word; without a terminal, `--yes` is
//! the only way through (exit code 3 otherwise, nothing changed).

use std::io::{BufRead, IsTerminal, Write};

use anyhow::Result;
use rollback_runtime::plan::RollbackPlan;

use crate::failure::RefusedError;
use crate::plan_text;

/// Returns when the rollback may go ahead: nothing in it destroys data (only
/// schema changes that lose nothing), or the person at the terminal typed
/// `ROLLBACK`. Otherwise a refusal.
pub fn confirm_plan(plan: &RollbackPlan) -> Result<()> {
    if !plan.needs_confirmation() {
        return Ok(());
    }
    let what = match plan.migrations.as_slice() {
        [one] => format!("revert {} {}", one.version, one.name),
        _ => format!("revert {} migrations", plan.migrations.len()),
    };
    ask("ROLLBACK", &what, &plan_text::human(plan))
}

/// Shows `shown` and waits for `word` to be typed before doing `what`.
pub fn ask(word: &str, what: &str, shown: &str) -> Result<()> {
    if !std::io::stdin().is_terminal() {
        return Err(RefusedError(format!(
            "refusing to {what} without confirmation: there is no terminal to confirm at; pass --yes to confirm"
        ))
        .into());
    }
    let mut stderr = std::io::stderr().lock();
    writeln!(stderr, "{shown}")?;
    write!(stderr, "\nType {word} to {what}: ")?;
    stderr.flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    if answer.trim() == word {
        Ok(())
    } else {
        Err(RefusedError(format!(
            "not confirmed: nothing was changed (type {word} to confirm)"
        ))
        .into())
    }
}
