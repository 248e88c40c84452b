//! Transaction boundaries: statements the database refuses (or mishandles)
//! inside a transaction, scripts that run outside one without a reason, and
//! scripts that end the transaction the tool runs them in.

use crate::sql::dialect::Dialect;
use crate::sql::lint::rule::{Family, POSTGRES, Rule, Severity, example};
use crate::sql::lint::scope::{Hits, Scope, StatementView};

/// The rules of this family.
pub(super) const RULES: [Rule; 7] = [
    Rule {
        code: "RB701",
        name: "concurrently-in-transaction",
        severity: Severity::Error,
        family: Family::Transaction,
        dialects: POSTGRES,
        why: "`CREATE INDEX CONCURRENTLY`, `DROP INDEX CONCURRENTLY`, `REINDEX … CONCURRENTLY` and `DETACH PARTITION … CONCURRENTLY` cannot run inside a transaction block: the migration fails.",
        fix: "Put the statement alone in a migration marked `-- rollback:no-transaction`.",
        bad: example("CREATE INDEX CONCURRENTLY orders_user_id ON orders (user_id);"),
        good: example(
            "-- rollback:no-transaction\nCREATE INDEX CONCURRENTLY orders_user_id ON orders (user_id);",
        ),
    },
    Rule {
        code: "RB702",
        name: "cannot-run-in-transaction",
        severity: Severity::Error,
        family: Family::Transaction,
        dialects: &[Dialect::Postgres, Dialect::Sqlite],
        why: "`VACUUM` (PostgreSQL and SQLite), `CREATE`/`DROP DATABASE`, `CREATE`/`DROP TABLESPACE` and `ALTER SYSTEM` (PostgreSQL) cannot run inside a transaction: the migration fails.",
        fix: "Put the statement in a migration marked `-- rollback:no-transaction`, or run it outside migrations.",
        bad: example("VACUUM ANALYZE orders;"),
        good: example("-- rollback:no-transaction\nVACUUM ANALYZE orders;"),
    },
    Rule {
        code: "RB703",
        name: "enum-value-in-transaction",
        severity: Severity::Warning,
        family: Family::Transaction,
        dialects: POSTGRES,
        why: "`ALTER TYPE … ADD VALUE` fails inside a transaction before PostgreSQL 12; from 12 on, the new value cannot be used until the transaction commits, so a later statement of the migration that uses it fails.",
        fix: "Put `ALTER TYPE … ADD VALUE` in its own migration, marked `-- rollback:no-transaction` on servers older than 12.",
        bad: example(
            "CREATE TYPE mood AS ENUM ('sad', 'happy');\nALTER TYPE mood ADD VALUE 'calm';",
        ),
        good: example("-- rollback:no-transaction\nALTER TYPE mood ADD VALUE 'calm';"),
    },
    Rule {
        code: "RB704",
        name: "needless-no-transaction",
        severity: Severity::Warning,
        family: Family::Transaction,
        dialects: &[Dialect::Postgres, Dialect::Sqlite, Dialect::MySql],
        why: "A script outside a transaction that has no statement needing it loses atomicity for nothing: a failure halfway leaves it half applied. (Only the script's own directive is judged: diesel's `run_in_transaction = false` and dbmate's `transaction:false` cover the up and the down at once.)",
        fix: "Remove `-- rollback:no-transaction`.",
        bad: example("-- rollback:no-transaction\nCREATE TABLE notes (body TEXT);"),
        good: example("CREATE TABLE notes (body TEXT);"),
    },
    Rule {
        code: "RB705",
        name: "no-transaction-several-statements",
        severity: Severity::Warning,
        family: Family::Transaction,
        dialects: &[Dialect::Postgres, Dialect::Sqlite, Dialect::MySql],
        why: "Outside a transaction each statement commits on its own: if the second fails, the first stays applied and the migration is dirty.",
        fix: "Keep one statement (besides `SET`/`PRAGMA`) per `-- rollback:no-transaction` migration; move the others to migrations of their own.",
        bad: example(
            "-- rollback:no-transaction\nCREATE INDEX CONCURRENTLY orders_user_id ON orders (user_id);\nCREATE INDEX CONCURRENTLY orders_total ON orders (total);",
        ),
        good: example(
            "-- rollback:no-transaction\nCREATE INDEX CONCURRENTLY orders_user_id ON orders (user_id);",
        ),
    },
    Rule {
        code: "RB706",
        name: "transaction-control-in-script",
        severity: Severity::Warning,
        family: Family::Transaction,
        dialects: &[Dialect::Postgres, Dialect::Sqlite, Dialect::MySql],
        why: "cargo-rollback runs the script in a transaction and records it in the same one; a `COMMIT` or `BEGIN` in the script ends that transaction early, so a later failure leaves part of it applied and unrecorded.",
        fix: "Remove the `BEGIN`/`COMMIT`; if the script must manage its own transactions, mark it `-- rollback:no-transaction`.",
        bad: example("BEGIN;\nCREATE TABLE notes (body TEXT);\nCOMMIT;"),
        good: example("CREATE TABLE notes (body TEXT);"),
    },
    Rule {
        code: "RB707",
        name: "sqlite-pragma-in-transaction",
        severity: Severity::Warning,
        family: Family::Transaction,
        dialects: &[Dialect::Sqlite],
        why: "`PRAGMA foreign_keys` does nothing inside a transaction: the script runs with foreign keys as they were.",
        fix: "Mark the migration `-- rollback:no-transaction`, or set it for every connection with `init-sql`.",
        bad: example("PRAGMA foreign_keys = OFF;\nCREATE TABLE notes (body TEXT);"),
        good: example(
            "-- rollback:no-transaction\nPRAGMA foreign_keys = OFF;\nCREATE TABLE notes (body TEXT);",
        ),
    },
];

