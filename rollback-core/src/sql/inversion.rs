//! The down for an up, read from the up's statements with sqlparser in the
//! database's dialect (DESIGN §7): each statement's inverse, newest first.
//!
//! What a statement's text alone can undo (a `CREATE`, an `ADD COLUMN`, a
//! rename) is inverted here as SQL. What it removes or overwrites (a `DROP`,
//! a type change, a new default) cannot be read from the up: it is a
//! [`Need`], which the runtime answers from the schema the earlier
//! migrations produce in a scratch database. What nothing can bring back
//! (deleted rows) is [`InversePart::CannotInvert`].
//!
//! The script is read in order, remembering what the up creates (see
//! [`scope`]): what acts on a table the up creates (its indexes, triggers,
//! rows) needs no undoing, since the down drops the table.

mod alter;
mod data;
mod inverse;
mod kind;
mod mysql_forms;
mod object;
mod scope;
mod statement;
mod step;
mod unparsed;

#[cfg(test)]
mod tests;

use super::analysis::rebuild::rebuilds;
use super::dialect::Dialect;
use super::split::split;
use scope::Scope;

pub use inverse::{ColumnChanges, Inverse, InversePart, Need, Unnamed};

/// The inverses of `up`'s statements in the order the down runs them (the
/// last statement's first). Never panics, whatever the input: a statement
/// the parser cannot read is read word by word where its form is simple
/// (`SET`, `CREATE SEQUENCE … NO MINVALUE`, `ALTER TRIGGER … RENAME TO`),
/// else it is [`InversePart::CannotInvert`] with the parser's message.
///
/// ```rust
/// use rollback_core::sql::{Dialect, InversePart, Need, TableName, invert_script};
///
/// let legacy_users = TableName { schema: None, name: "legacy_users".to_owned() };
/// let up = "CREATE TABLE users (id INTEGER PRIMARY KEY);\nDROP TABLE legacy_users;";
/// let inverses = invert_script(up, Dialect::Sqlite);
///
/// // The down undoes the last statement first: the dropped table is read
/// // back from the schema, then the created one is dropped.
/// assert_eq!(
///     inverses[0].parts,
///     [InversePart::Recreate {
///         need: Need::Table { table: legacy_users },
///     }]
/// );
/// assert_eq!(
///     inverses[1].parts,
///     [InversePart::Sql { sql: "DROP TABLE IF EXISTS users".to_owned() }]
/// );
/// ```
pub fn invert_script(up: &str, dialect: Dialect) -> Vec<Inverse> {
    let mut scope = Scope::new(dialect, rebuilds(up, dialect));
    let mut inverses: Vec<Inverse> = split(up, dialect)
        .into_iter()
        .enumerate()
        .map(|(index, statement)| {
            scope.enter(index);
            statement::invert(statement.sql, &mut scope).into_inverse(statement)
        })
        .collect();
    inverses.reverse();
    inverses
}
