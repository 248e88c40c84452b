//! Statements that read or change rows. Changed rows cannot be put back
//! from the text of the up, unless they are in a table the up creates.

use sqlparser::ast::{self, CopySource, Expr, SetExpr, TableObject, UnaryOperator, Value};

use super::inverse::Need;
use super::scope::Scope;
use super::step::Step;
use crate::sql::analysis::analyzed::Effect;
use crate::sql::analysis::rows::{delete_effects, replaces, update_effects, upserts};
use crate::sql::dialect::Dialect;
use crate::sql::name::{TableName, fold, named_table, table_name};

const INSERTED: &str = "inserted rows cannot be told from the rows that were there";
const REPLACED: &str = "replaced rows cannot be brought back";
const UPDATED: &str = "the rows' previous values cannot be brought back";
const DELETED: &str = "deleted rows cannot be brought back";
const TRUNCATED: &str = "truncated rows cannot be brought back";
const MERGED: &str = "merged rows cannot be told from the rows that were there";

/// The undoing of a statement on rows; `None` for other kinds. A query
/// (`SELECT`, `WITH …`) is not one: it may hold statements of any kind,
/// which the caller inverts (see [`changes_in`](crate::sql::analysis::rows::changes_in)).
pub(super) fn invert(statement: &ast::Statement, scope: &mut Scope) -> Option<Step> {
    use ast::Statement as S;
    let dialect = scope.dialect();
    let (tables, reason) = match statement {
        S::Insert(insert) => match inserted_rows(insert, scope) {
            Some(need) => return Some(Step::recreate(need)),
            None => insert_rows(insert, dialect),
        },
        S::Update(update) => (affected(update_effects(update, dialect)), UPDATED),
        S::Delete(delete) => (affected(delete_effects(delete, dialect)), DELETED),
        S::Truncate(truncate) => (
            truncate
                .table_names
                .iter()
                .map(|target| table_name(&target.name, dialect))
                .collect(),
            TRUNCATED,
        ),
        S::Merge(merge) => (
            named_table(&merge.table, dialect)
                .map(|(table, _)| table)
                .into_iter()
                .collect(),
            MERGED,
        ),
        S::Copy { to: true, .. } => return Some(Step::skip("only reads")),
        S::Copy {
            source: CopySource::Table {
                table_name: name, ..
            },
            ..
        }
        | S::LoadData {
            table_name: name, ..
        } => (vec![table_name(name, dialect)], INSERTED),
        S::Copy { .. } => (Vec::new(), INSERTED),
        _ => return None,
    };
    Some(rows_of(&tables, reason, scope))
}

/// The rows of a plain `INSERT INTO t (c, …) VALUES (…), …` into a table
/// the up does not create, which the runtime can delete by a unique key;
/// `None` for any other insert.
fn inserted_rows(insert: &ast::Insert, scope: &Scope) -> Option<Need> {
    let dialect = scope.dialect();
    let TableObject::TableName(name) = &insert.table else {
        return None;
    };
    let table = table_name(name, dialect);
    let plain = !insert.ignore
        && !insert.replace_into
        && insert.or.is_none()
        && insert.on.is_none()
        && insert.returning.is_none()
        && scope.on_created_table(&table).is_none();
    let source = insert
        .source
        .as_deref()
        .filter(|source| plain && source.with.is_none())?;
    let SetExpr::Values(values) = source.body.as_ref() else {
        return None;
    };
    let columns = insert
        .columns
        .iter()
        .map(|column| {
            column
                .0
                .last()?
                .as_ident()
                .map(|ident| fold(ident, dialect))
        })
        .collect::<Option<Vec<_>>>()
        .filter(|columns| !columns.is_empty())?;
    let rows = values
        .rows
        .iter()
        .map(|row| {
            row.content
                .iter()
                .map(|value| literal(value, dialect))
                .collect()
        })
        .collect();
    Some(Need::InsertedRows {
        table,
        columns,
        rows,
    })
}

/// `value` as SQL text when it is a number or string literal (possibly
/// negative) that reads the same when written back: not a MySQL string
/// with a backslash, which sqlparser has unescaped.
fn literal(value: &Expr, dialect: Dialect) -> Option<String> {
    match value {
        Expr::Value(value) => match &value.value {
            Value::Number(..) => Some(value.to_string()),
            Value::SingleQuotedString(text)
                if !(dialect == Dialect::MySql && text.contains('\\')) =>
            {
                Some(value.to_string())
            }
            _ => None,
        },
        Expr::UnaryOp {
            op: UnaryOperator::Minus,
            expr,
        } if matches!(expr.as_ref(), Expr::Value(value) if matches!(value.value, Value::Number(..))) => {
            Some(value.to_string())
        }
        _ => None,
    }
}

/// The table an insert writes, and what it does to rows already there.
fn insert_rows(insert: &ast::Insert, dialect: Dialect) -> (Vec<TableName>, &'static str) {
    let tables = match &insert.table {
        TableObject::TableName(name) => vec![table_name(name, dialect)],
        TableObject::TableFunction(_) | TableObject::TableQuery(_) => Vec::new(),
    };
    let reason = match (replaces(insert), upserts(insert)) {
        (true, _) => REPLACED,
        (false, true) => UPDATED,
        (false, false) => INSERTED,
    };
    (tables, reason)
}

/// The tables of `DeleteRows`/`UpdateRows` effects.
fn affected(effects: Vec<Effect>) -> Vec<TableName> {
    effects
        .into_iter()
        .filter_map(|effect| match effect {
            Effect::DeleteRows { table } | Effect::UpdateRows { table } => Some(table),
            _ => None,
        })
        .collect()
}

/// Nothing to undo when every table is one the up creates; otherwise the
/// rows are lost for `reason`.
fn rows_of(tables: &[TableName], reason: &str, scope: &Scope) -> Step {
    let created: Option<Vec<String>> = tables
        .iter()
        .map(|table| scope.on_created_table(table))
        .collect();
    match created.and_then(|reasons| reasons.into_iter().next()) {
        Some(reason) => Step::skip(reason),
        None => Step::cannot(reason),
    }
}