/// Which statement forms need a script outside a transaction: the rule
/// that reports them inside one, and what to say.
fn needs_no_transaction(
    view: &StatementView<'_>,
    dialect: Dialect,
) -> Option<(&'static str, &'static str)> {
    let concurrently = view.has_word("CONCURRENTLY")
        && (view.starts_with(&["CREATE", "INDEX"])
            || view.starts_with(&["CREATE", "UNIQUE", "INDEX"])
            || view.starts_with(&["DROP", "INDEX"])
            || view.starts_with(&["REINDEX"])
            || (view.starts_with(&["ALTER", "TABLE"]) && view.has_word("DETACH")));
    let postgres_only = [
        &["CREATE", "DATABASE"][..],
        &["DROP", "DATABASE"],
        &["CREATE", "TABLESPACE"],
        &["DROP", "TABLESPACE"],
        &["ALTER", "SYSTEM"],
    ];
    match dialect {
        Dialect::Postgres if concurrently => Some(("RB701", "cannot run inside a transaction")),
        Dialect::Postgres
            if view.starts_with(&["VACUUM"])
                || postgres_only.iter().any(|words| view.starts_with(words)) =>
        {
            Some(("RB702", "cannot run inside a transaction"))
        }
        Dialect::Postgres
            if view.starts_with(&["ALTER", "TYPE"])
                && view.has_word("ADD")
                && view.has_word("VALUE") =>
        {
            Some((
                "RB703",
                "adds an enum value, unusable before the transaction commits (and refused in one before PostgreSQL 12)",
            ))
        }
        Dialect::Sqlite if view.starts_with(&["VACUUM"]) => {
            Some(("RB702", "cannot run inside a transaction"))
        }
        Dialect::Sqlite if view.starts_with(&["PRAGMA", "FOREIGN_KEYS"]) => {
            Some(("RB707", "does nothing inside a transaction"))
        }
        _ => None,
    }
}

/// Runs the family's statement checks.
pub(super) fn check(view: &StatementView<'_>, scope: &Scope<'_>, hits: &mut Hits) {
    if !scope.in_transaction() {
        return;
    }
    if let Some((code, what)) = needs_no_transaction(view, scope.dialect) {
        hits.add(
            code,
            format!(
                "{} {what}",
                view.words.join(" ").chars().take(40).collect::<String>()
            ),
        );
    }
    let control = view.starts_with(&["BEGIN"])
        || view.starts_with(&["START", "TRANSACTION"])
        || view.starts_with(&["COMMIT"])
        || view.starts_with(&["END"])
        || (view.starts_with(&["ROLLBACK"]) && !view.has_word("TO"));
    if control {
        hits.add(
            "RB706",
            format!(
                "`{}` ends or opens a transaction inside the one the script runs in",
                view.words[0]
            ),
        );
    }
}

/// The script-wide checks of a script outside a transaction: reported at
/// the script's first statement.
pub(super) fn check_script(views: &[StatementView<'_>], scope: &Scope<'_>, hits: &mut Hits) {
    if scope.in_transaction() || views.is_empty() {
        return;
    }
    if scope.says_no_transaction
        && !views
            .iter()
            .any(|view| needs_no_transaction(view, scope.dialect).is_some())
    {
        hits.add(
            "RB704",
            "runs outside a transaction, but no statement needs that",
        );
    }
    let statements = views
        .iter()
        .filter(|view| !view.starts_with(&["SET"]) && !view.starts_with(&["PRAGMA"]))
        .count();
    if statements > 1 {
        hits.add(
            "RB705",
            format!("runs {statements} statements outside a transaction: a failure leaves the first ones applied"),
        );
    }
}
