//! The verdict on one statement the parser reads, by kind: what it does to
//! the schema and to stored data.

use sqlparser::ast::{
    self, AlterColumnOperation, AlterTableOperation, DropBehavior, Ident, ObjectName, ObjectType,
    Query, ReferentialAction, RenameTableNameKind,
};
use sqlparser::parser::Parser;

use super::analyzed::{Effect, runs_hidden_code};
use super::rows::{changes_in, delete_effects, insert_effects, merge_effects, update_effects};
use super::unparsed::unparsed;
use super::verdict::{Shape, Verdict};
use crate::sql::dialect::{Dialect, parser_dialect};
use crate::sql::name::{TableName, fold, renamed_to, table_name};

/// Why a statement is unclassified when the parser read it but its kind is
/// not one this module knows.
const UNKNOWN_KIND: &str = "not a statement kind cargo-rollback knows";

/// Parses `sql` and merges the verdicts of the statements in it (one, after
/// `split`); what the parser cannot read goes to [`unparsed`](super::unparsed).
pub(super) fn analyze(sql: &str, dialect: Dialect) -> Verdict {
    match Parser::parse_sql(parser_dialect(dialect), sql) {
        Ok(statements) => statements
            .iter()
            .map(|statement| classify(statement, dialect))
            .fold(Verdict::schema(), Verdict::merge),
        Err(error) => {
            unparsed(sql, dialect).unwrap_or_else(|| Verdict::unclassified(error.to_string()))
        }
    }
}

/// The verdict on one parsed statement. The kinds listed are those the three
/// dialects produce in migrations; anything else is unknown, hence unclassified.
fn classify(statement: &ast::Statement, dialect: Dialect) -> Verdict {
    use ast::Statement as S;
    match statement {
        S::CreateTable(create) => create_table(create, dialect),
        S::AlterTable(alter) => alter_table(alter, dialect),
        S::Drop {
            object_type,
            names,
            cascade,
            ..
        } => drop_objects(*object_type, names, *cascade, dialect),
        S::DropFunction(function) => {
            cascading(function.drop_behavior == Some(DropBehavior::Cascade))
        }
        S::DropProcedure { drop_behavior, .. } => {
            cascading(*drop_behavior == Some(DropBehavior::Cascade))
        }
        S::DropExtension(extension) => {
            cascading(extension.cascade_or_restrict == Some(ReferentialAction::Cascade))
        }
        S::DropDomain(_) => Verdict::destructive(Vec::new()),
        S::Truncate(truncate) => Verdict::destructive(
            truncate
                .table_names
                .iter()
                .map(|target| Effect::Truncate {
                    table: table_name(&target.name, dialect),
                })
                .collect(),
        ),
        S::RenameTable(renames) => renames
            .iter()
            .map(|rename| {
                let from = table_name(&rename.old_name, dialect);
                let to = renamed_to(&from, &rename.new_name, dialect);
                Verdict::schema().with_shape(Shape::Rename { from, to })
            })
            .fold(Verdict::schema(), Verdict::merge),
        S::StartTransaction { statements, .. } => statements
            .iter()
            .map(|inner| classify(inner, dialect))
            .fold(Verdict::schema(), Verdict::merge),
        S::Query(query) => query_verdict(query, dialect),
        S::Insert(insert) => Verdict::data(insert_effects(insert, dialect)),
        S::Update(update) => Verdict::data(update_effects(update, dialect)),
        S::Delete(delete) => Verdict::data(delete_effects(delete, dialect)),
        S::Merge(merge) => Verdict::data(merge_effects(merge, dialect)),
        S::Copy { .. } | S::LoadData { .. } => Verdict::data(Vec::new()),
        S::Call(_) => Verdict::unclassified(runs_hidden_code("CALL")),
        S::Execute { .. } => Verdict::unclassified(runs_hidden_code("EXECUTE")),
        _ if is_harmless(statement) => Verdict::schema(),
        _ => Verdict::unclassified(UNKNOWN_KIND),
    }
}

