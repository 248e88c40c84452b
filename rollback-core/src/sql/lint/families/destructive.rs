//! Statements that destroy stored data: drops of tables and columns that
//! hold rows, emptied tables, and downs that destroy more than their up made.

use sqlparser::ast::{self, AlterTableOperation, DropBehavior, ObjectType};

use crate::sql::analysis::Effect;
use crate::sql::lint::rule::{ALL, Example, Family, PG_MYSQL, Rule, Severity, example};
use crate::sql::lint::schema::{column_key, key, key_of};
use crate::sql::lint::scope::{Created, Hits, Scope, StatementView};
use crate::sql::name::TableName;

/// The rules of this family.
pub(super) const RULES: [Rule; 6] = [
    Rule {
        code: "RB101",
        name: "drop-table",
        severity: Severity::Error,
        family: Family::Destructive,
        dialects: ALL,
        why: "The table holds data from every release so far; dropping it loses the rows for good, and the release still running reads it until it is replaced.",
        fix: "Stop using the table in one release, back it up (or rename it to an archive name), and drop it in a later migration with a lint-ignore that says where the data went.",
        bad: example("DROP TABLE orders;"),
        good: example("ALTER TABLE orders RENAME TO orders_archived_2026;"),
    },
    Rule {
        code: "RB102",
        name: "drop-column",
        severity: Severity::Error,
        family: Family::Destructive,
        dialects: ALL,
        why: "The column's values are lost, and the release still running selects and inserts it until it is replaced.",
        fix: "Release code that no longer reads or writes the column first; drop it in a later migration, with a lint-ignore that names the release.",
        bad: example("ALTER TABLE users DROP COLUMN name;"),
        good: example("ALTER TABLE users ADD COLUMN nickname TEXT;"),
    },
    Rule {
        code: "RB103",
        name: "delete-all-rows",
        severity: Severity::Warning,
        family: Family::Destructive,
        dialects: ALL,
        why: "`TRUNCATE` or `DELETE` without `WHERE` empties a table that holds production data.",
        fix: "Delete only the rows meant (a `WHERE` clause), or copy the rows elsewhere first.",
        bad: example("DELETE FROM orders;"),
        good: example("DELETE FROM orders WHERE total < 0;"),
    },
    Rule {
        code: "RB104",
        name: "down-destroys-data",
        severity: Severity::Error,
        family: Family::Destructive,
        dialects: ALL,
        why: "A down should remove what its up added. Dropping a table or column the up did not create destroys data older than the migration, which a rollback is not expected to touch.",
        fix: "Make the down undo only the up's own changes (restore the old column or table instead of dropping it), or mark the migration `-- rollback:irreversible <reason>`.",
        bad: Example {
            up: "ALTER TABLE users ADD COLUMN nickname TEXT;",
            down: "ALTER TABLE users DROP COLUMN name;",
        },
        good: Example {
            up: "ALTER TABLE users ADD COLUMN nickname TEXT;",
            down: "ALTER TABLE users DROP COLUMN nickname;",
        },
    },
    Rule {
        code: "RB105",
        name: "drop-schema",
        severity: Severity::Error,
        family: Family::Destructive,
        dialects: ALL,
        why: "`DROP SCHEMA` or `DROP DATABASE` removes every table in it with its data.",
        fix: "Drop the tables one by one, each reviewed, or leave the schema in place.",
        bad: example("DROP SCHEMA reporting;"),
        good: example("CREATE SCHEMA reporting;"),
    },
    Rule {
        code: "RB106",
        name: "drop-cascade",
        severity: Severity::Warning,
        family: Family::Destructive,
        dialects: PG_MYSQL,
        why: "`CASCADE` also drops whatever depends on the object (views, foreign keys, columns of that type), which the statement does not name.",
        fix: "Drop the dependent objects explicitly first, then drop the object without `CASCADE`.",
        bad: example("DROP TYPE mood CASCADE;"),
        good: example("DROP TYPE mood;"),
    },
];

/// Runs the family's checks on one statement.
pub(super) fn check(view: &StatementView<'_>, scope: &Scope<'_>, hits: &mut Hits) {
    for effect in view.effects {
        match scope.up {
            None => up_effect(effect, scope, hits),
            Some(up) => down_effect(effect, up, scope, hits),
        }
    }
    if let Some(statement) = view.parsed {
        parsed(statement, scope, hits);
    }
}

