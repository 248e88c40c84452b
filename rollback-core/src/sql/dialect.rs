//! The databases' SQL dialects, and sqlparser's reading of text in each:
//! the parser dialect that matches, and a statement's significant tokens.

use sqlparser::dialect::{
    Dialect as ParserDialect, MySqlDialect, PostgreSqlDialect, SQLiteDialect,
};
use sqlparser::tokenizer::{Token, Tokenizer};

/// The SQL dialect of a database, which decides how a script is tokenized
/// (MySQL's `#` comments and backslash escapes, PostgreSQL's `$$` bodies, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// SQLite.
    Sqlite,
    /// PostgreSQL.
    Postgres,
    /// MySQL and MariaDB.
    MySql,
}

impl Dialect {
    /// A human name for messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Dialect::Sqlite => "SQLite",
            Dialect::Postgres => "PostgreSQL",
            Dialect::MySql => "MySQL",
        }
    }
}

/// sqlparser's dialect for the database's, for parsing and tokenizing.
pub(super) fn parser_dialect(dialect: Dialect) -> &'static dyn ParserDialect {
    match dialect {
        Dialect::Sqlite => &SQLiteDialect {},
        Dialect::Postgres => &PostgreSqlDialect {},
        Dialect::MySql => &MySqlDialect {},
    }
}

/// The tokens of `sql` but whitespace, comments and a final `;`. `None` when
/// the tokenizer cannot read `sql` or when it holds more than one statement
/// (a `;` before the end).
pub(super) fn single_statement_tokens(sql: &str, dialect: Dialect) -> Option<Vec<Token>> {
    let mut significant: Vec<Token> = Tokenizer::new(parser_dialect(dialect), sql)
        .tokenize()
        .ok()?
        .into_iter()
        .filter(|token| !matches!(token, Token::Whitespace(_) | Token::EOF))
        .collect();
    if significant.last() == Some(&Token::SemiColon) {
        significant.pop();
    }
    if significant.contains(&Token::SemiColon) {
        return None;
    }
    Some(significant)
}
