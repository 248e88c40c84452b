//! SQLite: what its `ALTER TABLE` cannot do, and table rebuilds that lose
//! rows of other tables through their foreign keys.

use sqlparser::ast::{self, AlterTableOperation, ColumnOption, Expr, GeneratedExpressionMode};

use crate::sql::analysis::Effect;
use crate::sql::dialect::Dialect;
use crate::sql::lint::rule::{Example, Family, Rule, SQLITE, Severity, example};
use crate::sql::lint::schema::key;
use crate::sql::lint::scope::{Hits, Scope, StatementView};

/// The rules of this family.
pub(super) const RULES: [Rule; 3] = [
    Rule {
        code: "RB601",
        name: "sqlite-rebuild-with-foreign-keys",
        severity: Severity::Warning,
        family: Family::Failing,
        dialects: SQLITE,
        why: "Rebuilding a table other tables reference (create, copy, drop, rename) with foreign keys on makes the `DROP TABLE` delete or fail on the referencing rows (`ON DELETE CASCADE` empties them). `PRAGMA foreign_keys = OFF` does nothing inside a transaction.",
        fix: "Mark the migration `-- rollback:no-transaction` and start it with `PRAGMA foreign_keys = OFF` (end with `PRAGMA foreign_key_check` and `PRAGMA foreign_keys = ON`).",
        bad: Example {
            up: "CREATE TABLE users_new (id INTEGER PRIMARY KEY, email VARCHAR(200));\nINSERT INTO users_new SELECT id, email FROM users;\nDROP TABLE users;\nALTER TABLE users_new RENAME TO users;",
            down: "",
        },
        good: Example {
            up: "-- rollback:no-transaction\nPRAGMA foreign_keys = OFF;\nCREATE TABLE users_new (id INTEGER PRIMARY KEY, email VARCHAR(200), name TEXT, status VARCHAR(20));\nINSERT INTO users_new SELECT id, email, name, status FROM users;\nDROP TABLE users;\nALTER TABLE users_new RENAME TO users;\nPRAGMA foreign_keys = ON;",
            down: "",
        },
    },
    Rule {
        code: "RB602",
        name: "sqlite-unsupported-alter",
        severity: Severity::Error,
        family: Family::Failing,
        dialects: SQLITE,
        why: "SQLite's `ALTER TABLE` only renames tables and columns, adds columns and drops columns; anything else (`ALTER COLUMN`, `ADD CONSTRAINT`, …) fails.",
        fix: "Rebuild the table: create the new definition, copy the rows, drop the old table, rename the new one (see RB601).",
        bad: example("ALTER TABLE users ALTER COLUMN email SET NOT NULL;"),
        good: example("ALTER TABLE users ADD COLUMN phone TEXT;"),
    },
    Rule {
        code: "RB603",
        name: "sqlite-add-column-refused",
        severity: Severity::Error,
        family: Family::Failing,
        dialects: SQLITE,
        why: "SQLite refuses `ADD COLUMN` with `PRIMARY KEY`, `UNIQUE`, a stored generated column, or a default that is not a constant (`CURRENT_TIMESTAMP`, a function call).",
        fix: "Add the column plainly and create a unique index separately, or rebuild the table for the rest.",
        bad: example("ALTER TABLE users ADD COLUMN created_at TEXT DEFAULT CURRENT_TIMESTAMP;"),
        good: example("ALTER TABLE users ADD COLUMN created_at TEXT DEFAULT '1970-01-01';"),
    },
];

/// Runs the family's checks on one statement.
pub(super) fn check(view: &StatementView<'_>, scope: &Scope<'_>, hits: &mut Hits) {
    if scope.dialect != Dialect::Sqlite {
        return;
    }
    for effect in view.effects {
        if let Effect::RebuildTable { table, .. } = effect
            && scope.schema.is_referenced(&key(table))
            && !(scope.no_transaction && scope.foreign_keys_off)
        {
            hits.add(
                "RB601",
                format!("rebuilds `{table}`, which other tables reference, with foreign keys on"),
            );
        }
    }
    let Some(ast::Statement::AlterTable(alter)) = view.parsed else {
        return;
    };
    for operation in &alter.operations {
        match operation {
            AlterTableOperation::AddColumn { column_def, .. } => {
                if let Some(reason) = refused_column(column_def) {
                    hits.add(
                        "RB603",
                        format!(
                            "adds `{}.{}` {reason}: SQLite refuses it",
                            alter.name, column_def.name
                        ),
                    );
                }
            }
            AlterTableOperation::RenameColumn { .. }
            | AlterTableOperation::RenameTable { .. }
            | AlterTableOperation::DropColumn { .. } => {}
            other => hits.add(
                "RB602",
                format!(
                    "`ALTER TABLE {} {other}` is not something SQLite can do",
                    alter.name
                ),
            ),
        }
    }
}

/// Why SQLite refuses to add this column, if it does.
fn refused_column(column: &ast::ColumnDef) -> Option<&'static str> {
    column
        .options
        .iter()
        .find_map(|option| match &option.option {
            ColumnOption::PrimaryKey(_) => Some("as a PRIMARY KEY"),
            ColumnOption::Unique(_) => Some("as UNIQUE"),
            ColumnOption::Default(expr) if !constant(expr) => {
                Some("with a default that is not a constant")
            }
            ColumnOption::Generated {
                generation_expr_mode: Some(GeneratedExpressionMode::Stored),
                ..
            } => Some("as a STORED generated column"),
            _ => None,
        })
}

/// Whether a default is a constant SQLite accepts in `ADD COLUMN`.
fn constant(expr: &Expr) -> bool {
    match expr {
        Expr::Value(_) => true,
        Expr::UnaryOp { expr, .. } | Expr::Nested(expr) => constant(expr),
        _ => false,
    }
}
