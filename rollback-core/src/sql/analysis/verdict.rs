//! The verdict on a statement while it is read: its class and effects as
//! they merge across the parts of a statement, and the shapes the
//! script-level rules (a table rebuild) look for.

use super::analyzed::{Effect, StatementClass};
use crate::sql::name::TableName;

/// What the script-level rules need to know of a statement beyond its effects.
#[derive(Debug)]
pub(super) enum Shape {
    /// `CREATE TABLE table (columns…)`, columns folded.
    CreateTable {
        table: TableName,
        columns: Vec<String>,
    },
    /// A table renamed, by `ALTER TABLE … RENAME TO` or MySQL's `RENAME TABLE`.
    Rename { from: TableName, to: TableName },
}

/// The class, effects and shapes of one parsed statement, merged across the
/// parts of an `ALTER TABLE` or the statements of one text.
#[derive(Debug)]
pub(super) struct Verdict {
    pub(super) class: StatementClass,
    pub(super) effects: Vec<Effect>,
    pub(super) reason: Option<String>,
    pub(super) shapes: Vec<Shape>,
}

impl Verdict {
    pub(super) fn new(class: StatementClass, effects: Vec<Effect>) -> Verdict {
        Verdict {
            class,
            effects,
            reason: None,
            shapes: Vec::new(),
        }
    }

    /// Harmless, and what merging starts from.
    pub(super) fn schema() -> Verdict {
        Verdict::new(StatementClass::Schema, Vec::new())
    }

    pub(super) fn destructive(effects: Vec<Effect>) -> Verdict {
        Verdict::new(StatementClass::Destructive, effects)
    }

    pub(super) fn data(effects: Vec<Effect>) -> Verdict {
        Verdict::new(StatementClass::Data, effects)
    }

    pub(super) fn unclassified(reason: impl Into<String>) -> Verdict {
        Verdict {
            reason: Some(reason.into()),
            ..Verdict::new(StatementClass::Unclassified, Vec::new())
        }
    }

    pub(super) fn with_shape(mut self, shape: Shape) -> Verdict {
        self.shapes.push(shape);
        self
    }

    /// The worst class wins; effects and shapes add up; the first reason for
    /// being unclassified is kept.
    pub(super) fn merge(mut self, other: Verdict) -> Verdict {
        if other.class.rank() > self.class.rank() {
            self.class = other.class;
        }
        self.effects.extend(other.effects);
        self.shapes.extend(other.shapes);
        self.reason = self.reason.or(other.reason);
        self
    }
}
