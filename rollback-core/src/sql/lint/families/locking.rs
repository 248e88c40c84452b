//! Statements that lock a table that may be large for as long as they take,
//! or rewrite it: blocked reads and writes in production while they run.

use sqlparser::ast::{self, AlterColumnOperation, AlterTableOperation, ColumnOption, ObjectType};

use crate::sql::dialect::Dialect;
use crate::sql::lint::rule::{ALL, Family, POSTGRES, Rule, Severity, example};
use crate::sql::lint::schema::{column_key, key_of};
use crate::sql::lint::scope::{Hits, Scope, StatementView};
use crate::sql::lint::types::postgres_rewrites;

/// Functions whose value changes per row: a default that calls one cannot
/// be stored once in the catalog, so PostgreSQL writes it into every row.
const VOLATILE: [&str; 8] = [
    "random(",
    "gen_random_uuid(",
    "uuid_generate_v1(",
    "uuid_generate_v4(",
    "clock_timestamp(",
    "timeofday(",
    "nextval(",
    "txid_current(",
];

/// The rules of this family.
pub(super) const RULES: [Rule; 8] = [
    Rule {
        code: "RB301",
        name: "index-not-concurrent",
        severity: Severity::Warning,
        family: Family::Locking,
        dialects: POSTGRES,
        why: "`CREATE INDEX` blocks every write to the table until the index is built, minutes on a large table.",
        fix: "`CREATE INDEX CONCURRENTLY`, alone in a migration marked `-- rollback:no-transaction`.",
        bad: example("CREATE INDEX orders_user_id ON orders (user_id);"),
        good: example(
            "-- rollback:no-transaction\nCREATE INDEX CONCURRENTLY orders_user_id ON orders (user_id);",
        ),
    },
    Rule {
        code: "RB302",
        name: "drop-index-not-concurrent",
        severity: Severity::Warning,
        family: Family::Locking,
        dialects: POSTGRES,
        why: "`DROP INDEX` takes an exclusive lock on the table, queued behind every running query and blocking every query behind it.",
        fix: "`DROP INDEX CONCURRENTLY`, alone in a migration marked `-- rollback:no-transaction`.",
        bad: example("DROP INDEX orders_total;"),
        good: example("-- rollback:no-transaction\nDROP INDEX CONCURRENTLY orders_total;"),
    },
    Rule {
        code: "RB303",
        name: "type-change-rewrites",
        severity: Severity::Warning,
        family: Family::Locking,
        dialects: POSTGRES,
        why: "Changing a column's type rewrites the whole table and its indexes under an exclusive lock (widening a `varchar` or making it `text` does not).",
        fix: "Add a column of the new type, backfill it in batches, switch the application, and drop the old column later.",
        bad: example("ALTER TABLE orders ALTER COLUMN total TYPE BIGINT;"),
        good: example("ALTER TABLE users ALTER COLUMN status TYPE VARCHAR(50);"),
    },
    Rule {
        code: "RB304",
        name: "set-not-null-scans",
        severity: Severity::Warning,
        family: Family::Locking,
        dialects: POSTGRES,
        why: "`SET NOT NULL` scans the whole table under an exclusive lock to check for nulls, unless a validated `CHECK (col IS NOT NULL)` already proves it (PostgreSQL 12+).",
        fix: "Add `CHECK (col IS NOT NULL) NOT VALID`, `VALIDATE CONSTRAINT` it (no exclusive lock), then `SET NOT NULL` and drop the check.",
        bad: example("ALTER TABLE users ALTER COLUMN email SET NOT NULL;"),
        good: example(
            "ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;",
        ),
    },
    Rule {
        code: "RB305",
        name: "volatile-default",
        severity: Severity::Warning,
        family: Family::Locking,
        dialects: POSTGRES,
        why: "A new column's default that calls a volatile function (`random()`, `gen_random_uuid()`, `clock_timestamp()`, …) is written into every existing row: a table rewrite under an exclusive lock.",
        fix: "Add the column without the default (or with a constant one), set the default afterwards, and backfill existing rows in batches.",
        bad: example("ALTER TABLE orders ADD COLUMN token UUID DEFAULT gen_random_uuid();"),
        good: example(
            "ALTER TABLE orders ADD COLUMN token UUID;\nALTER TABLE orders ALTER COLUMN token SET DEFAULT gen_random_uuid();",
        ),
    },
    Rule {
        code: "RB306",
        name: "update-all-rows",
        severity: Severity::Warning,
        family: Family::Locking,
        dialects: ALL,
        why: "An `UPDATE` without `WHERE` locks and rewrites every row of the table in one transaction.",
        fix: "Backfill in batches outside the migration (or in a `-- rollback:no-transaction` migration of bounded updates), or restrict it with `WHERE`.",
        bad: example("UPDATE users SET status = 'active';"),
        good: example("UPDATE users SET status = 'active' WHERE status IS NULL AND id < 10000;"),
    },
    Rule {
        code: "RB307",
        name: "add-generated-column",
        severity: Severity::Warning,
        family: Family::Locking,
        dialects: POSTGRES,
        why: "Adding a `serial`, identity or stored generated column to an existing table fills every row: a table rewrite under an exclusive lock.",
        fix: "Add a plain nullable column, backfill it in batches, then attach the sequence or default.",
        bad: example("ALTER TABLE orders ADD COLUMN number BIGSERIAL;"),
        good: example("ALTER TABLE orders ADD COLUMN number BIGINT;"),
    },
    Rule {
        code: "RB308",
        name: "blocking-maintenance",
        severity: Severity::Warning,
        family: Family::Locking,
        dialects: POSTGRES,
        why: "`VACUUM FULL`, `CLUSTER`, `REINDEX` and `REFRESH MATERIALIZED VIEW` without `CONCURRENTLY` hold an exclusive lock for as long as they rewrite the table.",
        fix: "Use `REINDEX … CONCURRENTLY` / `REFRESH MATERIALIZED VIEW CONCURRENTLY`, or run the maintenance outside migrations (pg_repack).",
        bad: example("REINDEX TABLE orders;"),
        good: example("-- rollback:no-transaction\nREINDEX TABLE CONCURRENTLY orders;"),
    },
];

