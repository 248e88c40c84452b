//! What undoes one statement, or one part of it, before it becomes an
//! [`Inverse`].

use super::inverse::{Inverse, InversePart, Need, Unnamed};
use crate::sql::split::Statement;

/// Why text with no statement in it (only comments) needs no undoing.
const NO_STATEMENT: &str = "holds no statement";

/// Why a session setting (`SET`, `PRAGMA`) needs no undoing.
pub(super) const SESSION: &str = "changes only the session";

/// Why a statement of a kind this module does not know cannot be inverted.
pub(super) const UNKNOWN_KIND: &str = "not a statement kind cargo-rollback can invert";

/// The undoing of a statement or of one of its parts (an `ALTER TABLE`
/// operation, a name of a `DROP`).
#[derive(Debug)]
pub(super) enum Step {
    /// What the down runs, in the order it runs it; never empty.
    Undo(Vec<InversePart>),
    /// Nothing to undo, and why.
    Skip(String),
}

impl Step {
    pub(super) fn sql(sql: String) -> Step {
        Step::Undo(vec![InversePart::Sql { sql }])
    }

    pub(super) fn recreate(need: Need) -> Step {
        Step::Undo(vec![InversePart::Recreate { need }])
    }

    /// `sql`, run by the down only if the object `need` names was missing
    /// just before the statement (an `IF NOT EXISTS` that created it).
    pub(super) fn if_missing(sql: String, need: Need) -> Step {
        Step::Undo(vec![InversePart::Conditional {
            sql,
            need,
            if_missing: true,
        }])
    }

    /// `sql`, run by the down only if the object `need` names was there
    /// just before the statement (an `ALTER … IF EXISTS` that acted).
    pub(super) fn if_present(sql: String, need: Need) -> Step {
        Step::Undo(vec![InversePart::Conditional {
            sql,
            need,
            if_missing: false,
        }])
    }

    pub(super) fn drop_unnamed(unnamed: Unnamed) -> Step {
        Step::Undo(vec![InversePart::DropUnnamed { unnamed }])
    }

    pub(super) fn cannot(reason: impl Into<String>) -> Step {
        Step::Undo(vec![InversePart::CannotInvert {
            reason: reason.into(),
        }])
    }

    pub(super) fn skip(reason: impl Into<String>) -> Step {
        Step::Skip(reason.into())
    }

    /// The steps of a statement's parts, given in the up's order, as one:
    /// the last part's undoing runs first. When no part has any, the first
    /// part's reason to skip stands for all.
    pub(super) fn reversed(steps: Vec<Step>) -> Step {
        let mut parts = Vec::new();
        let mut skipped = None;
        for step in steps.into_iter().rev() {
            match step {
                Step::Undo(undo) => parts.extend(undo),
                Step::Skip(reason) => skipped = Some(reason),
            }
        }
        if parts.is_empty() {
            Step::Skip(skipped.unwrap_or_else(|| NO_STATEMENT.to_string()))
        } else {
            Step::Undo(parts)
        }
    }

    pub(super) fn into_inverse(self, statement: Statement<'_>) -> Inverse {
        let (parts, skipped) = match self {
            Step::Undo(parts) => (parts, None),
            Step::Skip(reason) => (Vec::new(), Some(reason)),
        };
        Inverse {
            line: statement.line,
            statement: statement.sql.to_string(),
            parts,
            skipped,
        }
    }
}
