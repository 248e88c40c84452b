//! Identifiers taken from the database or a script, quoted for the dialect
//! before they go into SQL (DESIGN §8): a table named `order` or `a"b` must
//! never change what a statement means. The quote character and MySQL's
//! backslash escapes are the whole difference between the dialects here, so
//! this one module matches on the dialect instead of asking its backend:
//! the backends' own code quotes with it too.

use rollback_core::sql::{Dialect, TableName};

/// `name` as a quoted identifier: `"name"` (SQLite, PostgreSQL) or
/// `` `name` `` (MySQL), the quote character doubled inside.
pub(crate) fn ident(dialect: Dialect, name: &str) -> String {
    let quote = match dialect {
        Dialect::MySql => '`',
        Dialect::Sqlite | Dialect::Postgres => '"',
    };
    quoted(quote, name)
}

/// `name` quoted with `quote`, the quote character doubled inside.
fn quoted(quote: char, name: &str) -> String {
    let mut quoted = String::with_capacity(name.len() + 2);
    quoted.push(quote);
    for c in name.chars() {
        if c == quote {
            quoted.push(quote);
        }
        quoted.push(c);
    }
    quoted.push(quote);
    quoted
}

/// A table, schema-qualified when it has a schema, each part quoted.
pub(crate) fn table(dialect: Dialect, table: &TableName) -> String {
    match &table.schema {
        Some(schema) => format!("{}.{}", ident(dialect, schema), ident(dialect, &table.name)),
        None => ident(dialect, &table.name),
    }
}

/// `text` as a string literal: `'text'`, `'` doubled inside, and on MySQL
/// each backslash doubled too (its default `sql_mode` reads escapes). For
/// values read from a catalog (a comment, an enum label, a name compared in
/// a catalog query), which must reach the server exactly as they were read.
pub(crate) fn literal(dialect: Dialect, text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('\'');
    for c in text.chars() {
        if c == '\'' || (c == '\\' && dialect == Dialect::MySql) {
            quoted.push(c);
        }
        quoted.push(c);
    }
    quoted.push('\'');
    quoted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_are_doubled_for_each_dialect() {
        assert_eq!(ident(Dialect::Postgres, r#"a"b"#), r#""a""b""#);
        assert_eq!(ident(Dialect::Sqlite, "order"), r#""order""#);
        assert_eq!(ident(Dialect::MySql, "a`b"), "`a``b`");
    }

    #[test]
    fn literals_double_quotes_and_mysql_backslashes() {
        assert_eq!(literal(Dialect::Postgres, r"it's a\b"), r"'it''s a\b'");
        assert_eq!(literal(Dialect::Sqlite, "it's"), "'it''s'");
        assert_eq!(literal(Dialect::MySql, r"it's a\b"), r"'it''s a\\b'");
    }

    #[test]
    fn tables_are_qualified_only_with_a_schema() {
        let plain = TableName {
            schema: None,
            name: "orders".to_owned(),
        };
        let qualified = TableName {
            schema: Some("shop".to_owned()),
            name: "orders".to_owned(),
        };
        assert_eq!(table(Dialect::Postgres, &plain), r#""orders""#);
        assert_eq!(table(Dialect::MySql, &qualified), "`shop`.`orders`");
    }
}
