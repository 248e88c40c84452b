//! What each statement of a script does to the data, read with sqlparser in
//! the database's dialect, so that a rollback plan can say what it destroys,
//! ask for confirmation and back it up first (DESIGN §5).
//!
//! The analysis is honest rather than clever: a statement the parser cannot
//! read, or a kind this module does not know, is [`StatementClass::Unclassified`]
//! and callers treat it as destructive. A false "unclassified" costs a
//! confirmation; a false "harmless" costs data. The one exception is a short
//! list of statement kinds sqlparser 0.63 cannot read whose every form is
//! harmless, recognized by their first words (see [`unparsed`]).

pub(super) mod analyzed;
pub(super) mod rebuild;
pub(super) mod rows;
mod statement;
mod unparsed;
mod verdict;

#[cfg(test)]
mod tests;

use super::dialect::Dialect;
use super::split::split;
use rebuild::apply_rebuilds;
use statement::analyze;

pub use analyzed::{AnalyzedStatement, Effect, StatementClass};

/// Splits `script` with `split` and analyzes each statement in `dialect`; then
/// applies the script-level RebuildTable rule. Never panics, whatever the input.
pub fn analyze_script(script: &str, dialect: Dialect) -> Vec<AnalyzedStatement> {
    let mut shapes = Vec::new();
    let mut analyzed = Vec::new();
    for statement in split(script, dialect) {
        let verdict = analyze(statement.sql, dialect);
        shapes.push(verdict.shapes);
        analyzed.push(AnalyzedStatement {
            sql: statement.sql.to_string(),
            line: statement.line,
            class: verdict.class,
            effects: verdict.effects,
            unclassified_reason: verdict.reason,
        });
    }
    apply_rebuilds(&mut analyzed, &shapes, dialect);
    analyzed
}

/// Analyzes one statement (no script-level rules). Text with no statement at
/// all (only comments) is [`StatementClass::Schema`] with no effects: it loses
/// nothing.
///
/// ```rust
/// use rollback_core::sql::{Dialect, Effect, StatementClass, TableName, analyze_statement};
///
/// let sql = "ALTER TABLE Users DROP COLUMN email";
/// let (class, effects, _) = analyze_statement(sql, Dialect::Postgres);
/// assert_eq!(class, StatementClass::Destructive);
/// assert_eq!(
///     effects,
///     [Effect::DropColumn {
///         table: TableName { schema: None, name: "users".to_owned() },
///         column: "email".to_owned(),
///     }]
/// );
///
/// let (class, _, reason) = analyze_statement("CALL archive_orders()", Dialect::MySql);
/// assert_eq!(class, StatementClass::Unclassified);
/// assert!(reason.is_some());
/// ```
pub fn analyze_statement(
    sql: &str,
    dialect: Dialect,
) -> (StatementClass, Vec<Effect>, Option<String>) {
    let verdict = analyze(sql, dialect);
    (verdict.class, verdict.effects, verdict.reason)
}
