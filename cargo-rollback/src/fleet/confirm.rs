//! Asking once before a fleet rollback: every target's plan is read first
//! (at the fleet's pace), and the person at the terminal sees how many
//! targets revert how many migrations before typing the confirmation word.

use std::collections::BTreeMap;
use std::io::IsTerminal;

use anyhow::Result;
use rollback_runtime::plan::RollbackPlan;

use super::run::{Fleet, Pace, each};
use super::targets::Target;
use crate::confirm::ask;
use crate::failure::message;
use crate::wording::{count, migrations};

/// Returns when the fleet rollback may go ahead: no target's rollback
/// destroys data, or the person at the terminal typed `ROLLBACK` after
/// seeing the fleet's plan. Without a terminal, a refusal (`--yes` is the
/// way through) before any plan is read.
pub async fn confirm_fleet_rollback<'t>(
    fleet: &Fleet<'t>,
    plan: impl AsyncFn(&'t Target) -> Result<RollbackPlan>,
) -> Result<()> {
    let what = format!("roll back {}", count(fleet.targets.len(), "target"));
    if !std::io::stdin().is_terminal() {
        return ask("ROLLBACK", &what, "");
    }
    let mut reverting: BTreeMap<usize, usize> = BTreeMap::new();
    let mut unplanned = Vec::new();
    let mut destructive = false;
    let every_target = Pace {
        stop_on_failure: false,
        ..fleet.pace
    };
    each(
        fleet.targets,
        every_target,
        plan,
        |target, planned| match planned {
            Ok(plan) => {
                destructive |= plan.needs_confirmation();
                *reverting.entry(plan.migrations.len()).or_default() += 1;
            }
            Err(error) => unplanned.push(format!("{}: {}", target.shown, message(&error))),
        },
    )
    .await;
    if !destructive && unplanned.is_empty() {
        return Ok(());
    }
    let mut shown = format!(
        "Fleet rollback of {}, {} at once:\n",
        count(fleet.targets.len(), "target"),
        fleet.pace.parallel
    );
    for (reverted, count_of_targets) in reverting.iter().rev() {
        let reverts = match reverted {
            0 => "nothing to revert".to_owned(),
            _ => format!("revert {} each", migrations(*reverted)),
        };
        shown.push_str(&format!(
            "  {}: {reverts}\n",
            count(*count_of_targets, "target")
        ));
    }
    for failure in &unplanned {
        shown.push_str(&format!("  cannot plan {failure}\n"));
    }
    if destructive {
        shown.push_str("Some of these downs destroy data (backed up first unless --no-backup): `cargo rollback plan --targets FILE` shows each target's plan.");
    }
    ask("ROLLBACK", &what, shown.trim_end())
}
