//! What the linter knows of the schema before a statement: the tables the
//! earlier migrations (and the earlier statements of the script) created,
//! their columns' types, the `CHECK (c IS NOT NULL)` constraints and the
//! foreign keys between them. Only what the rules ask about is kept; an
//! unknown table or type makes a rule say nothing rather than guess.

use std::collections::{BTreeMap, BTreeSet};

use sqlparser::ast::{
    self, AlterColumnOperation, AlterTableOperation, ColumnOption, ObjectName, ObjectType,
    RenameTableNameKind, TableConstraint,
};

use crate::sql::dialect::Dialect;
use crate::sql::name::{TableName, fold, table_name};

/// A table's key in the model: its own name, lowercase. Schemas are left
/// out: migrations rarely name them, and a rule that misses a schema only
/// reports less.
pub(super) fn key(table: &TableName) -> String {
    table.name.to_lowercase()
}

/// The key of a table named in the AST.
pub(super) fn key_of(name: &ObjectName, dialect: Dialect) -> String {
    key(&table_name(name, dialect))
}

/// A column's key: its folded name, lowercase.
pub(super) fn column_key(column: &ast::Ident, dialect: Dialect) -> String {
    fold(column, dialect).to_lowercase()
}

/// One table as the model knows it.
#[derive(Debug, Clone, Default)]
pub(super) struct Table {
    /// Each column's type as the parser prints it, uppercase.
    columns: BTreeMap<String, String>,
    /// Columns a `CHECK (c IS NOT NULL)` constraint covers.
    not_null_checks: BTreeSet<String>,
    /// The tables its foreign keys reference.
    references: BTreeSet<String>,
}

/// The tables known before a statement.
#[derive(Debug, Clone, Default)]
pub(super) struct Schema {
    tables: BTreeMap<String, Table>,
    /// Each named index's table (index names lowercase).
    indexes: BTreeMap<String, String>,
}

impl Schema {
    /// The type of `table.column`, when both are known.
    pub(super) fn column_type(&self, table: &str, column: &str) -> Option<&str> {
        self.tables
            .get(table)?
            .columns
            .get(column)
            .map(String::as_str)
    }

    /// The columns of `table`, when it is known.
    pub(super) fn columns(&self, table: &str) -> Option<impl Iterator<Item = &str>> {
        Some(self.tables.get(table)?.columns.keys().map(String::as_str))
    }

    /// Whether a `CHECK (column IS NOT NULL)` constraint covers the column.
    pub(super) fn has_not_null_check(&self, table: &str, column: &str) -> bool {
        self.tables
            .get(table)
            .is_some_and(|known| known.not_null_checks.contains(column))
    }

    /// Whether another table's foreign key references `table`.
    pub(super) fn is_referenced(&self, table: &str) -> bool {
        self.tables
            .iter()
            .any(|(name, known)| name != table && known.references.contains(table))
    }

    /// The table of a known index.
    pub(super) fn index_table(&self, index: &str) -> Option<&str> {
        self.indexes.get(index).map(String::as_str)
    }

    /// Records what a statement does to the tables.
    pub(super) fn apply(&mut self, statement: &ast::Statement, dialect: Dialect) {
        use ast::Statement as S;
        match statement {
            S::CreateTable(create) => {
                let mut table = Table::default();
                for column in &create.columns {
                    table.add_column(column, dialect);
                }
                for constraint in &create.constraints {
                    table.add_constraint(constraint, dialect);
                }
                self.tables.insert(key_of(&create.name, dialect), table);
            }
            S::AlterTable(alter) => {
                let name = key_of(&alter.name, dialect);
                for operation in &alter.operations {
                    self.alter(&name, operation, dialect);
                }
            }
            S::CreateIndex(index) => {
                if let Some(name) = &index.name {
                    self.indexes.insert(
                        name.to_string().to_lowercase(),
                        key_of(&index.table_name, dialect),
                    );
                }
            }
            S::Drop {
                object_type: ObjectType::Table,
                names,
                ..
            } => {
                for name in names {
                    self.tables.remove(&key_of(name, dialect));
                }
            }
            S::Drop {
                object_type: ObjectType::Index,
                names,
                ..
            } => {
                for name in names {
                    self.indexes.remove(&name.to_string().to_lowercase());
                }
            }
            S::RenameTable(renames) => {
                for rename in renames {
                    self.rename(
                        &key_of(&rename.old_name, dialect),
                        key_of(&rename.new_name, dialect),
                    );
                }
            }
            _ => {}
        }
    }

    fn rename(&mut self, from: &str, to: String) {
        if let Some(table) = self.tables.remove(from) {
            self.tables.insert(to, table);
        }
    }

    fn alter(&mut self, name: &str, operation: &AlterTableOperation, dialect: Dialect) {
        if let AlterTableOperation::RenameTable { table_name } = operation {
            let (RenameTableNameKind::As(to) | RenameTableNameKind::To(to)) = table_name;
            self.rename(name, key_of(to, dialect));
            return;
        }
        let Some(table) = self.tables.get_mut(name) else {
            return;
        };
        match operation {
            AlterTableOperation::AddColumn { column_def, .. } => {
                table.add_column(column_def, dialect);
            }
            AlterTableOperation::DropColumn { column_names, .. } => {
                for column in column_names {
                    table.columns.remove(&column_key(column, dialect));
                }
            }
            AlterTableOperation::RenameColumn {
                old_column_name,
                new_column_name,
            } => table.rename_column(old_column_name, new_column_name, None, dialect),
            AlterTableOperation::ChangeColumn {
                old_name,
                new_name,
                data_type,
                ..
            } => table.rename_column(old_name, new_name, Some(data_type), dialect),
            AlterTableOperation::ModifyColumn {
                col_name,
                data_type,
                ..
            } => table.rename_column(col_name, col_name, Some(data_type), dialect),
            AlterTableOperation::AlterColumn {
                column_name,
                op: AlterColumnOperation::SetDataType { data_type, .. },
            } => table.rename_column(column_name, column_name, Some(data_type), dialect),
            AlterTableOperation::AddConstraint { constraint, .. } => {
                table.add_constraint(constraint, dialect);
            }
            _ => {}
        }
    }
}

impl Table {
    fn add_column(&mut self, column: &ast::ColumnDef, dialect: Dialect) {
        let name = column_key(&column.name, dialect);
        for option in &column.options {
            if let ColumnOption::ForeignKey(foreign) = &option.option {
                self.references
                    .insert(key_of(&foreign.foreign_table, dialect));
            }
        }
        self.columns
            .insert(name, column.data_type.to_string().to_uppercase());
    }

    fn add_constraint(&mut self, constraint: &TableConstraint, dialect: Dialect) {
        match constraint {
            TableConstraint::ForeignKey(foreign) => {
                self.references
                    .insert(key_of(&foreign.foreign_table, dialect));
            }
            TableConstraint::Check(check) => {
                let text = check.expr.to_string().to_lowercase();
                for column in self.columns.keys() {
                    if text.contains(&format!("{column} is not null")) {
                        self.not_null_checks.insert(column.clone());
                    }
                }
            }
            _ => {}
        }
    }

    fn rename_column(
        &mut self,
        from: &ast::Ident,
        to: &ast::Ident,
        data_type: Option<&ast::DataType>,
        dialect: Dialect,
    ) {
        let Some(old) = self.columns.remove(&column_key(from, dialect)) else {
            return;
        };
        let new_type = data_type.map_or(old, |data_type| data_type.to_string().to_uppercase());
        self.columns.insert(column_key(to, dialect), new_type);
    }
}