fn up_effect(effect: &Effect, scope: &Scope<'_>, hits: &mut Hits) {
    match effect {
        Effect::DropTable { table }
            if scope.existing(&key(table)) && !scope.ends_rebuild(&key(table)) =>
        {
            hits.add(
                "RB101",
                format!("drops table `{table}` and every row in it"),
            );
        }
        Effect::DropColumn { table, column }
            if scope.existing(&key(table)) && !rebuilt_column(scope, table, column) =>
        {
            hits.add(
                "RB102",
                format!("drops column `{column}` of `{table}` and its values"),
            );
        }
        Effect::RebuildTable {
            table,
            kept_columns,
        } => {
            for column in lost_columns(scope, &key(table), kept_columns) {
                hits.add(
                    "RB102",
                    format!("rebuilds `{table}` without column `{column}`: its values are lost"),
                );
            }
        }
        Effect::Truncate { table } if scope.existing(&key(table)) => {
            hits.add("RB103", format!("empties `{table}`"));
        }
        Effect::DropSchema { schema, .. } => {
            hits.add(
                "RB105",
                format!("drops schema `{schema}` and everything in it"),
            );
        }
        _ => {}
    }
}

fn down_effect(effect: &Effect, up: &Created, scope: &Scope<'_>, hits: &mut Hits) {
    let older = |table: &TableName| {
        scope.existing(&key(table)) && !up.table(table) && !scope.ends_rebuild(&key(table))
    };
    match effect {
        Effect::DropTable { table } | Effect::Truncate { table } if older(table) => {
            hits.add(
                "RB104",
                format!("destroys the rows of `{table}`, which the up did not create"),
            );
        }
        Effect::DropColumn { table, column }
            if older(table)
                && !up.columns.contains(&(key(table), column.to_lowercase()))
                && !rebuilt_column(scope, table, column) =>
        {
            hits.add(
                "RB104",
                format!("drops column `{column}` of `{table}`, which the up did not add"),
            );
        }
        Effect::RebuildTable {
            table,
            kept_columns,
        } if older(table) => {
            for column in lost_columns(scope, &key(table), kept_columns) {
                if !up.columns.contains(&(key(table), column.clone())) {
                    hits.add(
                        "RB104",
                        format!(
                            "rebuilds `{table}` without column `{column}`, which the up did not add"
                        ),
                    );
                }
            }
        }
        Effect::DropSchema { schema, .. } if !up.schemas.contains(&schema.to_lowercase()) => {
            hits.add(
                "RB104",
                format!("drops schema `{schema}`, which the up did not create"),
            );
        }
        _ => {}
    }
}

/// Whether another column is renamed to `column` in this script: the drop is
/// half of a column rebuild, and the values live on under the same name.
fn rebuilt_column(scope: &Scope<'_>, table: &TableName, column: &str) -> bool {
    scope
        .renamed_into
        .contains(&(key(table), column.to_lowercase()))
}

/// The known columns of `table` that a rebuild keeping `kept` loses.
fn lost_columns(scope: &Scope<'_>, table: &str, kept: &[String]) -> Vec<String> {
    let Some(columns) = scope.schema.columns(table) else {
        return Vec::new();
    };
    columns
        .filter(|column| !kept.iter().any(|kept| kept.eq_ignore_ascii_case(column)))
        .map(str::to_owned)
        .collect()
}

fn parsed(statement: &ast::Statement, scope: &Scope<'_>, hits: &mut Hits) {
    use ast::Statement as S;
    match statement {
        S::Delete(delete) if delete.selection.is_none() && scope.up() => {
            let (ast::FromTable::WithFromKeyword(tables) | ast::FromTable::WithoutKeyword(tables)) =
                &delete.from;
            for table in tables {
                if let ast::TableFactor::Table { name, .. } = &table.relation
                    && scope.existing_name(name)
                {
                    hits.add("RB103", format!("deletes every row of `{name}`"));
                }
            }
        }
        S::Drop {
            object_type: ObjectType::Database,
            names,
            ..
        } if scope.up() => {
            for name in names {
                hits.add(
                    "RB105",
                    format!("drops database `{name}` and everything in it"),
                );
            }
        }
        S::Drop {
            object_type,
            names,
            cascade: true,
            ..
        } => {
            let created_by_up = scope.up.is_some_and(|up| {
                names
                    .iter()
                    .all(|name| up.tables.contains(&key_of(name, scope.dialect)))
            });
            if !created_by_up {
                hits.add(
                    "RB106",
                    format!("drops {object_type} with CASCADE: what depends on it goes too"),
                );
            }
        }
        S::AlterTable(alter) => {
            for operation in &alter.operations {
                if let AlterTableOperation::DropColumn {
                    column_names,
                    drop_behavior: Some(DropBehavior::Cascade),
                    ..
                } = operation
                {
                    for column in column_names {
                        hits.add(
                            "RB106",
                            format!(
                                "drops column `{}` with CASCADE: what depends on it goes too",
                                column_key(column, scope.dialect)
                            ),
                        );
                    }
                }
            }
        }
        _ => {}
    }
}