/// Kinds that change the schema or the session and lose nothing stored.
fn is_harmless(statement: &ast::Statement) -> bool {
    use ast::Statement as S;
    matches!(
        statement,
        S::CreateView(_)
            | S::CreateVirtualTable { .. }
            | S::CreateIndex(_)
            | S::CreateRole(_)
            | S::CreateUser(_)
            | S::CreatePolicy(_)
            | S::CreateExtension(_)
            | S::CreateCollation(_)
            | S::CreateSchema { .. }
            | S::CreateDatabase { .. }
            | S::CreateFunction(_)
            | S::CreateTrigger(_)
            | S::CreateProcedure { .. }
            | S::CreateSequence { .. }
            | S::CreateDomain(_)
            | S::CreateType { .. }
            | S::CreateOperator(_)
            | S::CreateOperatorFamily(_)
            | S::CreateOperatorClass(_)
            | S::CreateTextSearch(_)
            | S::AlterSchema(_)
            | S::AlterIndex { .. }
            | S::AlterView { .. }
            | S::AlterFunction(_)
            | S::AlterType(_)
            | S::AlterCollation(_)
            | S::AlterOperator(_)
            | S::AlterOperatorFamily(_)
            | S::AlterOperatorClass(_)
            | S::AlterTextSearch(_)
            | S::AlterRole { .. }
            | S::AlterUser(_)
            | S::AlterPolicy(_)
            | S::DropTrigger(_)
            | S::DropPolicy(_)
            | S::DropOperator(_)
            | S::DropOperatorFamily(_)
            | S::DropOperatorClass(_)
            | S::Comment { .. }
            | S::Grant(_)
            | S::Revoke(_)
            | S::Set(_)
            | S::Reset(_)
            | S::Discard { .. }
            | S::Pragma { .. }
            | S::AttachDatabase { .. }
            | S::Use(_)
            | S::Commit { .. }
            | S::Rollback { .. }
            | S::Savepoint { .. }
            | S::ReleaseSavepoint { .. }
            | S::Analyze(_)
            | S::Vacuum(_)
            | S::Prepare { .. }
            | S::Deallocate { .. }
            | S::Lock(_)
            | S::LockTables { .. }
            | S::UnlockTables
            | S::LISTEN { .. }
            | S::UNLISTEN { .. }
            | S::NOTIFY { .. }
    )
}

/// A drop of a kind that is harmless alone and destructive with `CASCADE`
/// (see [`StatementClass::Schema`](super::analyzed::StatementClass::Schema)).
fn cascading(cascade: bool) -> Verdict {
    if cascade {
        Verdict::destructive(Vec::new())
    } else {
        Verdict::schema()
    }
}

/// `CREATE TABLE` is harmless, except MariaDB's `CREATE OR REPLACE TABLE`,
/// which drops the table it replaces.
fn create_table(create: &ast::CreateTable, dialect: Dialect) -> Verdict {
    let table = table_name(&create.name, dialect);
    let columns = create
        .columns
        .iter()
        .map(|column| fold(&column.name, dialect))
        .collect();
    let verdict = if create.or_replace {
        Verdict::destructive(vec![Effect::DropTable {
            table: table.clone(),
        }])
    } else {
        Verdict::schema()
    };
    verdict.with_shape(Shape::CreateTable { table, columns })
}

/// `DROP <kind> names…`, with one effect per name where the kind has one.
fn drop_objects(
    kind: ObjectType,
    names: &[ObjectName],
    cascade: bool,
    dialect: Dialect,
) -> Verdict {
    let effect = |name: &ObjectName| {
        let table = table_name(name, dialect);
        match kind {
            ObjectType::Table => Some(Effect::DropTable { table }),
            ObjectType::View | ObjectType::MaterializedView => Some(Effect::DropView {
                view: table,
                materialized: kind == ObjectType::MaterializedView,
            }),
            ObjectType::Schema => Some(Effect::DropSchema {
                schema: table.name,
                cascade,
            }),
            _ => None,
        }
    };
    match kind {
        ObjectType::Index | ObjectType::Role | ObjectType::User => Verdict::schema(),
        ObjectType::Collation => cascading(cascade),
        ObjectType::Table
        | ObjectType::View
        | ObjectType::MaterializedView
        | ObjectType::Schema
        | ObjectType::Database
        | ObjectType::Sequence
        | ObjectType::Type => Verdict::destructive(names.iter().filter_map(effect).collect()),
        ObjectType::Stage | ObjectType::Stream | ObjectType::Warehouse => {
            Verdict::unclassified(UNKNOWN_KIND)
        }
    }
}

