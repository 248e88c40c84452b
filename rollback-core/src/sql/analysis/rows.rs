//! The rows a data statement may delete or change: the effects of
//! `INSERT`, `UPDATE`, `DELETE` and `MERGE`, with the tables their `FROM`,
//! `USING` and joins name.

use sqlparser::ast::{
    self, AssignmentTarget, FromTable, MergeAction, OnConflictAction, OnInsert, SqliteOnConflict,
    TableFactor, TableObject, TableWithJoins, UpdateTableFromKind,
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
    let replaces = insert.replace_into || insert.or == Some(SqliteOnConflict::Replace);
    let upserts = match &insert.on {
        Some(OnInsert::DuplicateKeyUpdate(_)) => true,
        Some(OnInsert::OnConflict(conflict)) => {
            matches!(conflict.action, OnConflictAction::DoUpdate(_))
        }
        _ => false,
    };
    let mut effects = Vec::new();
    if replaces {
        effects.push(Effect::DeleteRows {
            table: table.clone(),
        });
    }
    if upserts {
        effects.push(Effect::UpdateRows { table });
    }
    effects
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
