//! `ALTER TABLE`: one inverse per operation, the last operation's first.

use sqlparser::ast::{
    self, AlterColumnOperation, AlterTableOperation, Ident, ObjectName, RenameTableNameKind,
    TableConstraint,
};

use super::inverse::{ColumnChanges, InversePart, Need, Unnamed};
use super::kind::Kind;
use super::object;
use super::scope::Scope;
use super::step::Step;
use crate::sql::dialect::Dialect;
use crate::sql::name::{TableName, fold, renamed_to, table_name};

/// Why an operation cargo-rollback does not know cannot be inverted.
const UNKNOWN_OPERATION: &str = "not an ALTER TABLE operation cargo-rollback can invert";

/// The table an `ALTER TABLE` changes, as its inverses write and read it.
struct Target<'a> {
    /// As written, with `ONLY` where the statement says it.
    written: String,
    /// Folded.
    table: TableName,
    name: &'a ObjectName,
    dialect: Dialect,
}

impl Target<'_> {
    /// `ALTER TABLE <table> <action>`.
    fn sql(&self, action: impl std::fmt::Display) -> Step {
        Step::sql(format!("ALTER TABLE {} {action}", self.written))
    }

    fn column(&self, column: &Ident) -> String {
        fold(column, self.dialect)
    }

    fn recreate_column(
        &self,
        column: &Ident,
        now_named: Option<&Ident>,
        changes: ColumnChanges,
    ) -> Step {
        let column_name = self.column(column);
        let now_named = now_named
            .map(|new| self.column(new))
            .filter(|new| *new != column_name);
        Step::recreate(Need::ColumnDefinition {
            table: self.table.clone(),
            column: column_name,
            now_named,
            changes,
        })
    }
}

/// What a MySQL `MODIFY`/`CHANGE COLUMN` changes: it restates the whole
/// definition.
const WHOLE_DEFINITION: ColumnChanges = ColumnChanges {
    data_type: true,
    default: true,
    not_null: true,
    identity: false,
};

pub(super) fn alter_table(alter: &ast::AlterTable, scope: &mut Scope) -> Step {
    let dialect = scope.dialect();
    let only = if alter.only { "ONLY " } else { "" };
    let target = Target {
        written: format!("{only}{}", alter.name),
        table: table_name(&alter.name, dialect),
        name: &alter.name,
        dialect,
    };
    Step::reversed(
        alter
            .operations
            .iter()
            .map(|operation| operation_step(&target, operation, scope))
            .collect(),
    )
}

/// One operation: nothing to undo on a table the up creates, but a rename,
/// which the down reverses before it drops the table under its first name;
/// a new default and a foreign key, which the down drops first: the default
/// may use a sequence or function, and the key point at a table, that the up
/// creates after this table (as `pg_dump` writes them), and the database
/// drops neither while they are used.
fn operation_step(target: &Target<'_>, operation: &AlterTableOperation, scope: &mut Scope) -> Step {
    if let AlterTableOperation::RenameTable { table_name } = operation {
        let (RenameTableNameKind::As(to) | RenameTableNameKind::To(to)) = table_name;
        return rename_table(target.name, to, scope);
    }
    match scope.on_created_table(&target.table) {
        Some(_)
            if let AlterTableOperation::AlterColumn {
                column_name,
                op: AlterColumnOperation::SetDefault { .. },
            } = operation =>
        {
            target.sql(format!("ALTER COLUMN {column_name} DROP DEFAULT"))
        }
        Some(_)
            if let AlterTableOperation::AddConstraint {
                constraint: constraint @ TableConstraint::ForeignKey(_),
                ..
            } = operation =>
        {
            add_constraint(target, constraint)
        }
        Some(reason) => Step::skip(reason),
        None => invert_operation(target, operation),
    }
}

/// `ALTER TABLE old RENAME TO new`, MySQL's `RENAME TABLE old TO new`.
/// Renaming back the table a SQLite rebuild put in place must leave the
/// other tables' foreign keys alone: they name the rebuilt table, and SQLite
/// rewrites them on a rename unless `legacy_alter_table` is on.
pub(super) fn rename_table(old: &ObjectName, new: &ObjectName, scope: &mut Scope) -> Step {
    let dialect = scope.dialect();
    let from = table_name(old, dialect);
    let to = renamed_to(&from, new, dialect);
    if dialect == Dialect::Sqlite && scope.completes_rebuild(&from, &to) {
        scope.rename_table(&from, to.clone());
        return Step::recreate(Need::RebuildRename {
            table: to,
            back_to: from,
        });
    }
    let created = scope.on_created_table(&from).is_some();
    scope.rename_table(&from, to);
    match dialect {
        Dialect::MySql => {
            let (renamed, back) = object::reverse_names(old, new);
            Step::sql(format!("RENAME TABLE {renamed} TO {back}"))
        }
        Dialect::Sqlite if !created => Step::Undo(vec![
            InversePart::Sql {
                sql: object::rename_back(Kind::Table, old, new, None),
            },
            InversePart::Recreate {
                need: Need::References { table: from },
            },
        ]),
        Dialect::Sqlite | Dialect::Postgres => {
            Step::sql(object::rename_back(Kind::Table, old, new, None))
        }
    }
}

