//! What a check sees: one statement (its text, its parse, its first words
//! and the analysis's effects) and the script around it (which direction,
//! in a transaction or not, which tables it created before this statement).

use std::collections::{BTreeMap, BTreeSet};

use sqlparser::ast;
use sqlparser::tokenizer::{Token, Tokenizer};

use super::schema::{Schema, key};
use crate::sql::analysis::Effect;
use crate::sql::dialect::{Dialect, parser_dialect};
use crate::sql::name::TableName;

/// Which script of a migration is linted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Direction {
    /// The up: it runs against the previous release's schema and data.
    Up,
    /// The down: it runs against the schema and data its up left.
    Down,
}

/// One statement, read every way a rule may need.
pub(super) struct StatementView<'a> {
    /// The parsed statement; `None` when the parser cannot read it.
    pub parsed: Option<&'a ast::Statement>,
    /// The first words of the statement, uppercase (keywords and names
    /// alike), for the statements sqlparser cannot read.
    pub words: Vec<String>,
    /// What the analysis says it does to stored data.
    pub effects: &'a [Effect],
}

impl StatementView<'_> {
    /// Whether the statement starts with these words.
    pub(super) fn starts_with(&self, words: &[&str]) -> bool {
        self.words.len() >= words.len() && self.words.iter().zip(words).all(|(a, b)| a == b)
    }

    /// Whether one of its first words is `word`.
    pub(super) fn has_word(&self, word: &str) -> bool {
        self.words.iter().any(|candidate| candidate == word)
    }
}

/// Up to 12 leading words of `sql`, uppercase, comments and punctuation skipped.
pub(super) fn leading_words(sql: &str, dialect: Dialect) -> Vec<String> {
    let Ok(tokens) = Tokenizer::new(parser_dialect(dialect), sql).tokenize() else {
        return Vec::new();
    };
    tokens
        .into_iter()
        .filter_map(|token| match token {
            Token::Word(word) => Some(word.value.to_uppercase()),
            _ => None,
        })
        .take(12)
        .collect()
}

/// The script around a statement.
pub(super) struct Scope<'a> {
    /// The database.
    pub dialect: Dialect,
    /// Up or down.
    pub direction: Direction,
    /// Whether the script runs outside a transaction.
    pub no_transaction: bool,
    /// The tables as known before the statement.
    pub schema: Schema,
    /// Tables created earlier in this script (keys).
    pub created: BTreeSet<String>,
    /// Indexes created earlier in this script (lowercase names).
    pub created_indexes: BTreeSet<String>,
    /// Tables this script drops, anywhere in it: what locks them does not
    /// matter.
    pub dropped: BTreeSet<String>,
    /// Tables renamed earlier in this script: new name to old name (keys).
    pub renamed_from: BTreeMap<String, String>,
    /// Tables this script rebuilds (SQLite's copy-and-rename).
    pub rebuilt: BTreeSet<String>,
    /// Columns some statement of the script renames another column to, as
    /// (table key, column key): dropping one of them is half of a column
    /// rebuild (add `c_new`, copy, drop `c`, rename `c_new` to `c`).
    pub renamed_into: BTreeSet<(String, String)>,
    /// Whether the script itself says `-- rollback:no-transaction` (rather
    /// than its layout, which says it for the up and the down at once).
    pub says_no_transaction: bool,
    /// Whether `PRAGMA foreign_keys = OFF` ran earlier in the script.
    pub foreign_keys_off: bool,
    /// For a down: what its up created, which the down may destroy.
    pub up: Option<&'a Created>,
}

impl Scope<'_> {
    /// Whether `table` may hold data: it was not created earlier in this
    /// script (in a down, a table the up created holds data too).
    pub(super) fn existing(&self, table: &str) -> bool {
        !self.created.contains(table)
    }

    /// [`existing`](Self::existing) for a table named in the AST.
    pub(super) fn existing_name(&self, name: &ast::ObjectName) -> bool {
        self.existing(&super::schema::key_of(name, self.dialect))
    }

    /// Whether dropping `table` ends a rebuild: the script renamed a table
    /// to it and then created a new table under the old name (rename away,
    /// create, copy, drop).
    pub(super) fn ends_rebuild(&self, table: &str) -> bool {
        self.renamed_from
            .get(table)
            .is_some_and(|old| self.created.contains(old))
    }

    /// Whether this is the up.
    pub(super) fn up(&self) -> bool {
        self.direction == Direction::Up
    }

    /// Whether the script runs in a transaction.
    pub(super) fn in_transaction(&self) -> bool {
        !self.no_transaction
    }
}

/// What an up created: a down may drop it without losing older data.
#[derive(Debug, Clone, Default)]
pub(super) struct Created {
    /// Tables (keys).
    pub tables: BTreeSet<String>,
    /// Columns added to tables that existed, as (table key, column key).
    pub columns: BTreeSet<(String, String)>,
    /// Schemas (lowercase).
    pub schemas: BTreeSet<String>,
}

impl Created {
    /// Whether the up created `table`.
    pub(super) fn table(&self, table: &TableName) -> bool {
        self.tables.contains(&key(table))
    }
}

/// The findings of one statement, before file, line and severity are known.
#[derive(Debug, Default)]
pub(super) struct Hits(pub Vec<(&'static str, String)>);

impl Hits {
    /// Records a finding of rule `code`.
    pub(super) fn add(&mut self, code: &'static str, message: impl Into<String>) {
        self.0.push((code, message.into()));
    }
}
