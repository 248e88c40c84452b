//! Splitting a script into statements, so that each one runs, and fails, on
//! its own: an error then names the statement and its line.
//!
//! The script is tokenized with sqlparser's tokenizer in the database's
//! dialect, so semicolons inside strings, quoted identifiers, comments and
//! PostgreSQL `$$` bodies never split. Trigger and routine bodies written as
//! `BEGIN … END` (SQLite and MySQL triggers, MySQL procedures, PostgreSQL
//! `BEGIN ATOMIC`) are kept whole. A script the tokenizer cannot read (an
//! unterminated string, say) is sent as one statement, and the database
//! reports what is wrong with it.

use sqlparser::dialect::Dialect as ParserDialect;
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Location, Token, TokenWithSpan, Tokenizer};

use super::dialect::{Dialect, parser_dialect};

/// One statement of a script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Statement<'a> {
    /// The statement's text, without its terminating semicolon.
    pub sql: &'a str,
    /// The 1-based line of the script where the statement starts.
    pub line: usize,
}

/// Splits `script` into its statements. Comments between statements are
/// dropped; a script of only comments has no statements.
///
/// ```rust
/// use rollback_core::sql::{Dialect, split};
///
/// let script = "CREATE TABLE notes (body TEXT DEFAULT ';');\n\n\
///               -- seed\n\
///               INSERT INTO notes VALUES ('a; b');\n";
/// let statements: Vec<(usize, &str)> = split(script, Dialect::Sqlite)
///     .iter()
///     .map(|statement| (statement.line, statement.sql))
///     .collect();
/// assert_eq!(
///     statements,
///     [
///         (1, "CREATE TABLE notes (body TEXT DEFAULT ';')"),
///         (4, "INSERT INTO notes VALUES ('a; b')"),
///     ]
/// );
/// ```
pub fn split(script: &str, dialect: Dialect) -> Vec<Statement<'_>> {
    let Some(tokens) = tokenize(parser_dialect(dialect), script) else {
        return whole(script);
    };
    let offsets = Offsets::new(script);
    let mut statements = Vec::new();
    let mut current = StatementScan::default();
    for (index, token) in tokens.iter().enumerate() {
        if matches!(token.token, Token::Whitespace(_) | Token::EOF) {
            continue;
        }
        if token.token == Token::SemiColon && current.at_top_level() {
            if let Some(start) = current.start {
                let from = offsets.byte(tokens[start].span.start);
                let to = offsets.byte(token.span.start);
                push(&mut statements, script, from, to, tokens[start].span.start);
            }
            current = StatementScan::default();
            continue;
        }
        current.see(&tokens, index, dialect);
    }
    if let Some(start) = current.start {
        let from = offsets.byte(tokens[start].span.start);
        push(
            &mut statements,
            script,
            from,
            script.len(),
            tokens[start].span.start,
        );
    }
    statements
}

fn tokenize(dialect: &dyn ParserDialect, script: &str) -> Option<Vec<TokenWithSpan>> {
    Tokenizer::new(dialect, script)
        .with_unescape(false)
        .tokenize_with_location()
        .ok()
}

fn whole(script: &str) -> Vec<Statement<'_>> {
    if crate::is_blank(script) {
        return Vec::new();
    }
    let leading = script.len() - script.trim_start().len();
    let line = script[..leading].matches('\n').count() + 1;
    vec![Statement {
        sql: script.trim(),
        line,
    }]
}

fn push<'a>(
    statements: &mut Vec<Statement<'a>>,
    script: &'a str,
    from: usize,
    to: usize,
    start: Location,
) {
    let sql = script[from..to].trim_end();
    if !sql.is_empty() {
        statements.push(Statement {
            sql,
            line: usize::try_from(start.line).unwrap_or(usize::MAX),
        });
    }
}

/// What is known about the statement being read.
#[derive(Default)]
struct StatementScan {
    /// Index of its first significant token.
    start: Option<usize>,
    /// Significant words seen so far, up to a few: enough to know the statement kind.
    leading_words: usize,
    /// `CREATE … TRIGGER|FUNCTION|PROCEDURE|EVENT`: `BEGIN … END` is a body.
    routine: bool,
    parens: usize,
    blocks: usize,
    /// The previous significant token was `END`: a following `IF`, `LOOP`, …
    /// closes a block rather than opening one.
    after_end: bool,
}

impl StatementScan {
    fn at_top_level(&self) -> bool {
        self.parens == 0 && self.blocks == 0
    }

