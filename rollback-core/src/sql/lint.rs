//! `cargo rollback lint`: checks migrations before they run, with no
//! database. Each rule has a stable code (`RB101`), a severity, and a check
//! over sqlparser's AST in the project's dialect; the linter knows which
//! tables older migrations created, so "an existing table" means one not
//! created earlier in the same script. See docs/lint.md for every rule.

mod engine;
mod families;
mod ignore;
mod rule;
mod schema;
mod scope;
mod types;

#[cfg(test)]
mod tests;

pub use engine::{Finding, LintOptions, lint};
pub use rule::{Example, Family, Level, Rule, Severity};

/// Every rule, in code order.
pub fn rules() -> impl Iterator<Item = &'static Rule> {
    families::rules()
}
