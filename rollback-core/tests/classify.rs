//! Statement analysis on arbitrary text (it never panics) and on the real
//! folders of the shared corpus (when it sits beside the repository): how many
//! statements each class gets, pinned so that a parser upgrade that reads
//! less (or more) shows up, and effects of real files.
//!
//! Corpus folders load with their empty downs marked irreversible: an empty
//! down's text is analyzed all the same.

#![cfg(feature = "sql")]

use std::collections::BTreeMap;

use rollback_core::sql::{
    AnalyzedStatement, Dialect, Effect, StatementClass, TableName, analyze_script,
};
use rollback_core::{EmptyDown, Loaded, Migration};

mod common;
mod properties;

use common::load_corpus;

// ---------------------------------------------------------------------------
// Any text
// ---------------------------------------------------------------------------

mod never_panics {
    use proptest::prelude::*;
    use rollback_core::sql::{StatementClass, analyze_script};

    /// SQL words and punctuation, so that the parser and the later rules get
    /// further than the first token.
    const WORDS: &[&str] = &[
        "DROP ",
        "TABLE ",
        "ALTER ",
        "CREATE ",
        "RENAME TO ",
        "COLUMN ",
        "TYPE ",
        "SELECT ",
        "INSERT INTO ",
        "DELETE FROM ",
        "PRAGMA ",
        "DO ",
        "t ",
        "u ",
        "\"T\" ",
        "`x` ",
        "s.t ",
        "( ",
        ") ",
        ", ",
        "; ",
        "'",
        "$$",
        "-- c\n",
        "/* ",
        "BEGIN ",
        "END ",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Any string is analyzed without a panic, and a statement is
        /// unclassified exactly when it says why.
        #[test]
        fn analyzing_any_text_never_panics(
            script in prop_oneof!["\\PC{0,200}", super::properties::sql_like(WORDS)],
            dialect in super::properties::dialect(),
        ) {
            for statement in analyze_script(&script, dialect) {
                prop_assert_eq!(
                    statement.class == StatementClass::Unclassified,
                    statement.unclassified_reason.is_some()
                );
                prop_assert!(statement.line >= 1);
            }
        }
    }
}

// ---------------------------------------------------------------------------
// The shared corpus of real folders
// ---------------------------------------------------------------------------

/// Statements per class of one corpus, ups and downs together.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Counts {
    statements: usize,
    schema: usize,
    destructive: usize,
    data: usize,
    unclassified: usize,
}

impl Counts {
    const fn new(
        statements: usize,
        schema: usize,
        destructive: usize,
        data: usize,
        unclassified: usize,
    ) -> Counts {
        Counts {
            statements,
            schema,
            destructive,
            data,
            unclassified,
        }
    }

    fn add(&mut self, statement: &AnalyzedStatement) {
        self.statements += 1;
        match statement.class {
            StatementClass::Schema => self.schema += 1,
            StatementClass::Destructive => self.destructive += 1,
            StatementClass::Data => self.data += 1,
            StatementClass::Unclassified => self.unclassified += 1,
        }
    }
}

/// Every corpus folder, its dialect, and its counts as measured with
/// sqlparser 0.63 (docs/classification.md has the same table). A change here
/// is a change in what the parser reads or in a classification rule: look at
/// which statements moved before updating a figure.
const CORPORA: [(&str, Dialect, Counts); 11] = [
    (
        "crates-io",
        Dialect::Postgres,
        Counts::new(1101, 852, 211, 36, 2),
    ),
    (
        "docs-rs",
        Dialect::Postgres,
        Counts::new(218, 148, 52, 18, 0),
    ),
    (
        "lemmy",
        Dialect::Postgres,
        Counts::new(5027, 3480, 1002, 512, 33),
    ),
    (
        "oxidrive-postgres",
        Dialect::Postgres,
        Counts::new(32, 23, 9, 0, 0),
    ),
    (
        "ncps-dbmate-postgres",
        Dialect::Postgres,
        Counts::new(54, 32, 22, 0, 0),
    ),
    (
        "vaultwarden-postgresql",
        Dialect::Postgres,
        Counts::new(165, 71, 92, 2, 0),
    ),
    (
        "vaultwarden-mysql",
        Dialect::MySql,
        Counts::new(147, 81, 57, 8, 1),
    ),
    (
        "ncps-dbmate-mysql",
        Dialect::MySql,
        Counts::new(53, 29, 24, 0, 0),
    ),
    (
        "vaultwarden-sqlite",
        Dialect::Sqlite,
        Counts::new(150, 97, 42, 11, 0),
    ),
    (
        "oxidrive-sqlite",
        Dialect::Sqlite,
        Counts::new(26, 17, 9, 0, 0),
    ),
    (
        "ncps-dbmate-sqlite",
        Dialect::Sqlite,
        Counts::new(124, 87, 29, 8, 0),
    ),
];

