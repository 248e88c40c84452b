//! Changes that break the release still running while the migration runs
//! (and until every instance is replaced): renamed tables and columns, and
//! columns it does not know it must fill.

use sqlparser::ast::{self, AlterTableOperation, ColumnOption, RenameTableNameKind};

use crate::sql::lint::rule::{ALL, Family, Rule, Severity, example};
use crate::sql::lint::schema::{column_key, key_of};
use crate::sql::lint::scope::{Hits, Scope, StatementView};

/// The rules of this family.
pub(super) const RULES: [Rule; 3] = [
    Rule {
        code: "RB201",
        name: "rename-column",
        severity: Severity::Error,
        family: Family::Compatibility,
        dialects: ALL,
        why: "The release still running reads and writes the column under its old name; its queries fail from the moment the rename commits until it is replaced.",
        fix: "Expand and contract: add the new column, write both from the application, backfill, switch reads, and drop the old column in a later release.",
        bad: example("ALTER TABLE users RENAME COLUMN name TO full_name;"),
        good: example("ALTER TABLE users ADD COLUMN full_name TEXT;"),
    },
    Rule {
        code: "RB202",
        name: "rename-table",
        severity: Severity::Error,
        family: Family::Compatibility,
        dialects: ALL,
        why: "The release still running queries the table under its old name; every query fails until it is replaced.",
        fix: "Create the new table (or a view under the new name), move readers and writers over in a release, then drop the old one later.",
        bad: example("ALTER TABLE orders RENAME TO purchases;"),
        good: example("CREATE VIEW purchases AS SELECT * FROM orders;"),
    },
    Rule {
        code: "RB203",
        name: "add-required-column",
        severity: Severity::Error,
        family: Family::Compatibility,
        dialects: ALL,
        why: "A `NOT NULL` column without a default fails on a table with rows (PostgreSQL, SQLite), and the release still running inserts rows without it, which then fail.",
        fix: "Add the column with a `DEFAULT`, or add it nullable, backfill it, and set `NOT NULL` in a later migration.",
        bad: example("ALTER TABLE users ADD COLUMN country TEXT NOT NULL;"),
        good: example("ALTER TABLE users ADD COLUMN country TEXT NOT NULL DEFAULT 'unknown';"),
    },
];

/// Runs the family's checks on one statement.
pub(super) fn check(view: &StatementView<'_>, scope: &Scope<'_>, hits: &mut Hits) {
    if !scope.up() {
        return;
    }
    match view.parsed {
        Some(ast::Statement::AlterTable(alter)) if scope.existing_name(&alter.name) => {
            for operation in &alter.operations {
                alter_operation(&alter.name, operation, scope, hits);
            }
        }
        Some(ast::Statement::RenameTable(renames)) => {
            for rename in renames {
                rename_table(&rename.old_name, &rename.new_name, scope, hits);
            }
        }
        _ => {}
    }
}

fn alter_operation(
    table: &ast::ObjectName,
    operation: &AlterTableOperation,
    scope: &Scope<'_>,
    hits: &mut Hits,
) {
    match operation {
        AlterTableOperation::RenameColumn {
            old_column_name,
            new_column_name,
        } => hits.add(
            "RB201",
            format!("renames `{table}.{old_column_name}` to `{new_column_name}`"),
        ),
        AlterTableOperation::ChangeColumn {
            old_name, new_name, ..
        } if column_key(old_name, scope.dialect) != column_key(new_name, scope.dialect) => hits
            .add(
                "RB201",
                format!("renames `{table}.{old_name}` to `{new_name}`"),
            ),
        AlterTableOperation::RenameTable { table_name } => {
            let (RenameTableNameKind::As(to) | RenameTableNameKind::To(to)) = table_name;
            rename_table(table, to, scope, hits);
        }
        AlterTableOperation::AddColumn { column_def, .. } if required(column_def) => hits.add(
            "RB203",
            format!(
                "adds `{}` NOT NULL without a default to `{table}`",
                column_def.name
            ),
        ),
        _ => {}
    }
}

fn rename_table(from: &ast::ObjectName, to: &ast::ObjectName, scope: &Scope<'_>, hits: &mut Hits) {
    let old = key_of(from, scope.dialect);
    if scope.existing(&old) && !scope.rebuilt.contains(&old) {
        hits.add("RB202", format!("renames table `{from}` to `{to}`"));
    }
}

/// Whether a new column must be given a value on every insert: `NOT NULL`,
/// no default, not generated and not filled by a sequence.
fn required(column: &ast::ColumnDef) -> bool {
    let not_null = column
        .options
        .iter()
        .any(|option| matches!(option.option, ColumnOption::NotNull));
    let filled = column.options.iter().any(|option| match &option.option {
        ColumnOption::Default(_) | ColumnOption::Generated { .. } => true,
        ColumnOption::DialectSpecific(tokens) => tokens.iter().any(|token| {
            let token = token.to_string().to_uppercase();
            token == "AUTO_INCREMENT" || token == "AUTOINCREMENT"
        }),
        _ => false,
    });
    let serial = column
        .data_type
        .to_string()
        .to_uppercase()
        .ends_with("SERIAL");
    not_null && !filled && !serial
}