/// `ALTER TABLE`: each operation judged on its own, then merged.
fn alter_table(alter: &ast::AlterTable, dialect: Dialect) -> Verdict {
    let table = table_name(&alter.name, dialect);
    alter
        .operations
        .iter()
        .map(|operation| alter_operation(&table, operation, dialect))
        .fold(Verdict::schema(), Verdict::merge)
}

fn alter_operation(
    table: &TableName,
    operation: &AlterTableOperation,
    dialect: Dialect,
) -> Verdict {
    use AlterTableOperation as A;
    let column_effect = |column: &Ident, drop: bool| {
        let column = fold(column, dialect);
        let table = table.clone();
        if drop {
            Effect::DropColumn { table, column }
        } else {
            Effect::ChangeColumnType { table, column }
        }
    };
    match operation {
        A::DropColumn { column_names, .. } => Verdict::destructive(
            column_names
                .iter()
                .map(|column| column_effect(column, true))
                .collect(),
        ),
        A::AlterColumn {
            column_name,
            op: AlterColumnOperation::SetDataType { .. },
        } => Verdict::destructive(vec![column_effect(column_name, false)]),
        A::ModifyColumn { col_name, .. } => {
            Verdict::destructive(vec![column_effect(col_name, false)])
        }
        A::ChangeColumn { old_name, .. } => {
            Verdict::destructive(vec![column_effect(old_name, false)])
        }
        A::DropPartitions { .. } => Verdict::destructive(Vec::new()),
        A::RenameTable { table_name } => {
            let (RenameTableNameKind::As(to) | RenameTableNameKind::To(to)) = table_name;
            Verdict::schema().with_shape(Shape::Rename {
                from: table.clone(),
                to: renamed_to(table, to, dialect),
            })
        }
        A::AlterColumn { .. }
        | A::AddConstraint { .. }
        | A::AddColumn { .. }
        | A::DropConstraint { .. }
        | A::DropPrimaryKey { .. }
        | A::DropForeignKey { .. }
        | A::DropIndex { .. }
        | A::RenameColumn { .. }
        | A::RenameConstraint { .. }
        | A::ValidateConstraint { .. }
        | A::EnableRowLevelSecurity
        | A::DisableRowLevelSecurity
        | A::ForceRowLevelSecurity
        | A::NoForceRowLevelSecurity
        | A::EnableTrigger { .. }
        | A::DisableTrigger { .. }
        | A::EnableAlwaysTrigger { .. }
        | A::EnableReplicaTrigger { .. }
        | A::EnableRule { .. }
        | A::DisableRule { .. }
        | A::EnableAlwaysRule { .. }
        | A::EnableReplicaRule { .. }
        | A::ReplicaIdentity { .. }
        | A::OwnerTo { .. }
        | A::SetLogged
        | A::SetUnlogged
        | A::AttachPartition { .. }
        | A::DetachPartition { .. }
        | A::AddPartitions { .. }
        | A::Algorithm { .. }
        | A::Lock { .. }
        | A::AutoIncrement { .. }
        | A::SetOptionsParens { .. } => Verdict::schema(),
        _ => Verdict::unclassified(UNKNOWN_KIND),
    }
}

/// `SELECT`, `VALUES`, `WITH …`: data, plus what PostgreSQL's data-modifying
/// `WITH` parts and a `WITH … UPDATE/DELETE` body do.
fn query_verdict(query: &Query, dialect: Dialect) -> Verdict {
    changes_in(query)
        .into_iter()
        .map(|statement| classify(statement, dialect))
        .fold(Verdict::data(Vec::new()), Verdict::merge)
}