/// A parser message without its position, and with the name it tripped on
/// (a lowercase identifier) left out, so that equal reasons group.
fn reason_kind(reason: &str) -> String {
    let reason = reason.split(" at Line:").next().unwrap_or(reason);
    match reason.split_once(", found: ") {
        Some((expected, found)) if found.chars().any(|c| c.is_ascii_lowercase()) => {
            format!("{expected}, found: <a name>")
        }
        _ => reason.to_string(),
    }
}

/// Analyzes every up and down of every corpus folder; prints the table and
/// the reasons for unclassified statements (`cargo test -- --nocapture`
/// shows them), then compares with [`CORPORA`].
#[test]
fn corpus_statement_classes() {
    let mut measured = Vec::new();
    let mut reasons: BTreeMap<(&str, String), usize> = BTreeMap::new();
    for (name, dialect, _) in CORPORA {
        let Some(loaded) = load_corpus(name, EmptyDown::Irreversible) else {
            return;
        };
        let mut counts = Counts::default();
        for migration in loaded.migrations.migrations() {
            for script in [migration.up(), migration.down()] {
                for statement in analyze_script(script.sql(), dialect) {
                    assert_eq!(
                        statement.class == StatementClass::Unclassified,
                        statement.unclassified_reason.is_some(),
                        "{name} {migration}: {statement:?}"
                    );
                    counts.add(&statement);
                    if let Some(reason) = &statement.unclassified_reason {
                        let key = (dialect.as_str(), reason_kind(reason));
                        *reasons.entry(key).or_default() += 1;
                    }
                }
            }
        }
        measured.push((name, dialect, counts));
    }
    eprintln!("| corpus | dialect | statements | schema | destructive | data | unclassified |");
    eprintln!("|---|---|---:|---:|---:|---:|---:|");
    for (name, dialect, c) in &measured {
        eprintln!(
            "| {name} | {} | {} | {} | {} | {} | {} |",
            dialect.as_str(),
            c.statements,
            c.schema,
            c.destructive,
            c.data,
            c.unclassified
        );
    }
    eprintln!("unclassified, by reason:");
    for ((dialect, reason), count) in &reasons {
        eprintln!("  {dialect}: {count} × {reason}");
    }
    for (name, _, c) in &measured {
        assert_eq!(
            c.schema + c.destructive + c.data + c.unclassified,
            c.statements,
            "{name}: every statement gets one class"
        );
    }
    let expected: Vec<_> = CORPORA.to_vec();
    assert_eq!(measured, expected);
}

/// The migration of `corpus` whose version is `version`.
fn migration<'a>(loaded: &'a Loaded, version: &str) -> &'a Migration {
    loaded
        .migrations
        .migrations()
        .iter()
        .find(|m| m.version().as_str() == version)
        .unwrap_or_else(|| panic!("no migration {version}"))
}

/// Every effect of a script, in order.
fn effects(sql: &str, dialect: Dialect) -> Vec<Effect> {
    analyze_script(sql, dialect)
        .into_iter()
        .flat_map(|statement| statement.effects)
        .collect()
}

fn table(name: &str) -> TableName {
    TableName {
        schema: None,
        name: name.to_string(),
    }
}

fn columns(names: &[&str]) -> Vec<String> {
    names.iter().map(|name| name.to_string()).collect()
}

#[test]
fn corpus_crates_io_effects() {
    let Some(loaded) = load_corpus("crates-io", EmptyDown::Irreversible) else {
        return;
    };
    let users = migration(&loaded, "20140924113530");
    assert_eq!(
        effects(users.down().sql(), Dialect::Postgres),
        [Effect::DropTable {
            table: table("users")
        }]
    );
    let downloads = migration(&loaded, "2018-04-24-145128");
    assert!(
        effects(downloads.down().sql(), Dialect::Postgres).contains(&Effect::DropView {
            view: table("recent_crate_downloads"),
            materialized: true,
        })
    );
    // This down has a missing semicolon: two ALTER TABLEs read as one, which
    // PostgreSQL rejects too. It stays unclassified, with the parser's reason.
    let no_id = migration(&loaded, "20170318181441");
    let statements = analyze_script(no_id.down().sql(), Dialect::Postgres);
    assert_eq!(statements[0].class, StatementClass::Unclassified);
    assert!(
        statements[0]
            .unclassified_reason
            .as_deref()
            .is_some_and(|reason| reason.contains("found: ALTER")),
        "{:?}",
        statements[0]
    );
}

