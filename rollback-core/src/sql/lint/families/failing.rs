//! Statements that run fine on a developer's database and fail on
//! production data: constraints the existing rows may break, and type
//! changes the stored values may not fit.

use sqlparser::ast::{self, AlterColumnOperation, AlterTableOperation, TableConstraint};

use crate::sql::dialect::Dialect;
use crate::sql::lint::rule::{ALL, Family, PG_MYSQL, Rule, Severity, example};
use crate::sql::lint::schema::{column_key, key_of};
use crate::sql::lint::scope::{Hits, Scope, StatementView};
use crate::sql::lint::types::narrowing;

/// The rules of this family.
pub(super) const RULES: [Rule; 5] = [
    Rule {
        code: "RB401",
        name: "unique-on-existing-table",
        severity: Severity::Warning,
        family: Family::Failing,
        dialects: ALL,
        why: "A unique index or constraint on a table with rows fails if two rows already share the value, which a development database rarely shows.",
        fix: "Check for duplicates first (`SELECT col, count(*) … HAVING count(*) > 1`) and settle them in an earlier migration; on PostgreSQL build the index `CONCURRENTLY` and attach it with `ADD CONSTRAINT … UNIQUE USING INDEX`.",
        bad: example("CREATE UNIQUE INDEX users_email ON users (email);"),
        good: example(
            "CREATE TABLE invites (code TEXT);\nCREATE UNIQUE INDEX invites_code ON invites (code);",
        ),
    },
    Rule {
        code: "RB402",
        name: "foreign-key-validated",
        severity: Severity::Warning,
        family: Family::Failing,
        dialects: PG_MYSQL,
        why: "Adding a foreign key checks every existing row (failing on orphans) while it locks both tables against writes.",
        fix: "PostgreSQL: `ADD CONSTRAINT … FOREIGN KEY … NOT VALID`, then `VALIDATE CONSTRAINT` in a later statement (which does not block writes). MySQL: delete orphans first.",
        bad: example(
            "ALTER TABLE orders ADD CONSTRAINT orders_user FOREIGN KEY (user_id) REFERENCES users (id);",
        ),
        good: example(
            "ALTER TABLE orders ADD CONSTRAINT orders_user FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;",
        ),
    },
    Rule {
        code: "RB403",
        name: "narrowing-type-change",
        severity: Severity::Warning,
        family: Family::Failing,
        dialects: PG_MYSQL,
        why: "A shorter `varchar`, a smaller integer, fewer digits or a cast from text fails (or, in MySQL's non-strict mode, silently truncates) when a stored value does not fit.",
        fix: "Check the data first (`SELECT max(length(col))`), fix the values that do not fit in an earlier migration, or keep the wider type.",
        bad: example("ALTER TABLE users ALTER COLUMN email TYPE VARCHAR(50);"),
        good: example("ALTER TABLE users ALTER COLUMN email TYPE VARCHAR(320);"),
    },
    Rule {
        code: "RB404",
        name: "check-validated",
        severity: Severity::Warning,
        family: Family::Failing,
        dialects: PG_MYSQL,
        why: "A new `CHECK` constraint is checked against every existing row (failing if one breaks it) under a lock that blocks writes.",
        fix: "PostgreSQL: add it `NOT VALID`, then `VALIDATE CONSTRAINT` separately. MySQL: fix the rows that break it first.",
        bad: example("ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0);"),
        good: example(
            "ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0) NOT VALID;",
        ),
    },
    Rule {
        code: "RB405",
        name: "add-primary-key",
        severity: Severity::Warning,
        family: Family::Failing,
        dialects: PG_MYSQL,
        why: "A primary key on a table with rows fails on duplicate or null values, and builds its index while blocking writes (MySQL copies the table).",
        fix: "Check for duplicates and nulls first; on PostgreSQL build a unique index `CONCURRENTLY` and attach it with `ADD CONSTRAINT … PRIMARY KEY USING INDEX`.",
        bad: example(
            "CREATE TABLE tags (name TEXT);\nINSERT INTO tags VALUES ('a');\nALTER TABLE users ADD PRIMARY KEY (email);",
        ),
        good: example("CREATE TABLE tags (name TEXT PRIMARY KEY);"),
    },
];

/// Runs the family's checks on one statement.
pub(super) fn check(view: &StatementView<'_>, scope: &Scope<'_>, hits: &mut Hits) {
    match view.parsed {
        Some(ast::Statement::CreateIndex(index))
            if index.unique && scope.existing_name(&index.table_name) =>
        {
            hits.add(
                "RB401",
                format!(
                    "adds a unique index on `{}`: it fails if existing rows share a value",
                    index.table_name
                ),
            );
        }
        Some(ast::Statement::AlterTable(alter)) if scope.existing_name(&alter.name) => {
            for operation in &alter.operations {
                alter_operation(&alter.name, operation, scope, hits);
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
    let validates = |not_valid: bool| match scope.dialect {
        Dialect::Postgres => !not_valid,
        Dialect::MySql => true,
        Dialect::Sqlite => false,
    };
    match operation {
        AlterTableOperation::AddConstraint {
            constraint,
            not_valid,
        } => match constraint {
            TableConstraint::Unique(_) => hits.add(
                "RB401",
                format!(
                    "adds a unique constraint on `{table}`: it fails if existing rows share a value"
                ),
            ),
            TableConstraint::ForeignKey(_) if validates(*not_valid) => hits.add(
                "RB402",
                format!("adds a foreign key on `{table}` checked against every row"),
            ),
            TableConstraint::Check(_) if validates(*not_valid) => hits.add(
                "RB404",
                format!("adds a CHECK constraint on `{table}` checked against every row"),
            ),
            TableConstraint::PrimaryKey(_) if scope.dialect != Dialect::Sqlite => hits.add(
                "RB405",
                format!("adds a primary key to `{table}`: it fails on duplicate or null values"),
            ),
            _ => {}
        },
        AlterTableOperation::AlterColumn {
            column_name,
            op: AlterColumnOperation::SetDataType { data_type, .. },
        } => type_change(table, column_name, data_type, scope, hits),
        AlterTableOperation::ModifyColumn {
            col_name,
            data_type,
            ..
        } => type_change(table, col_name, data_type, scope, hits),
        AlterTableOperation::ChangeColumn {
            old_name,
            data_type,
            ..
        } => type_change(table, old_name, data_type, scope, hits),
        _ => {}
    }
}

fn type_change(
    table: &ast::ObjectName,
    column: &ast::Ident,
    data_type: &ast::DataType,
    scope: &Scope<'_>,
    hits: &mut Hits,
) {
    let old = scope.schema.column_type(
        &key_of(table, scope.dialect),
        &column_key(column, scope.dialect),
    );
    if let Some(reason) = old.and_then(|old| narrowing(old, &data_type.to_string())) {
        hits.add("RB403", format!("changes `{table}.{column}` {reason}"));
    }
}
