//! Statements sqlparser 0.63 cannot read, judged by their first words when
//! every form of their kind is harmless.

use sqlparser::tokenizer::Token;

use super::analyzed::runs_hidden_code;
use super::verdict::Verdict;
use crate::sql::dialect::{Dialect, single_statement_tokens};

/// The verdict on a statement the parser rejected, when its first words name
/// a kind that is harmless in every form and that sqlparser 0.63 does not
/// read (at all, or in the form found in real migrations). The text must be
/// one statement: no `;` before its end. Case by case:
///
/// - `PRAGMA` (SQLite): sqlparser reads `PRAGMA foreign_keys = 1` but not
///   `= ON`/`OFF`; a pragma sets or reads a setting and changes no row.
/// - `SET …`, `RESET …` (`SET CONSTRAINTS ALL DEFERRED`): session settings.
/// - `COMMENT ON …` (`COMMENT ON FUNCTION f(int)`, `ON CONSTRAINT`): only a description.
/// - `REINDEX …`: rebuilds indexes from the rows, never the other way round.
/// - `CREATE …`: creating loses nothing (sequences with options in another
///   order, functions with `COST`, PostgreSQL 18's named `NOT NULL`
///   constraints, `CREATE STATISTICS`, `CREATE RULE`), except `CREATE OR
///   REPLACE TABLE` (or `TEMPORARY …`), which drops a table and stays unclassified.
/// - `ALTER TRIGGER`, `ALTER INDEX`, `ALTER VIEW`, `ALTER MATERIALIZED VIEW`,
///   `ALTER STATISTICS`: renames, owners, options, none of which loses data.
/// - `ALTER SEQUENCE` (`OWNED BY`, `RENAME TO`), unless it says `RESTART`,
///   which loses the sequence's position.
/// - `DROP INDEX` (`CONCURRENTLY`), `DROP STATISTICS`, `DROP RULE`.
/// - `PREPARE` (MySQL's `PREPARE s FROM @sql`): compiles, runs nothing.
/// - `REFRESH MATERIALIZED VIEW`: [`Data`](super::analyzed::StatementClass::Data), it recomputes
///   rows the view derives from its tables.
/// - `DO` stays unclassified, with the reason that it runs code: a `DO`
///   block can do anything.
///
/// `ALTER TABLE` is not on the list, whatever the parser trips on (`ALTER
/// CONSTRAINT`, `SET SCHEMA`, MySQL's `ENGINE=`): the same statement may drop
/// a column.
pub(super) fn unparsed(sql: &str, dialect: Dialect) -> Option<Verdict> {
    let words = single_statement_words(sql, dialect)?;
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    let leading = &words[..words
        .iter()
        .position(|word| word.is_empty())
        .unwrap_or(words.len())];
    match leading {
        ["DO", ..] => Some(Verdict::unclassified(runs_hidden_code("DO"))),
        ["PRAGMA", ..] if dialect == Dialect::Sqlite => Some(Verdict::schema()),
        [
            "CREATE",
            "OR",
            "REPLACE",
            "TABLE" | "TEMPORARY" | "TEMP",
            ..,
        ] => None,
        ["ALTER", "SEQUENCE", ..] if words.contains(&"RESTART") => None,
        ["SET" | "RESET" | "REINDEX" | "CREATE" | "PREPARE", ..]
        | ["COMMENT", "ON", ..]
        | [
            "ALTER",
            "TRIGGER" | "INDEX" | "VIEW" | "STATISTICS" | "SEQUENCE",
            ..,
        ]
        | ["ALTER", "MATERIALIZED", "VIEW", ..]
        | ["DROP", "INDEX" | "STATISTICS" | "RULE", ..] => Some(Verdict::schema()),
        ["REFRESH", "MATERIALIZED", "VIEW", ..] => Some(Verdict::data(Vec::new())),
        _ => None,
    }
}

/// The significant tokens of `sql` as words: each unquoted word upper-cased,
/// anything else (a quoted name, a literal, punctuation) as an empty string.
/// `None` when the tokenizer cannot read `sql` or when it holds more than one
/// statement (a `;` before the end).
fn single_statement_words(sql: &str, dialect: Dialect) -> Option<Vec<String>> {
    let word = |token: &Token| match token {
        Token::Word(word) if word.quote_style.is_none() => word.value.to_ascii_uppercase(),
        _ => String::new(),
    };
    Some(
        single_statement_tokens(sql, dialect)?
            .iter()
            .map(word)
            .collect(),
    )
}