#[test]
fn corpus_lemmy_multi_table_drop() {
    let Some(loaded) = load_corpus("lemmy", EmptyDown::Irreversible) else {
        return;
    };
    let smoosh = migration(&loaded, "2025-08-01-000016");
    let statements = analyze_script(smoosh.up().sql(), Dialect::Postgres);
    let drop = statements
        .iter()
        .find(|statement| statement.sql == "DROP TABLE comment_saved, comment_like")
        .expect("the up drops two tables in one statement");
    assert_eq!(drop.class, StatementClass::Destructive);
    assert_eq!(
        drop.effects,
        [
            Effect::DropTable {
                table: table("comment_saved")
            },
            Effect::DropTable {
                table: table("comment_like")
            },
        ]
    );
}

#[test]
fn corpus_vaultwarden_mysql_change_column() {
    let Some(loaded) = load_corpus("vaultwarden-mysql", EmptyDown::Irreversible) else {
        return;
    };
    let renames = migration(&loaded, "2019-05-26-216651");
    let effects = effects(renames.up().sql(), Dialect::MySql);
    // `CHANGE COLUMN \`key\` akey TEXT`: reported on the old, quoted name.
    assert!(
        effects.contains(&Effect::ChangeColumnType {
            table: table("attachments"),
            column: "key".to_string(),
        }),
        "{effects:?}"
    );
}

#[test]
fn corpus_vaultwarden_sqlite_rebuild_renaming_the_old_table_away() {
    let Some(loaded) = load_corpus("vaultwarden-sqlite", EmptyDown::Irreversible) else {
        return;
    };
    // `ALTER TABLE ciphers RENAME TO oldCiphers; CREATE TABLE ciphers (…);
    // INSERT … SELECT … FROM oldCiphers; DROP TABLE oldCiphers`.
    let ciphers = migration(&loaded, "2018-04-27-155151");
    let statements = analyze_script(ciphers.up().sql(), Dialect::Sqlite);
    let drop = statements
        .iter()
        .find(|statement| statement.sql == "DROP TABLE oldCiphers")
        .expect("the up drops the old table");
    assert_eq!(drop.class, StatementClass::Destructive);
    assert_eq!(
        drop.effects,
        [Effect::RebuildTable {
            table: table("ciphers"),
            kept_columns: columns(&[
                "uuid",
                "created_at",
                "updated_at",
                "user_uuid",
                "organization_uuid",
                "type",
                "name",
                "notes",
                "fields",
                "data",
                "favorite",
            ]),
        }]
    );
}

#[test]
fn corpus_ncps_sqlite_rebuild_with_pragmas() {
    let Some(loaded) = load_corpus("ncps-dbmate-sqlite", EmptyDown::Irreversible) else {
        return;
    };
    // `CREATE TABLE nar_files_new (…)`, copy, `PRAGMA foreign_keys = OFF`,
    // `DROP TABLE nar_files`, rename, `PRAGMA foreign_keys = ON`.
    let representations = migration(&loaded, "20260127223000");
    let statements = analyze_script(representations.up().sql(), Dialect::Sqlite);
    let pragmas: Vec<_> = statements
        .iter()
        .filter(|statement| statement.sql.starts_with("PRAGMA"))
        .map(|statement| statement.class)
        .collect();
    assert_eq!(pragmas, [StatementClass::Schema, StatementClass::Schema]);
    let rebuilt: Vec<_> = statements
        .iter()
        .flat_map(|statement| &statement.effects)
        .collect();
    assert_eq!(
        rebuilt,
        [&Effect::RebuildTable {
            table: table("nar_files"),
            kept_columns: columns(&[
                "id",
                "hash",
                "compression",
                "file_size",
                "query",
                "created_at",
                "updated_at",
                "last_accessed_at",
            ]),
        }]
    );
}

/// What the runtime's MySQL dirty marker relies on: only data statements
/// roll back with their transaction there; anything else may commit at once.
#[test]
fn mysql_data_statements_are_told_from_statements_that_commit() {
    let script = "-- seed\ninsert into t values (1);\nWITH x AS (SELECT 1) UPDATE t SET a = 1;\nDELETE FROM t;\nREPLACE INTO t VALUES (2);\nCREATE TABLE u (id int);\nALTER TABLE t ADD b int;\nCALL p();\nLOCK TABLES t WRITE;";
    let data: Vec<bool> = analyze_script(script, Dialect::MySql)
        .iter()
        .map(|statement| statement.class == StatementClass::Data)
        .collect();
    assert_eq!(data, [true, true, true, true, false, false, false, false]);
}
