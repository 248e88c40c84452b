//! The capture: the up runs statement by statement in the scratch database,
//! and just before each statement that removes or changes something, the
//! catalog gives the SQL that puts it back; after a statement that creates
//! an object without naming it, the catalog gives the name.

use std::collections::BTreeSet;

use rollback_core::Script;
use rollback_core::sql::{Inverse, InversePart, Unnamed};

use super::fallback::drop_created;
use crate::dialect::Inspector;
use crate::dialect::{Named, NotRecreated, Surrounding, backend};
use crate::error::display_chain;

/// What undoes one up statement, in the order the down runs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Block {
    /// 1-based line of the up statement, in the up's file.
    pub line: usize,
    /// The up statement.
    pub statement: String,
    /// The down's statements for it, complete, without `;`.
    pub sql: Vec<String>,
    /// What they put back without its contents.
    pub notes: Vec<String>,
    /// Why part of the statement cannot be undone, when it cannot.
    pub cannot_invert: Option<String>,
    /// Why the statement needs no undoing, when it needs none.
    pub skipped: Option<String>,
    /// What the whole down must run between, outside a transaction, for
    /// this block to be right.
    pub surrounding: Option<Surrounding>,
}

/// Why the capture stopped: the up itself failed, or the catalog could not
/// be read.
#[derive(Debug, thiserror::Error)]
pub(super) enum CaptureFailure {
    /// An up statement failed.
    #[error("line {line}: {}", display_chain(source))]
    Statement {
        /// Its line in the up's file.
        line: usize,
        /// The database's error.
        source: sqlx::Error,
    },
    /// Reading what a statement removes failed.
    #[error("reading the catalog before line {line}: {}", display_chain(source))]
    Catalog {
        /// The statement's line in the up's file.
        line: usize,
        /// The database's error.
        source: sqlx::Error,
    },
}

/// A part of an inverse, answered as far as it can be before the statement runs.
enum Answer {
    Sql(Vec<String>, Vec<String>),
    Surrounded(Vec<String>, Vec<String>, Surrounding),
    Unnamed(Unnamed, BTreeSet<Named>),
    Cannot(String),
}

/// Runs `up` in the database `inspector` is connected to, one statement at
/// a time (`inverses` is [`invert_script`](rollback_core::sql::invert_script)'s
/// answer for it), and returns the blocks of its down, in the order the down
/// runs them. On success the up is applied (untracked).
pub(super) async fn capture(
    inspector: &mut Inspector,
    up: &Script,
    inverses: Vec<Inverse>,
) -> Result<Vec<Block>, CaptureFailure> {
    let offset = up.first_line() as usize - 1;
    let mut blocks = Vec::with_capacity(inverses.len());
    for inverse in inverses.into_iter().rev() {
        let line = inverse.line + offset;
        let mut answers = Vec::with_capacity(inverse.parts.len());
        for part in inverse.parts {
            let answer = answer(inspector, part)
                .await
                .map_err(|source| CaptureFailure::Catalog { line, source })?;
            answers.push(answer);
        }
        // The engine runs a transactional up inside a transaction: what the
        // database ignores there is left out here too.
        let ignored = !up.no_transaction()
            && backend(inspector.dialect()).ignored_in_transaction(&inverse.statement);
        if !ignored {
            inspector
                .execute(&inverse.statement)
                .await
                .map_err(|source| CaptureFailure::Statement { line, source })?;
        }
        let mut block = Block {
            line,
            statement: inverse.statement,
            sql: Vec::new(),
            notes: Vec::new(),
            cannot_invert: None,
            skipped: inverse.skipped,
            surrounding: None,
        };
        for answer in answers {
            finish(inspector, answer, &mut block)
                .await
                .map_err(|source| CaptureFailure::Catalog { line, source })?;
        }
        blocks.push(block);
    }
    blocks.reverse();
    Ok(blocks)
}

/// What can be known of `part` before its statement runs.
async fn answer(inspector: &mut Inspector, part: InversePart) -> Result<Answer, sqlx::Error> {
    Ok(match part {
        InversePart::Sql { sql } => Answer::Sql(vec![sql], Vec::new()),
        InversePart::Recreate { need } => match backend(inspector.dialect())
            .recreate(inspector, &need)
            .await
        {
            Ok(recreated) => match recreated.surrounding {
                Some(surrounding) => {
                    Answer::Surrounded(recreated.statements, recreated.notes, surrounding)
                }
                None => Answer::Sql(recreated.statements, recreated.notes),
            },
            // A `CREATE OR REPLACE` that creates: the down drops it. A
            // `DROP … IF EXISTS` of nothing: there is nothing to put back.
            Err(NotRecreated::Missing(_)) => Answer::Sql(
                drop_created(inspector.dialect(), &need)
                    .into_iter()
                    .collect(),
                Vec::new(),
            ),
            Err(NotRecreated::Unsupported(reason)) => Answer::Cannot(reason),
            Err(NotRecreated::Database(error)) => return Err(error),
        },
        InversePart::Conditional {
            sql,
            need,
            if_missing,
        } => {
            let present = match backend(inspector.dialect())
                .recreate(inspector, &need)
                .await
            {
                Ok(_) => true,
                Err(NotRecreated::Missing(_)) => false,
                Err(NotRecreated::Unsupported(reason)) => {
                    return Ok(Answer::Cannot(format!(
                        "whether it acted depends on an object that cannot be read: {reason}"
                    )));
                }
                Err(NotRecreated::Database(error)) => return Err(error),
            };
            let runs = present != if_missing;
            Answer::Sql(runs.then_some(sql).into_iter().collect(), Vec::new())
        }
        InversePart::DropUnnamed { unnamed } => {
            let before = backend(inspector.dialect())
                .names(inspector, &unnamed)
                .await?;
            Answer::Unnamed(unnamed, before)
        }
        InversePart::CannotInvert { reason } => Answer::Cannot(reason),
    })
}

/// Completes `answer` now that its statement ran, into `block`.
async fn finish(
    inspector: &mut Inspector,
    answer: Answer,
    block: &mut Block,
) -> Result<(), sqlx::Error> {
    match answer {
        Answer::Sql(sql, notes) => {
            block.sql.extend(sql);
            block.notes.extend(notes);
        }
        Answer::Surrounded(sql, notes, surrounding) => {
            block.sql.extend(sql);
            block.notes.extend(notes);
            block.surrounding = Some(surrounding);
        }
        Answer::Unnamed(unnamed, before) => {
            let after = backend(inspector.dialect())
                .names(inspector, &unnamed)
                .await?;
            let mut drops = Vec::new();
            for created in after.difference(&before) {
                match backend(inspector.dialect())
                    .drop_unnamed(inspector, &unnamed, &created.name)
                    .await
                {
                    Ok(sql) => drops.push(sql),
                    Err(NotRecreated::Database(error)) => return Err(error),
                    Err(other) => cannot(block, other.to_string()),
                }
            }
            // MySQL gives an unnamed foreign key an index of the same kind
            // of name, which it refuses to drop while the key needs it.
            drops.sort_by_key(|sql| !sql.contains("DROP FOREIGN KEY"));
            block.sql.extend(drops);
        }
        Answer::Cannot(reason) => cannot(block, reason),
    }
    Ok(())
}

/// Records in `block` that part of its statement cannot be undone.
fn cannot(block: &mut Block, reason: String) {
    block.cannot_invert = Some(match block.cannot_invert.take() {
        Some(earlier) => format!("{earlier}; {reason}"),
        None => reason,
    });
}
