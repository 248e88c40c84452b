//! MySQL forms sqlparser 0.63 cannot read, written out as the ones it can,
//! to be inverted like them: `ALTER TABLE t DROP KEY k` (`DROP INDEX k`) and
//! `ALTER TABLE t ADD [COLUMN] (a …, b …)` (`ADD COLUMN a …, ADD COLUMN b
//! …`). The statement that runs is the one written; only its inverse is
//! read from the equivalent.

use sqlparser::tokenizer::Token;

use crate::sql::dialect::{Dialect, single_statement_tokens};

/// The equivalent of `sql` in a form sqlparser reads, when it is an
/// `ALTER TABLE` of MySQL with a `DROP KEY` or a parenthesized `ADD
/// COLUMN`; `None` for anything else.
pub(super) fn readable_equivalent(sql: &str, dialect: Dialect) -> Option<String> {
    if dialect != Dialect::MySql {
        return None;
    }
    let tokens = single_statement_tokens(sql, dialect)?;
    if !(is_word(tokens.first()?, "ALTER") && is_word(tokens.get(1)?, "TABLE")) {
        return None;
    }
    let mut out: Vec<String> = Vec::with_capacity(tokens.len());
    let mut changed = false;
    let mut at = 0;
    let mut depth = 0usize;
    while at < tokens.len() {
        let token = &tokens[at];
        match token {
            Token::LParen => depth += 1,
            Token::RParen => depth = depth.saturating_sub(1),
            _ => {}
        }
        let top = depth == 0;
        if top
            && is_word(token, "DROP")
            && tokens.get(at + 1).is_some_and(|next| is_word(next, "KEY"))
        {
            out.push("DROP INDEX".to_owned());
            changed = true;
            at += 2;
            continue;
        }
        if top && is_word(token, "ADD") {
            let mut open = at + 1;
            if tokens.get(open).is_some_and(|next| is_word(next, "COLUMN")) {
                open += 1;
            }
            if tokens.get(open) == Some(&Token::LParen) {
                let (definitions, close) = definitions(&tokens, open)?;
                let added: Vec<String> = definitions
                    .iter()
                    .map(|definition| format!("ADD COLUMN {}", text(definition)))
                    .collect();
                out.push(added.join(", "));
                changed = true;
                at = close + 1;
                continue;
            }
        }
        out.push(token.to_string());
        at += 1;
    }
    changed.then(|| join(&out))
}

fn is_word(token: &Token, keyword: &str) -> bool {
    matches!(token, Token::Word(word) if word.quote_style.is_none() && word.value.eq_ignore_ascii_case(keyword))
}

/// The comma-separated token runs between the `(` at `open` and its `)`,
/// and where that `)` is.
fn definitions(tokens: &[Token], open: usize) -> Option<(Vec<&[Token]>, usize)> {
    let mut depth = 0usize;
    let mut start = open + 1;
    let mut parts = Vec::new();
    for (at, token) in tokens.iter().enumerate().skip(open) {
        match token {
            Token::LParen => depth += 1,
            Token::RParen => {
                depth -= 1;
                if depth == 0 {
                    parts.push(&tokens[start..at]);
                    return Some((parts, at));
                }
            }
            Token::Comma if depth == 1 => {
                parts.push(&tokens[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    None
}

/// Tokens as SQL text, a space between each.
fn text(tokens: &[Token]) -> String {
    join(&tokens.iter().map(ToString::to_string).collect::<Vec<_>>())
}

fn join(parts: &[String]) -> String {
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drop_key_and_parenthesized_add_column_are_written_out() {
        let my = Dialect::MySql;
        assert_eq!(
            readable_equivalent("ALTER TABLE t DROP KEY t_a, DROP FOREIGN KEY fk", my).as_deref(),
            Some("ALTER TABLE t DROP INDEX t_a , DROP FOREIGN KEY fk")
        );
        assert_eq!(
            readable_equivalent(
                "ALTER TABLE `t` ADD COLUMN (c INT NOT NULL DEFAULT 1, d DECIMAL(10, 2))",
                my
            )
            .as_deref(),
            Some(
                "ALTER TABLE `t` ADD COLUMN c INT NOT NULL DEFAULT 1, ADD COLUMN d DECIMAL ( 10 , 2 )"
            )
        );
        assert_eq!(
            readable_equivalent("ALTER TABLE t ADD PRIMARY KEY (id)", my),
            None
        );
        assert_eq!(
            readable_equivalent("ALTER TABLE t DROP PRIMARY KEY", my),
            None
        );
        assert_eq!(
            readable_equivalent("ALTER TABLE t DROP KEY k", Dialect::Postgres),
            None
        );
    }
}
