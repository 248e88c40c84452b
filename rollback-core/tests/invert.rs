//! Down generation on arbitrary text (it never panics) and on every up of
//! the shared corpus (when it sits beside the repository): how many
//! statements get each outcome, pinned so that a regression shows.

#![cfg(feature = "sql")]

use std::collections::BTreeMap;

use rollback_core::sql::{Dialect, Inverse, InversePart, Need, TableName, invert_script};
use rollback_core::{EmptyDown, Loaded};

mod common;
mod properties;

use common::load_corpus;

mod never_panics {
    use proptest::prelude::*;
    use rollback_core::sql::invert_script;

    /// SQL words and punctuation, so that the parser and the later rules get
    /// further than the first token.
    const WORDS: &[&str] = &[
        "DROP ",
        "TABLE ",
        "ALTER ",
        "CREATE ",
        "OR REPLACE ",
        "INDEX ",
        "VIEW ",
        "ON ",
        "RENAME TO ",
        "RENAME INDEX ",
        "COMMENT ON ",
        "IS ",
        "ADD ",
        "COLUMN ",
        "CONSTRAINT ",
        "TYPE ",
        "INSERT INTO ",
        "SELECT ",
        "t ",
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
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Any string is inverted without a panic; a statement has parts
        /// exactly when it is not skipped.
        #[test]
        fn inverting_any_text_never_panics(
            script in prop_oneof!["\\PC{0,200}", super::properties::sql_like(WORDS)],
            dialect in super::properties::dialect(),
        ) {
            for inverse in invert_script(&script, dialect) {
                prop_assert_eq!(inverse.parts.is_empty(), inverse.skipped.is_some());
                prop_assert!(inverse.line >= 1);
            }
        }
    }
}

/// The down parts of the up of `corpus`'s migration `version`, in order.
fn down_parts(loaded: &Loaded, version: &str, dialect: Dialect) -> Vec<InversePart> {
    let migration = loaded
        .migrations
        .migrations()
        .iter()
        .find(|m| m.version().as_str() == version)
        .unwrap_or_else(|| panic!("no migration {version}"));
    invert_script(migration.up().sql(), dialect)
        .into_iter()
        .flat_map(|inverse| inverse.parts)
        .collect()
}

fn table(name: &str) -> TableName {
    TableName {
        schema: None,
        name: name.to_string(),
    }
}

fn sql(sql: &str) -> InversePart {
    InversePart::Sql {
        sql: sql.to_string(),
    }
}

/// Statements of one corpus's ups by outcome. A statement whose parts mix
/// outcomes counts once, under its worst: cannot invert, then recreate,
/// drop unnamed, SQL.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Outcomes {
    statements: usize,
    sql: usize,
    recreate: usize,
    drop_unnamed: usize,
    cannot_invert: usize,
    skipped: usize,
}

impl Outcomes {
    const fn new(
        statements: usize,
        sql: usize,
        recreate: usize,
        drop_unnamed: usize,
        cannot_invert: usize,
        skipped: usize,
    ) -> Outcomes {
        Outcomes {
            statements,
            sql,
            recreate,
            drop_unnamed,
            cannot_invert,
            skipped,
        }
    }

    fn add(&mut self, inverse: &Inverse) {
        self.statements += 1;
        let has = |wanted: fn(&InversePart) -> bool| inverse.parts.iter().any(wanted);
        if inverse.parts.is_empty() {
            self.skipped += 1;
        } else if has(|part| matches!(part, InversePart::CannotInvert { .. })) {
            self.cannot_invert += 1;
        } else if has(|part| matches!(part, InversePart::Recreate { .. })) {
            self.recreate += 1;
        } else if has(|part| matches!(part, InversePart::DropUnnamed { .. })) {
            self.drop_unnamed += 1;
        } else {
            self.sql += 1;
        }
    }
}

/// Every corpus folder, its dialect, and the outcomes of its ups' statements
/// as measured with sqlparser 0.63. A change here is a change in what the
/// parser reads or in an inversion rule: look at which statements moved
/// before updating a figure.
const CORPORA: [(&str, Dialect, Outcomes); 11] = [
    (
        "crates-io",
        Dialect::Postgres,
        Outcomes::new(620, 283, 243, 9, 18, 67),
    ),
    (
        "docs-rs",
        Dialect::Postgres,
        Outcomes::new(136, 71, 17, 1, 4, 43),
    ),
    (
        "lemmy",
        Dialect::Postgres,
        Outcomes::new(2664, 1382, 751, 4, 199, 328),
    ),
    (
        "oxidrive-postgres",
        Dialect::Postgres,
        Outcomes::new(16, 11, 0, 0, 0, 5),
    ),
    (
        "ncps-dbmate-postgres",
        Dialect::Postgres,
        Outcomes::new(30, 23, 1, 0, 0, 6),
    ),
    (
        "vaultwarden-postgresql",
        Dialect::Postgres,
        Outcomes::new(101, 62, 37, 1, 0, 1),
    ),
    (
        "vaultwarden-mysql",
        Dialect::MySql,
        Outcomes::new(102, 72, 19, 1, 2, 8),
    ),
    (
        "ncps-dbmate-mysql",
        Dialect::MySql,
        Outcomes::new(28, 23, 2, 0, 0, 3),
    ),
    (
        "vaultwarden-sqlite",
        Dialect::Sqlite,
        Outcomes::new(105, 81, 15, 0, 1, 8),
    ),
    (
        "oxidrive-sqlite",
        Dialect::Sqlite,
        Outcomes::new(13, 9, 0, 0, 0, 4),
    ),
    (
        "ncps-dbmate-sqlite",
        Dialect::Sqlite,
        Outcomes::new(61, 26, 11, 0, 0, 24),
    ),
];

