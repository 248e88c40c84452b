//! End-to-end tests of `cargo-rollback`: the real binary on real SQLite
//! files and on real PostgreSQL and MariaDB databases. A test that takes a
//! `db` runs once per database (`#[apply(each_database)]`).

#[path = "../support/mod.rs"]
mod support;

mod adopt;
mod apply_revert;
mod backup;
mod backup_privacy;
mod bad_input;
mod commands;
mod completions;
mod concurrency;
mod confirmation;
mod corpus;
mod corpus_verify;
mod fleet;
mod generate;
mod generate_missing;
mod generate_rebuild;
mod lint;
mod lint_corpus;
mod mysql;
mod plan;
mod prune;
mod rehearsal;
mod resume;
mod safety;
mod timeouts;
mod torture;
mod verbose;
mod verify;
mod verify_replay;

use rstest_reuse::template;

/// Runs a test on SQLite, PostgreSQL and MySQL/MariaDB.
#[template]
#[rstest::rstest]
#[case::sqlite(crate::support::Db::Sqlite)]
#[case::postgres(crate::support::Db::Postgres)]
#[case::mysql(crate::support::Db::MySql)]
fn each_database(#[case] db: crate::support::Db) {}
