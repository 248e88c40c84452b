//! The rows a data statement may delete or change: the effects of
//! `INSERT`, `UPDATE`, `DELETE` and `MERGE`, with the tables their `FROM`,
//! `USING` and joins name, and the statements that change rows inside a
//! query. Inversion reads rows through these too.

use sqlparser::ast::{
    self, AssignmentTarget, FromTable, MergeAction, OnConflictAction, OnInsert, Query, SetExpr,
    SqliteOnConflict, TableFactor, TableObject, TableWithJoins, UpdateTableFromKind,
};

use super::analyzed::Effect;
use crate::sql::dialect::Dialect;
use crate::sql::name::{TableName, named_table, qualifier, resolve_alias, table_name};

/// An insert changes existing rows when it is an upsert (`ON CONFLICT DO
/// UPDATE`, `ON DUPLICATE KEY UPDATE`) and deletes them when it replaces
/// (`REPLACE INTO`, `INSERT OR REPLACE`).
pub(super) fn insert_effects(insert: &ast::Insert, dialect: Dialect) -> Vec<Effect> {
    let TableObject::TableName(name) = &insert.table else {
        return Vec::new();
    };
    let table = table_name(name, dialect);
    let mut effects = Vec::new();
    if replaces(insert) {
        effects.push(Effect::DeleteRows {
            table: table.clone(),
        });
    }
    if upserts(insert) {
        effects.push(Effect::UpdateRows { table });
    }
    effects
}

/// Whether an insert deletes the rows it conflicts with (`REPLACE INTO`,
/// `INSERT OR REPLACE`).
pub(crate) fn replaces(insert: &ast::Insert) -> bool {
    insert.replace_into || insert.or == Some(SqliteOnConflict::Replace)
}

/// Whether an insert updates the rows it conflicts with (`ON CONFLICT DO
/// UPDATE`, `ON DUPLICATE KEY UPDATE`).
pub(crate) fn upserts(insert: &ast::Insert) -> bool {
    match &insert.on {
        Some(OnInsert::DuplicateKeyUpdate(_)) => true,
        Some(OnInsert::OnConflict(conflict)) => {
            matches!(conflict.action, OnConflictAction::DoUpdate(_))
        }
        _ => false,
    }
}

/// The statements that change rows inside a `SELECT`, `VALUES` or `WITH …`
/// (PostgreSQL's `WITH d AS (DELETE …)`, `WITH … UPDATE`), in the order they
/// are written.
pub(crate) fn changes_in(query: &Query) -> Vec<&ast::Statement> {
    let mut changes = Vec::new();
    collect_changes(query, &mut changes);
    changes
}

fn collect_changes<'a>(query: &'a Query, changes: &mut Vec<&'a ast::Statement>) {
    for cte in query.with.iter().flat_map(|with| &with.cte_tables) {
        collect_changes(&cte.query, changes);
    }
    collect_set_expr_changes(&query.body, changes);
}

fn collect_set_expr_changes<'a>(body: &'a SetExpr, changes: &mut Vec<&'a ast::Statement>) {
    match body {
        SetExpr::Insert(statement)
        | SetExpr::Update(statement)
        | SetExpr::Delete(statement)
        | SetExpr::Merge(statement) => changes.push(statement),
        SetExpr::Query(query) => collect_changes(query, changes),
        SetExpr::SetOperation { left, right, .. } => {
            collect_set_expr_changes(left, changes);
            collect_set_expr_changes(right, changes);
        }
        SetExpr::Select(_) | SetExpr::Values(_) | SetExpr::Table(_) => {}
    }
}

/// The updated table, and with MySQL's multi-table `UPDATE a JOIN b … SET
/// b.x = …` every other table whose name or alias qualifies an assigned column.
pub(crate) fn update_effects(update: &ast::Update, dialect: Dialect) -> Vec<Effect> {
    let mut sources = vec![&update.table];
    if let Some(UpdateTableFromKind::BeforeSet(from)) = &update.from {
        sources.extend(from);
    }
    let qualifiers: Vec<String> = update
        .assignments
        .iter()
        .flat_map(|assignment| match &assignment.target {
            AssignmentTarget::ColumnName(column) => std::slice::from_ref(column),
            AssignmentTarget::Tuple(columns) => columns.as_slice(),
        })
        .filter_map(|column| qualifier(column, dialect))
        .collect();
    let main = named_table(&update.table.relation, dialect).map(|(table, _)| table);
    let joined = sources
        .into_iter()
        .flat_map(factors)
        .filter_map(|factor| named_table(factor, dialect))
        .filter(|(table, alias)| {
            qualifiers
                .iter()
                .any(|q| *q == table.name || alias.as_ref() == Some(q))
        })
        .map(|(table, _)| table);
    let mut tables: Vec<TableName> = main.into_iter().collect();
    for table in joined {
        if !tables.contains(&table) {
            tables.push(table);
        }
    }
    tables
        .into_iter()
        .map(|table| Effect::UpdateRows { table })
        .collect()
}

/// The tables rows are deleted from: those listed before `FROM` (MySQL's
/// multi-table form, aliases resolved), else those after it, but not `USING`.
pub(crate) fn delete_effects(delete: &ast::Delete, dialect: Dialect) -> Vec<Effect> {
    let (FromTable::WithFromKeyword(from) | FromTable::WithoutKeyword(from)) = &delete.from;
    let tables: Vec<TableName> = if delete.tables.is_empty() {
        from.iter()
            .filter_map(|source| named_table(&source.relation, dialect))
            .map(|(table, _)| table)
            .collect()
    } else {
        let known: Vec<(TableName, Option<String>)> = from
            .iter()
            .chain(delete.using.iter().flatten())
            .flat_map(factors)
            .filter_map(|factor| named_table(factor, dialect))
            .collect();
        delete
            .tables
            .iter()
            .map(|name| resolve_alias(table_name(name, dialect), &known))
            .collect()
    };
    tables
        .into_iter()
        .map(|table| Effect::DeleteRows { table })
        .collect()
}

/// `MERGE INTO t …`: what its `WHEN` clauses do to `t`.
pub(super) fn merge_effects(merge: &ast::Merge, dialect: Dialect) -> Vec<Effect> {
    let Some((table, _)) = named_table(&merge.table, dialect) else {
        return Vec::new();
    };
    let does = |wanted: fn(&MergeAction) -> bool| {
        merge.clauses.iter().any(|clause| wanted(&clause.action))
    };
    let mut effects = Vec::new();
    if does(|action| matches!(action, MergeAction::Update(_))) {
        effects.push(Effect::UpdateRows {
            table: table.clone(),
        });
    }
    if does(|action| matches!(action, MergeAction::Delete { .. })) {
        effects.push(Effect::DeleteRows { table });
    }
    effects
}

/// The table factors of a `FROM` item: its first relation and each joined one.
fn factors(source: &TableWithJoins) -> impl Iterator<Item = &TableFactor> {
    std::iter::once(&source.relation).chain(source.joins.iter().map(|join| &join.relation))
}