/// A parser message without its position, so that equal reasons group.
fn reason_kind(reason: &str) -> String {
    reason
        .split(" at Line:")
        .next()
        .unwrap_or(reason)
        .to_string()
}

/// Inverts every up of every corpus folder; prints the table (`cargo test
/// -- --nocapture` shows it), then compares with [`CORPORA`].
#[test]
fn corpus_inversion_outcomes() {
    let mut measured = Vec::new();
    let mut reasons: BTreeMap<(&str, String), usize> = BTreeMap::new();
    for (name, dialect, _) in CORPORA {
        let Some(loaded) = load_corpus(name, EmptyDown::Irreversible) else {
            return;
        };
        let mut outcomes = Outcomes::default();
        for migration in loaded.migrations.migrations() {
            for inverse in invert_script(migration.up().sql(), dialect) {
                assert_eq!(
                    inverse.parts.is_empty(),
                    inverse.skipped.is_some(),
                    "{name} {migration}: {inverse:?}"
                );
                outcomes.add(&inverse);
                for part in &inverse.parts {
                    if let InversePart::CannotInvert { reason } = part {
                        let key = (dialect.as_str(), reason_kind(reason));
                        *reasons.entry(key).or_default() += 1;
                    }
                }
            }
        }
        measured.push((name, dialect, outcomes));
    }
    eprintln!(
        "| corpus | dialect | statements | sql | recreate | drop_unnamed | cannot_invert | skipped |"
    );
    eprintln!("|---|---|---:|---:|---:|---:|---:|---:|");
    for (name, dialect, o) in &measured {
        eprintln!(
            "| {name} | {} | {} | {} | {} | {} | {} | {} |",
            dialect.as_str(),
            o.statements,
            o.sql,
            o.recreate,
            o.drop_unnamed,
            o.cannot_invert,
            o.skipped
        );
    }
    eprintln!("cannot invert, by reason:");
    for ((dialect, reason), count) in &reasons {
        eprintln!("  {dialect}: {count} × {reason}");
    }
    let expected: Vec<_> = CORPORA.to_vec();
    assert_eq!(measured, expected);
}

#[test]
fn corpus_vaultwarden_sqlite_rebuild_copies_the_rows_back() {
    let Some(loaded) = load_corpus("vaultwarden-sqlite", EmptyDown::Irreversible) else {
        return;
    };
    // `ALTER TABLE ciphers RENAME TO oldCiphers; CREATE TABLE ciphers (…);
    // CREATE TABLE folders_ciphers (…); INSERT …; DROP TABLE oldCiphers;
    // ALTER TABLE users_collections ADD COLUMN read_only …`.
    let parts = down_parts(&loaded, "2018-04-27-155151", Dialect::Sqlite);
    let kept = [
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
    ];
    assert_eq!(
        parts,
        [
            sql("ALTER TABLE users_collections DROP COLUMN read_only"),
            InversePart::Recreate {
                need: Need::TableRebuild {
                    table: table("oldCiphers"),
                    rows_from: table("ciphers"),
                    kept_columns: kept.iter().map(|c| c.to_string()).collect(),
                }
            },
            sql("DROP TABLE IF EXISTS folders_ciphers"),
            sql("DROP TABLE IF EXISTS ciphers"),
            sql("ALTER TABLE oldCiphers RENAME TO ciphers"),
            InversePart::Recreate {
                need: Need::References {
                    table: table("ciphers")
                }
            },
        ]
    );
}

#[test]
fn corpus_vaultwarden_mysql_change_column_renames_back() {
    let Some(loaded) = load_corpus("vaultwarden-mysql", EmptyDown::Irreversible) else {
        return;
    };
    let parts = down_parts(&loaded, "2019-05-26-216651", Dialect::MySql);
    assert!(
        parts.contains(&InversePart::Recreate {
            need: Need::ColumnDefinition {
                table: table("attachments"),
                column: "key".to_string(),
                now_named: Some("akey".to_string()),
                changes: rollback_core::sql::ColumnChanges {
                    data_type: true,
                    default: true,
                    not_null: true,
                    identity: false,
                },
            }
        }),
        "{parts:?}"
    );
}
