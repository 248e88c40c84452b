//! MySQL and MariaDB `ALTER TABLE`s that cannot run with `ALGORITHM=INSTANT`
//! or `INPLACE`: they copy the table, blocking writes until the copy is done.

use sqlparser::ast::{
    self, AlterTableAlgorithm, AlterTableLock, AlterTableOperation, TableConstraint,
};

use crate::sql::dialect::Dialect;
use crate::sql::lint::rule::{Family, MYSQL, Rule, Severity, example};
use crate::sql::lint::schema::{column_key, key_of};
use crate::sql::lint::scope::{Hits, Scope, StatementView};
use crate::sql::lint::types::mysql_in_place;

/// The rules of this family.
pub(super) const RULES: [Rule; 5] = [
    Rule {
        code: "RB501",
        name: "mysql-copying-type-change",
        severity: Severity::Warning,
        family: Family::Locking,
        dialects: MYSQL,
        why: "Changing a column's type (other than widening a `VARCHAR`) needs `ALGORITHM=COPY`: the table is copied row by row while writes wait.",
        fix: "Run it with an online schema change tool (gh-ost, pt-online-schema-change), or add a new column and backfill it.",
        bad: example("ALTER TABLE orders MODIFY COLUMN total BIGINT;"),
        good: example("ALTER TABLE users MODIFY COLUMN status VARCHAR(40);"),
    },
    Rule {
        code: "RB502",
        name: "mysql-convert-charset",
        severity: Severity::Warning,
        family: Family::Locking,
        dialects: MYSQL,
        why: "`CONVERT TO CHARACTER SET` rewrites every text column of the table with `ALGORITHM=COPY`.",
        fix: "Convert with an online schema change tool, or table by table in a maintenance window.",
        bad: example("ALTER TABLE users CONVERT TO CHARACTER SET utf8mb4;"),
        good: example("CREATE TABLE notes (body TEXT) CHARACTER SET utf8mb4;"),
    },
    Rule {
        code: "RB503",
        name: "mysql-forced-copy",
        severity: Severity::Warning,
        family: Family::Locking,
        dialects: MYSQL,
        why: "`ALGORITHM=COPY`, `LOCK=SHARED` or `LOCK=EXCLUSIVE` asks for the blocking way even where an online one exists.",
        fix: "Ask for `ALGORITHM=INSTANT` or `ALGORITHM=INPLACE, LOCK=NONE`: MySQL then refuses rather than block, and the migration says so.",
        bad: example("ALTER TABLE orders ADD COLUMN note TEXT, ALGORITHM=COPY;"),
        good: example("ALTER TABLE orders ADD COLUMN note TEXT, ALGORITHM=INSTANT;"),
    },
    Rule {
        code: "RB504",
        name: "mysql-fulltext-index",
        severity: Severity::Warning,
        family: Family::Locking,
        dialects: MYSQL,
        why: "The first `FULLTEXT` index (and any `SPATIAL` index) on a table rebuilds it and does not allow concurrent writes (`LOCK=SHARED`).",
        fix: "Build it with an online schema change tool, or in a maintenance window.",
        bad: example("ALTER TABLE users ADD FULLTEXT INDEX users_name (name);"),
        good: example("ALTER TABLE users ADD INDEX users_name (name);"),
    },
    Rule {
        code: "RB505",
        name: "mysql-drop-primary-key",
        severity: Severity::Warning,
        family: Family::Locking,
        dialects: MYSQL,
        why: "Dropping a primary key without adding another in the same statement needs `ALGORITHM=COPY`: InnoDB stores rows by their primary key.",
        fix: "Drop and add the primary key in one `ALTER TABLE` (which can run `INPLACE`).",
        bad: example("ALTER TABLE orders DROP PRIMARY KEY;"),
        good: example("ALTER TABLE orders DROP PRIMARY KEY, ADD PRIMARY KEY (id, user_id);"),
    },
];

/// Runs the family's checks on one statement.
pub(super) fn check(view: &StatementView<'_>, scope: &Scope<'_>, hits: &mut Hits) {
    if scope.dialect != Dialect::MySql {
        return;
    }
    if (view.starts_with(&["CREATE", "FULLTEXT"]) || view.starts_with(&["CREATE", "SPATIAL"]))
        && let Some(table) = word_after(view, "ON")
        && scope.existing(&table)
    {
        hits.add(
            "RB504",
            format!(
                "adds a {} index to `{table}`: the table is rebuilt",
                view.words[1]
            ),
        );
    }
    match view.parsed {
        Some(ast::Statement::AlterTable(alter)) if scope.existing_name(&alter.name) => {
            alter_table(alter, scope, hits);
        }
        None if view.starts_with(&["ALTER", "TABLE"])
            && view.has_word("CONVERT")
            && view
                .words
                .get(2)
                .is_some_and(|table| scope.existing(&table.to_lowercase())) =>
        {
            hits.add(
                "RB502",
                format!(
                    "converts `{}` to another character set: the table is copied",
                    view.words[2].to_lowercase()
                ),
            );
        }
        _ => {}
    }
}

/// The word after `keyword` among the statement's first words, lowercase.
fn word_after(view: &StatementView<'_>, keyword: &str) -> Option<String> {
    let at = view.words.iter().position(|word| word == keyword)?;
    view.words.get(at + 1).map(|word| word.to_lowercase())
}

fn alter_table(alter: &ast::AlterTable, scope: &Scope<'_>, hits: &mut Hits) {
    let table = &alter.name;
    let adds_primary_key = alter.operations.iter().any(|operation| {
        matches!(
            operation,
            AlterTableOperation::AddConstraint {
                constraint: TableConstraint::PrimaryKey(_),
                ..
            }
        )
    });
    for operation in &alter.operations {
        match operation {
            AlterTableOperation::ModifyColumn {
                col_name: column,
                data_type,
                ..
            }
            | AlterTableOperation::ChangeColumn {
                old_name: column,
                data_type,
                ..
            } => {
                let old = scope.schema.column_type(
                    &key_of(table, scope.dialect),
                    &column_key(column, scope.dialect),
                );
                if let Some(old) = old
                    && !mysql_in_place(old, &data_type.to_string())
                {
                    hits.add(
                        "RB501",
                        format!("changes `{table}.{column}` from {old} to {data_type}: the table is copied"),
                    );
                }
            }
            AlterTableOperation::Algorithm {
                algorithm: AlterTableAlgorithm::Copy,
                ..
            } => hits.add("RB503", format!("asks for ALGORITHM=COPY on `{table}`")),
            AlterTableOperation::Lock {
                lock: lock @ (AlterTableLock::Shared | AlterTableLock::Exclusive),
                ..
            } => hits.add("RB503", format!("asks for LOCK={lock} on `{table}`")),
            AlterTableOperation::AddConstraint {
                constraint: TableConstraint::FulltextOrSpatial(_),
                ..
            } => hits.add(
                "RB504",
                format!("adds a FULLTEXT or SPATIAL index to `{table}`: the table is rebuilt"),
            ),
            AlterTableOperation::DropPrimaryKey { .. } if !adds_primary_key => hits.add(
                "RB505",
                format!(
                    "drops the primary key of `{table}` without adding one: the table is copied"
                ),
            ),
            _ => {}
        }
    }
}
