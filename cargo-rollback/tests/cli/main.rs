//! End-to-end tests of `cargo-rollback`: the real binary on real SQLite files.

#[path = "../support/mod.rs"]
mod support;

mod apply_revert;
mod bad_input;
mod commands;
mod concurrency;
mod corpus;
mod safety;
