//! SQLite's table rebuild, recognized across the statements of a script:
//! the `DROP TABLE` that is half of one keeps the table's rows under a new
//! definition (see [`Effect::RebuildTable`]).

use super::analyzed::{AnalyzedStatement, Effect};
use super::statement::analyze;
use super::verdict::{Shape, Verdict};
use crate::sql::dialect::Dialect;
use crate::sql::name::{TableName, same_table};
use crate::sql::split::split;

/// Replaces the `DropTable` effects that are half of a table rebuild with
/// `RebuildTable` (see [`Effect::RebuildTable`]). The pattern is recognized in
/// every dialect: it means the same thing everywhere. A rebuild whose new
/// table has no column list (`CREATE TABLE new AS SELECT …`) keeps its
/// `DropTable`, since which columns survive is not known.
pub(super) fn apply_rebuilds(
    analyzed: &mut [AnalyzedStatement],
    shapes: &[Vec<Shape>],
    dialect: Dialect,
) {
    let steps = rebuild_steps(shapes.iter().map(Vec::as_slice));
    for (index, statement) in analyzed.iter_mut().enumerate() {
        for effect in &mut statement.effects {
            let Effect::DropTable { table } = effect else {
                continue;
            };
            if let Some(rebuild) = rebuild(&steps, index, table, dialect) {
                *effect = rebuild.into_effect();
            }
        }
    }
}

/// A `DROP TABLE` that is half of a table rebuild (see
/// [`Effect::RebuildTable`]), with what undoing it needs beyond the effect:
/// which table the rebuild renames.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rebuild {
    /// The rebuilt table, under the name it keeps (the effect's `table`).
    pub(crate) table: TableName,
    /// The table the rebuild renames: the new table, renamed into place
    /// after the drop, or the old one, renamed away before it. Either way,
    /// the table that holds the rows once the rebuild is done.
    pub(crate) renamed: TableName,
    /// The columns of the new table's `CREATE TABLE`, folded.
    pub(crate) kept_columns: Vec<String>,
}

impl Rebuild {
    fn into_effect(self) -> Effect {
        Effect::RebuildTable {
            table: self.table,
            kept_columns: self.kept_columns,
        }
    }
}

/// Every table a `DROP TABLE` of `script` drops as half of a rebuild: the
/// statement's index (in `split` order), the dropped table as the statement
/// names it, and the rebuild. The same rule as [`analyze_script`](super::analyze_script)'s.
pub(crate) fn rebuilds(script: &str, dialect: Dialect) -> Vec<(usize, TableName, Rebuild)> {
    let verdicts: Vec<Verdict> = split(script, dialect)
        .iter()
        .map(|statement| analyze(statement.sql, dialect))
        .collect();
    let steps = rebuild_steps(verdicts.iter().map(|verdict| verdict.shapes.as_slice()));
    let steps = &steps;
    verdicts
        .iter()
        .enumerate()
        .flat_map(|(index, verdict)| {
            verdict
                .effects
                .iter()
                .filter_map(move |effect| match effect {
                    Effect::DropTable { table } => rebuild(steps, index, table, dialect)
                        .map(|rebuild| (index, table.clone(), rebuild)),
                    _ => None,
                })
        })
        .collect()
}

/// The shapes of a script's statements, each with its statement's index.
fn rebuild_steps<'a>(shapes: impl Iterator<Item = &'a [Shape]>) -> Vec<(usize, &'a Shape)> {
    shapes
        .enumerate()
        .flat_map(|(index, shapes)| shapes.iter().map(move |shape| (index, shape)))
        .collect()
}

/// The rebuild that the drop of `dropped` at statement `at` belongs to, if any.
fn rebuild(
    steps: &[(usize, &Shape)],
    at: usize,
    dropped: &TableName,
    dialect: Dialect,
) -> Option<Rebuild> {
    let created_before = |table: &TableName, before: usize| {
        steps.iter().rev().find_map(|(index, shape)| match shape {
            Shape::CreateTable {
                table: created,
                columns,
            } if *index < before && same_table(created, table, dialect) => Some(columns.clone()),
            _ => None,
        })
    };
    let created_after = |table: &TableName, after: usize| {
        steps.iter().find_map(|(index, shape)| match shape {
            Shape::CreateTable {
                table: created,
                columns,
            } if *index > after && same_table(created, table, dialect) => Some(columns.clone()),
            _ => None,
        })
    };
    steps.iter().find_map(|(index, shape)| {
        let Shape::Rename { from, to } = shape else {
            return None;
        };
        let kept_columns = if *index > at && same_table(to, dropped, dialect) {
            created_before(from, *index)
        } else if *index < at && same_table(to, dropped, dialect) {
            created_after(from, *index)
        } else {
            None
        }?;
        let table = if *index > at { dropped } else { from };
        (!kept_columns.is_empty()).then(|| Rebuild {
            table: table.clone(),
            renamed: from.clone(),
            kept_columns,
        })
    })
}
