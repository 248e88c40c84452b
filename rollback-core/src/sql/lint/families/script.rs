//! The rules about the migration files themselves and the linter's own
//! directives; the engine reports them (they need no statement).

use crate::sql::lint::rule::{ALL, Example, Family, Rule, Severity, example};

/// The rules of this family.
pub(super) const RULES: [Rule; 4] = [
    Rule {
        code: "RB001",
        name: "unparsed-statement",
        severity: Severity::Info,
        family: Family::Script,
        dialects: ALL,
        why: "The SQL parser cannot read the statement (and it is not one of the forms known to be harmless), so the rules that need its structure skip it; the database may still accept it.",
        fix: "Review the statement by hand; silence the finding with a lint-ignore that says it was reviewed.",
        bad: example("ALTER TABLE orders ALTER CONSTRAINT orders_user_id_fkey NOT DEFERRABLE;"),
        good: example("ALTER TABLE orders DROP CONSTRAINT orders_user_id_fkey;"),
    },
    Rule {
        code: "RB002",
        name: "lint-ignore-without-reason",
        severity: Severity::Error,
        family: Family::Script,
        dialects: ALL,
        why: "A silenced finding without a reason leaves the next reader unable to tell a reviewed exception from a shortcut. The directive does not silence anything without one.",
        fix: "Write why after the code: `-- rollback:lint-ignore RB101 data moved to archive.orders in 0042`.",
        bad: example("-- rollback:lint-ignore RB101\nDROP TABLE orders;"),
        good: example(
            "-- rollback:lint-ignore RB101 rows moved to orders_archive by 20260101\nDROP TABLE orders;",
        ),
    },
    Rule {
        code: "RB003",
        name: "lint-ignore-unknown-code",
        severity: Severity::Error,
        family: Family::Script,
        dialects: ALL,
        why: "A lint-ignore naming a code no rule has (a typo) silences nothing, while looking as if it did.",
        fix: "Use the code the finding prints (`cargo rollback lint` lists it), for example `RB101`.",
        bad: example("-- rollback:lint-ignore RB1O1 typo in the code\nDROP TABLE orders;"),
        good: example(
            "-- rollback:lint-ignore RB101 rows moved to orders_archive by 20260101\nDROP TABLE orders;",
        ),
    },
    Rule {
        code: "RB004",
        name: "irreversible-without-reason",
        severity: Severity::Error,
        family: Family::Script,
        dialects: ALL,
        why: "An irreversible migration stops every rollback past it; whoever meets it during an incident needs to know why it cannot be undone and what to do instead.",
        fix: "Write the reason after the directive: `-- rollback:irreversible the old password hashes are gone; restore from the nightly backup`.",
        bad: Example {
            up: "ALTER TABLE users ADD COLUMN nickname TEXT;",
            down: "-- rollback:irreversible",
        },
        good: Example {
            up: "ALTER TABLE users ADD COLUMN nickname TEXT;",
            down: "-- rollback:irreversible nicknames are derived from names and cannot be told apart",
        },
    },
];