/// Runs the family's checks on one statement.
pub(super) fn check(view: &StatementView<'_>, scope: &Scope<'_>, hits: &mut Hits) {
    if let Some(ast::Statement::Update(update)) = view.parsed
        && update.selection.is_none()
        && let ast::TableFactor::Table { name, .. } = &update.table.relation
        && scope.existing_name(name)
    {
        hits.add("RB306", format!("updates every row of `{name}`"));
    }
    if scope.dialect != Dialect::Postgres {
        return;
    }
    maintenance(view, hits);
    match view.parsed {
        Some(ast::Statement::CreateIndex(index))
            if !index.concurrently && scope.existing_name(&index.table_name) =>
        {
            hits.add(
                "RB301",
                format!(
                    "builds an index on `{}` without CONCURRENTLY: writes wait until it is done",
                    index.table_name
                ),
            );
        }
        Some(ast::Statement::Drop {
            object_type: ObjectType::Index,
            names,
            ..
        }) if !view.has_word("CONCURRENTLY") => {
            for name in names {
                let index = name.to_string().to_lowercase();
                let table_dropped = scope
                    .schema
                    .index_table(&index)
                    .is_some_and(|table| scope.dropped.contains(table));
                if !scope.created_indexes.contains(&index) && !table_dropped {
                    hits.add(
                        "RB302",
                        format!("drops index `{name}` without CONCURRENTLY"),
                    );
                }
            }
        }
        Some(ast::Statement::AlterTable(alter)) if scope.existing_name(&alter.name) => {
            for operation in &alter.operations {
                alter_operation(&alter.name, operation, scope, hits);
            }
        }
        _ => {}
    }
}

fn maintenance(view: &StatementView<'_>, hits: &mut Hits) {
    let blocking = if view.starts_with(&["VACUUM"]) {
        view.has_word("FULL")
    } else if view.starts_with(&["CLUSTER"]) {
        true
    } else if view.starts_with(&["REINDEX"]) || view.starts_with(&["REFRESH", "MATERIALIZED"]) {
        !view.has_word("CONCURRENTLY")
    } else {
        false
    };
    if blocking {
        hits.add(
            "RB308",
            format!("{} holds an exclusive lock while it runs", view.words[0]),
        );
    }
}

fn alter_operation(
    table: &ast::ObjectName,
    operation: &AlterTableOperation,
    scope: &Scope<'_>,
    hits: &mut Hits,
) {
    let table_key = key_of(table, scope.dialect);
    match operation {
        AlterTableOperation::AlterColumn {
            column_name,
            op: AlterColumnOperation::SetDataType { data_type, .. },
        } => {
            let column = column_key(column_name, scope.dialect);
            let old = scope.schema.column_type(&table_key, &column);
            if postgres_rewrites(old, &data_type.to_string()) {
                hits.add(
                    "RB303",
                    format!(
                        "changes `{table}.{column_name}` {}to {data_type}: the table is rewritten",
                        old.map(|old| format!("from {old} ")).unwrap_or_default()
                    ),
                );
            }
        }
        AlterTableOperation::AlterColumn {
            column_name,
            op: AlterColumnOperation::SetNotNull,
        } if !scope
            .schema
            .has_not_null_check(&table_key, &column_key(column_name, scope.dialect)) =>
        {
            hits.add(
                "RB304",
                format!("sets `{table}.{column_name}` NOT NULL: the whole table is scanned under an exclusive lock"),
            );
        }
        AlterTableOperation::AddColumn { column_def, .. } => {
            add_column(table, column_def, hits);
        }
        _ => {}
    }
}

fn add_column(table: &ast::ObjectName, column: &ast::ColumnDef, hits: &mut Hits) {
    for option in &column.options {
        match &option.option {
            ColumnOption::Default(expr) => {
                let text = expr.to_string().to_lowercase().replace(' ', "");
                if let Some(function) = VOLATILE.iter().find(|name| text.contains(*name)) {
                    hits.add(
                        "RB305",
                        format!(
                            "adds `{table}.{}` with a volatile default (`{function})`): every row is rewritten",
                            column.name
                        ),
                    );
                }
            }
            ColumnOption::Generated { .. } => hits.add(
                "RB307",
                format!(
                    "adds generated column `{table}.{}`: every row is rewritten",
                    column.name
                ),
            ),
            _ => {}
        }
    }
    if column
        .data_type
        .to_string()
        .to_uppercase()
        .ends_with("SERIAL")
    {
        hits.add(
            "RB307",
            format!(
                "adds serial column `{table}.{}`: every row is rewritten",
                column.name
            ),
        );
    }
}
