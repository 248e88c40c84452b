//! The rules, one module per family: each holds its rules as data
//! (`RULES`) and the check that reports them. This file lists them and runs
//! every family's check on a statement.

mod compatibility;
mod destructive;
mod failing;
mod locking;
mod mysql;
mod script;
mod sqlite;
mod transaction;

use super::rule::Rule;
use super::scope::{Hits, Scope, StatementView};

/// Every rule, by code.
pub(super) fn rules() -> impl Iterator<Item = &'static Rule> {
    script::RULES
        .iter()
        .chain(&destructive::RULES)
        .chain(&compatibility::RULES)
        .chain(&locking::RULES)
        .chain(&failing::RULES)
        .chain(&mysql::RULES)
        .chain(&sqlite::RULES)
        .chain(&transaction::RULES)
}

/// The rule with this code.
pub(super) fn rule(code: &str) -> Option<&'static Rule> {
    rules().find(|rule| rule.code == code)
}

/// Runs every family's statement checks.
pub(super) fn check(view: &StatementView<'_>, scope: &Scope<'_>, hits: &mut Hits) {
    destructive::check(view, scope, hits);
    compatibility::check(view, scope, hits);
    locking::check(view, scope, hits);
    failing::check(view, scope, hits);
    mysql::check(view, scope, hits);
    sqlite::check(view, scope, hits);
    transaction::check(view, scope, hits);
}

/// Runs the checks that look at a whole script.
pub(super) fn check_script(views: &[StatementView<'_>], scope: &Scope<'_>, hits: &mut Hits) {
    transaction::check_script(views, scope, hits);
}
