//! What `generate` makes of a generated down: verified, partial or cannot
//! invert; whether it is written; the down that marks a migration
//! irreversible instead; and the exit code a run ends with.

use rollback_runtime::generate::{GENERATED_HEADER, GeneratedDown};
use rollback_runtime::migration::Migration;
use serde::Serialize;

use crate::failure::{FAILED, PARTIAL, SUCCESS};

/// How a migration's generated down came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The round trip restored the schema and every statement was inverted.
    Verified,
    /// The round trip restored the schema; some statements are `-- rollback:
    /// cannot invert:` lines (rows a `DELETE` removed, …).
    Partial,
    /// No down that restores the schema: the round trip found a difference,
    /// the up failed in the scratch database, or an earlier up did.
    CannotInvert,
}

impl Verdict {
    pub fn of(down: &GeneratedDown) -> Verdict {
        if !down.verified() {
            Verdict::CannotInvert
        } else if down.complete() {
            Verdict::Verified
        } else {
            Verdict::Partial
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Verified => "verified",
            Verdict::Partial => "partial",
            Verdict::CannotInvert => "cannot invert",
        }
    }
}

/// What the run accepts beside a verified down.
#[derive(Debug, Clone, Copy)]
pub struct Allowances {
    /// A partial down is written.
    pub partial: bool,
    /// A migration with no down that restores the schema gets one that
    /// marks it irreversible.
    pub irreversible: bool,
}

impl Allowances {
    /// Whether the down is accepted (written with `--write`).
    pub fn accepts(self, verdict: Verdict) -> bool {
        match verdict {
            Verdict::Verified => true,
            Verdict::Partial => self.partial,
            Verdict::CannotInvert => self.irreversible,
        }
    }
}

/// The exit code of a run with these verdicts: 1 when a migration has no
/// down that restores the schema and none was accepted in its place, else
/// `PARTIAL` (4) when a partial down was not accepted, else 0.
pub fn exit_code(verdicts: impl IntoIterator<Item = Verdict>, allowances: Allowances) -> u8 {
    let refused: Vec<Verdict> = verdicts
        .into_iter()
        .filter(|verdict| !allowances.accepts(*verdict))
        .collect();
    if refused.contains(&Verdict::CannotInvert) {
        FAILED
    } else if refused.contains(&Verdict::Partial) {
        PARTIAL
    } else {
        SUCCESS
    }
}

/// Why no down restores the schema, on one line: the error, or the first
/// difference the round trip found.
pub fn failure_reason(down: &GeneratedDown) -> String {
    let report = &down.verification;
    let first = report
        .error
        .clone()
        .or_else(|| report.diff.first().cloned())
        .unwrap_or_else(|| "the round trip failed".to_owned());
    let more = report.diff.len().saturating_sub(1);
    let first = first.split_whitespace().collect::<Vec<_>>().join(" ");
    if more > 0 && report.error.is_none() {
        format!("{first} (+{more} more)")
    } else {
        first
    }
}

/// The down `--allow-irreversible` writes for a migration whose down could
/// not be generated: it declares the migration irreversible, so the folder
/// builds and a rollback past it is refused.
pub fn irreversible_down(migration: &Migration, reason: &str) -> String {
    format!(
        "{GENERATED_HEADER} from {}: no generated down restores the schema, so the migration is marked irreversible.\n-- rollback:irreversible no generated down restores the schema: {reason}\n",
        migration.up_path()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exit_code_is_the_worst_verdict_not_accepted() {
        let strict = Allowances {
            partial: false,
            irreversible: false,
        };
        let lenient = Allowances {
            partial: true,
            irreversible: true,
        };
        use Verdict::*;
        assert_eq!(exit_code([Verified, Verified], strict), SUCCESS);
        assert_eq!(exit_code([Verified, Partial], strict), PARTIAL);
        assert_eq!(exit_code([Partial, CannotInvert], strict), FAILED);
        assert_eq!(exit_code([Partial, CannotInvert], lenient), SUCCESS);
        assert_eq!(
            exit_code(
                [Partial, CannotInvert],
                Allowances {
                    partial: false,
                    irreversible: true
                }
            ),
            PARTIAL
        );
        assert_eq!(exit_code([], strict), SUCCESS);
    }
}