    fn see(&mut self, tokens: &[TokenWithSpan], index: usize, dialect: Dialect) {
        self.start.get_or_insert(index);
        let after_end = std::mem::take(&mut self.after_end);
        match &tokens[index].token {
            Token::LParen => self.parens += 1,
            Token::RParen => self.parens = self.parens.saturating_sub(1),
            Token::Word(word) if word.quote_style.is_none() => {
                self.leading_words += 1;
                let keyword = word.keyword;
                if self.leading_words <= 8
                    && matches!(
                        keyword,
                        Keyword::TRIGGER | Keyword::FUNCTION | Keyword::PROCEDURE | Keyword::EVENT
                    )
                    && matches!(&tokens[self.start.unwrap_or(index)].token, Token::Word(first) if first.keyword == Keyword::CREATE)
                {
                    self.routine = true;
                }
                if !self.routine {
                    return;
                }
                match keyword {
                    Keyword::BEGIN => self.blocks += 1,
                    Keyword::CASE if self.blocks > 0 && !after_end => self.blocks += 1,
                    _ if dialect == Dialect::MySql
                        && self.blocks > 0
                        && !after_end
                        && opens_mysql_block(&word.value)
                        && starts_body_statement(tokens, index) =>
                    {
                        self.blocks += 1;
                    }
                    Keyword::END if self.blocks > 0 => {
                        self.blocks -= 1;
                        self.after_end = true;
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
}

/// MySQL's compound-statement openers that close with `END <word>`.
fn opens_mysql_block(word: &str) -> bool {
    ["IF", "LOOP", "WHILE", "REPEAT"]
        .iter()
        .any(|opener| word.eq_ignore_ascii_case(opener))
}

/// Whether the word at `index` begins a statement of a routine body (after
/// `;`, `BEGIN`, `THEN`, `ELSE`, `DO` or a label), which tells the `IF … END IF`
/// statement from the `IF(a, b, c)` function.
fn starts_body_statement(tokens: &[TokenWithSpan], index: usize) -> bool {
    let previous = tokens[..index]
        .iter()
        .rev()
        .find(|token| !matches!(token.token, Token::Whitespace(_)));
    match previous.map(|token| &token.token) {
        Some(Token::SemiColon | Token::Colon) => true,
        Some(Token::Word(word)) => matches!(
            word.keyword,
            Keyword::BEGIN | Keyword::THEN | Keyword::ELSE | Keyword::DO
        ),
        _ => false,
    }
}

/// Turns the tokenizer's line and column (in characters) into byte offsets.
struct Offsets<'a> {
    script: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> Offsets<'a> {
    fn new(script: &'a str) -> Offsets<'a> {
        let mut line_starts = vec![0];
        line_starts.extend(script.match_indices('\n').map(|(index, _)| index + 1));
        Offsets {
            script,
            line_starts,
        }
    }

    fn byte(&self, location: Location) -> usize {
        let line = usize::try_from(location.line).unwrap_or(usize::MAX).max(1);
        let Some(&line_start) = self.line_starts.get(line - 1) else {
            return self.script.len();
        };
        let column = usize::try_from(location.column)
            .unwrap_or(usize::MAX)
            .max(1);
        self.script[line_start..]
            .char_indices()
            .nth(column - 1)
            .map_or(self.script.len(), |(offset, _)| line_start + offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(script: &str, dialect: Dialect) -> Vec<&str> {
        split(script, dialect).iter().map(|s| s.sql).collect()
    }

    #[test]
    fn splits_on_top_level_semicolons() {
        let script = "-- users\nCREATE TABLE users (id INTEGER PRIMARY KEY, note TEXT DEFAULT 'a;b');\n\nINSERT INTO users (note) VALUES ('x'); -- trailing\nDROP TABLE old";
        let statements = split(script, Dialect::Sqlite);
        assert_eq!(
            statements.iter().map(|s| s.sql).collect::<Vec<_>>(),
            [
                "CREATE TABLE users (id INTEGER PRIMARY KEY, note TEXT DEFAULT 'a;b')",
                "INSERT INTO users (note) VALUES ('x')",
                "DROP TABLE old"
            ]
        );
        assert_eq!(
            statements.iter().map(|s| s.line).collect::<Vec<_>>(),
            [2, 4, 5]
        );
    }

    #[test]
    fn comment_only_script_has_no_statements() {
        assert!(split("-- nothing\n/* at all */\n", Dialect::Postgres).is_empty());
        assert!(split("", Dialect::MySql).is_empty());
    }

    #[test]
    fn sqlite_trigger_body_stays_whole() {
        let script = "CREATE TRIGGER t AFTER INSERT ON a BEGIN\n  UPDATE a SET n = CASE WHEN n > 0 THEN n ELSE 0 END;\n  INSERT INTO log VALUES (1);\nEND;\nSELECT 1;";
        let statements = texts(script, Dialect::Sqlite);
        assert_eq!(statements.len(), 2, "{statements:?}");
        assert!(statements[0].ends_with("END"));
    }

    #[test]
    fn postgres_dollar_bodies_stay_whole() {
        let script = "CREATE FUNCTION f() RETURNS trigger AS $$\nBEGIN\n  NEW.x := 1;\n  RETURN NEW;\nEND;\n$$ LANGUAGE plpgsql;\nCREATE TRIGGER t BEFORE UPDATE ON a FOR EACH ROW EXECUTE FUNCTION f();";
        let statements = texts(script, Dialect::Postgres);
        assert_eq!(statements.len(), 2, "{statements:?}");
        assert!(statements[0].ends_with("LANGUAGE plpgsql"));
    }

    #[test]
    fn mysql_procedure_with_nested_blocks() {
        let script = "CREATE PROCEDURE p() BEGIN\n IF (SELECT 1) THEN SELECT 1; END IF;\n WHILE 0 DO SELECT 2; END WHILE;\nEND;\n# hash comment; still a comment\nSELECT IF(1, 2, 3);";
        let statements = texts(script, Dialect::MySql);
        assert_eq!(statements.len(), 2, "{statements:?}");
        assert_eq!(statements[1], "SELECT IF(1, 2, 3)");
    }

    #[test]
    fn unreadable_script_is_one_statement() {
        let statements = split("\n\nSELECT 'unterminated;\nSELECT 2;", Dialect::Sqlite);
        assert_eq!(statements.len(), 1);
        assert_eq!(statements[0].line, 3);
    }

    #[test]
    fn multibyte_text_keeps_offsets_right() {
        let script = "INSERT INTO t VALUES ('héllo ✓');\nINSERT INTO t VALUES ('日本');";
        assert_eq!(
            texts(script, Dialect::Postgres),
            [
                "INSERT INTO t VALUES ('héllo ✓')",
                "INSERT INTO t VALUES ('日本')"
            ]
        );
    }
}