fn invert_operation(target: &Target<'_>, operation: &AlterTableOperation) -> Step {
    use AlterTableOperation as A;
    match operation {
        A::AddColumn { column_def, .. } => target.sql(format!("DROP COLUMN {}", column_def.name)),
        A::AddConstraint { constraint, .. } => add_constraint(target, constraint),
        A::DropColumn { column_names, .. } => Step::reversed(
            column_names
                .iter()
                .map(|column| {
                    Step::recreate(Need::Column {
                        table: target.table.clone(),
                        column: target.column(column),
                    })
                })
                .collect(),
        ),
        A::AlterColumn { column_name, op } => alter_column(target, column_name, op),
        A::ModifyColumn { col_name, .. } => {
            target.recreate_column(col_name, None, WHOLE_DEFINITION)
        }
        A::ChangeColumn {
            old_name, new_name, ..
        } => target.recreate_column(old_name, Some(new_name), WHOLE_DEFINITION),
        A::DropConstraint { name, .. } | A::DropForeignKey { name, .. } => {
            recreate_constraint(target, target.column(name))
        }
        A::DropPrimaryKey { .. } => recreate_constraint(target, "PRIMARY".to_string()),
        A::DropIndex { name } => Step::recreate(Need::Index {
            index: TableName {
                schema: None,
                name: target.column(name),
            },
            table: Some(target.table.clone()),
        }),
        A::RenameColumn {
            old_column_name,
            new_column_name,
        } => target.sql(format!(
            "RENAME COLUMN {new_column_name} TO {old_column_name}"
        )),
        A::RenameConstraint { old_name, new_name } => {
            target.sql(format!("RENAME CONSTRAINT {new_name} TO {old_name}"))
        }
        A::EnableRowLevelSecurity => target.sql("DISABLE ROW LEVEL SECURITY"),
        A::DisableRowLevelSecurity => target.sql("ENABLE ROW LEVEL SECURITY"),
        A::ForceRowLevelSecurity => target.sql("NO FORCE ROW LEVEL SECURITY"),
        A::NoForceRowLevelSecurity => target.sql("FORCE ROW LEVEL SECURITY"),
        A::EnableTrigger { name } => target.sql(format!("DISABLE TRIGGER {name}")),
        A::DisableTrigger { name } => target.sql(format!("ENABLE TRIGGER {name}")),
        A::SetLogged => target.sql("SET UNLOGGED"),
        A::SetUnlogged => target.sql("SET LOGGED"),
        A::ValidateConstraint { .. } => {
            Step::skip("validating a constraint changes nothing to undo")
        }
        A::Algorithm { .. } | A::Lock { .. } => Step::skip("says only how MySQL runs the change"),
        _ => Step::cannot(UNKNOWN_OPERATION),
    }
}

fn recreate_constraint(target: &Target<'_>, name: String) -> Step {
    Step::recreate(Need::Constraint {
        table: target.table.clone(),
        name,
    })
}

/// `ALTER COLUMN`: what it changes, read back; an identity it adds, dropped.
fn alter_column(target: &Target<'_>, column: &Ident, op: &AlterColumnOperation) -> Step {
    use AlterColumnOperation as O;
    let changes = match op {
        O::SetNotNull | O::DropNotNull => ColumnChanges {
            not_null: true,
            ..ColumnChanges::default()
        },
        O::SetDefault { .. } | O::DropDefault => ColumnChanges {
            default: true,
            ..ColumnChanges::default()
        },
        O::SetDataType { .. } => ColumnChanges {
            data_type: true,
            ..ColumnChanges::default()
        },
        O::AddGenerated { .. } => {
            return target.sql(format!("ALTER COLUMN {column} DROP IDENTITY"));
        }
    };
    target.recreate_column(column, None, changes)
}

/// `ADD CONSTRAINT`, `ADD INDEX`…: dropped by name, in the dialect's words
/// (MySQL drops a unique constraint as its index, a foreign key as such);
/// by the name the database gave it when the statement gives none.
fn add_constraint(target: &Target<'_>, constraint: &TableConstraint) -> Step {
    use TableConstraint as C;
    let mysql = target.dialect == Dialect::MySql;
    let by_name = |name: Option<&Ident>, drop: &str, unnamed: Unnamed| match name {
        Some(name) => target.sql(format!("{drop} {name}")),
        None => Step::drop_unnamed(unnamed),
    };
    let unnamed_constraint = || Unnamed::Constraint {
        table: target.table.clone(),
    };
    let unnamed_index = || Unnamed::Index {
        table: target.table.clone(),
    };
    match constraint {
        C::PrimaryKey(_) if mysql => target.sql("DROP PRIMARY KEY"),
        C::ForeignKey(key) if mysql => {
            by_name(key.name.as_ref(), "DROP FOREIGN KEY", unnamed_constraint())
        }
        C::Unique(unique) if mysql => by_name(
            unique.index_name.as_ref().or(unique.name.as_ref()),
            "DROP INDEX",
            unnamed_index(),
        ),
        C::Index(index) => by_name(index.name.as_ref(), "DROP INDEX", unnamed_index()),
        C::FulltextOrSpatial(index) => {
            by_name(index.opt_index_name.as_ref(), "DROP INDEX", unnamed_index())
        }
        C::Unique(ast::UniqueConstraint { name, .. })
        | C::PrimaryKey(ast::PrimaryKeyConstraint { name, .. })
        | C::ForeignKey(ast::ForeignKeyConstraint { name, .. })
        | C::Check(ast::CheckConstraint { name, .. })
        | C::PrimaryKeyUsingIndex(ast::ConstraintUsingIndex { name, .. })
        | C::UniqueUsingIndex(ast::ConstraintUsingIndex { name, .. })
        | C::Exclude(ast::ExcludeConstraint { name, .. }) => {
            by_name(name.as_ref(), "DROP CONSTRAINT", unnamed_constraint())
        }
    }
}
