//! Statements sqlparser 0.63 cannot read, read word by word where their
//! form is simple: the harmless kinds of `analysis`'s list (`SET`,
//! `PRAGMA … = ON`, `REINDEX`, `COMMENT ON FUNCTION f(int)`), `CREATE`s it
//! trips on (`CREATE SEQUENCE` with options in another order, `CREATE
//! STATISTICS`, a function with `COST`), renames (`ALTER SEQUENCE s RENAME
//! TO t`, `ALTER TRIGGER`, MySQL's `ALTER TABLE t RENAME INDEX a TO b`) and
//! `DROP INDEX CONCURRENTLY`. Anything else cannot be inverted.

use sqlparser::ast::{Ident, ObjectName};
use sqlparser::tokenizer::Token;

use super::object::{self, Creation, Kind, Object};
use super::scope::Scope;
use super::step::{SESSION, Step};
use crate::sql::Dialect;
use crate::sql::analysis::{runs_hidden_code, single_statement_tokens, table_name};

/// The undoing of `sql`, which the parser rejected; `None` when its form is
/// not one read here.
pub(super) fn invert(sql: &str, scope: &mut Scope) -> Option<Step> {
    let tokens = single_statement_tokens(sql, scope.dialect())?;
    let mut words = Words {
        tokens: &tokens,
        at: 0,
    };
    if words.keyword("DO") {
        Some(Step::cannot(runs_hidden_code("DO")))
    } else if words.keyword("SET")
        || words.keyword("RESET")
        || (scope.dialect() == Dialect::Sqlite && words.keyword("PRAGMA"))
    {
        Some(Step::skip(SESSION))
    } else if words.keyword("REINDEX") {
        Some(Step::skip("rebuilds indexes from the rows"))
    } else if words.keyword("PREPARE") {
        Some(Step::skip("prepares a statement without running it"))
    } else if words.keywords(&["REFRESH", "MATERIALIZED", "VIEW"]) {
        Some(Step::skip(
            "recomputes rows the view derives from its tables",
        ))
    } else if words.keywords(&["COMMENT", "ON"]) {
        comment(words, scope)
    } else if words.keyword("CREATE") {
        create(words, scope)
    } else if words.keyword("ALTER") {
        alter(words, scope)
    } else if words.keyword("DROP") {
        drop(words, scope)
    } else {
        None
    }
}

/// A cursor over a statement's significant tokens.
#[derive(Clone)]
struct Words<'a> {
    tokens: &'a [Token],
    at: usize,
}

impl Words<'_> {
    fn peek_keyword(&self, keyword: &str) -> bool {
        matches!(
            self.tokens.get(self.at),
            Some(Token::Word(word)) if word.quote_style.is_none() && word.value.eq_ignore_ascii_case(keyword)
        )
    }

    /// Consumes `keyword` if it comes next.
    fn keyword(&mut self, keyword: &str) -> bool {
        let found = self.peek_keyword(keyword);
        if found {
            self.at += 1;
        }
        found
    }

    /// Consumes `keywords` if they all come next, in order.
    fn keywords(&mut self, keywords: &[&str]) -> bool {
        let start = self.at;
        if keywords.iter().all(|keyword| self.keyword(keyword)) {
            return true;
        }
        self.at = start;
        false
    }

    /// The first of `keywords` that comes next, consumed.
    fn one_of(&mut self, keywords: &[&'static str]) -> Option<&'static str> {
        keywords
            .iter()
            .copied()
            .find(|keyword| self.keyword(keyword))
    }

    /// A dotted name (`s.t`, `"T"`), quotes kept.
    fn name(&mut self) -> Option<ObjectName> {
        let mut parts = vec![self.ident()?];
        while self.tokens.get(self.at) == Some(&Token::Period) {
            self.at += 1;
            parts.push(self.ident()?);
        }
        Some(ObjectName::from(parts))
    }

    fn ident(&mut self) -> Option<Ident> {
        let Some(Token::Word(word)) = self.tokens.get(self.at) else {
            return None;
        };
        self.at += 1;
        Some(match word.quote_style {
            Some(quote) => Ident::with_quote(quote, &word.value),
            None => Ident::new(&word.value),
        })
    }

    /// Moves past the next `keyword`; whether there was one.
    fn past(&mut self, keyword: &str) -> bool {
        while self.at < self.tokens.len() {
            if self.keyword(keyword) {
                return true;
            }
            self.at += 1;
        }
        false
    }

    /// The remaining tokens as text, up to the last `keyword` (excluded).
    fn text_before_last(&self, keyword: &str) -> String {
        let rest = &self.tokens[self.at.min(self.tokens.len())..];
        let end = rest
            .iter()
            .rposition(|token| matches!(token, Token::Word(word) if word.quote_style.is_none() && word.value.eq_ignore_ascii_case(keyword)))
            .unwrap_or(rest.len());
        let mut text = String::new();
        for (index, token) in rest[..end].iter().enumerate() {
            let after_word = index > 0 && matches!(rest[index - 1], Token::Word(_) | Token::Comma);
            if after_word && matches!(token, Token::Word(_)) {
                text.push(' ');
            }
            text.push_str(&token.to_string());
        }
        text
    }
}

/// The kinds a `CREATE`, `ALTER`, `DROP` or `COMMENT ON` read here names.
const KINDS: [&str; 13] = [
    "TABLE",
    "VIEW",
    "INDEX",
    "SEQUENCE",
    "TYPE",
    "DOMAIN",
    "SCHEMA",
    "EXTENSION",
    "FUNCTION",
    "PROCEDURE",
    "TRIGGER",
    "POLICY",
    "STATISTICS",
];

/// The kind named next: `MATERIALIZED VIEW` or one of [`KINDS`].
fn kind(words: &mut Words<'_>) -> Option<Kind> {
    if words.keywords(&["MATERIALIZED", "VIEW"]) {
        return Some(Kind::MaterializedView);
    }
    words.one_of(&KINDS).and_then(Kind::from_keyword)
}

/// `CREATE [OR REPLACE] [TEMP|UNIQUE|…] <kind> [CONCURRENTLY] [IF NOT
/// EXISTS] name …`; an index, trigger or policy with its `ON table`.
fn create(mut words: Words<'_>, scope: &mut Scope) -> Option<Step> {
    let replace = words.keywords(&["OR", "REPLACE"]);
    while words
        .one_of(&["TEMP", "TEMPORARY", "UNLOGGED", "UNIQUE", "RECURSIVE"])
        .is_some()
    {}
    let kind = kind(&mut words)?;
    words.keyword("CONCURRENTLY");
    let creation = Creation::of(replace, words.keywords(&["IF", "NOT", "EXISTS"]));
    if kind == Kind::Index && words.keyword("ON") {
        words.keyword("ONLY");
        return Some(object::create_unnamed_index(&words.name()?, scope));
    }
    let name = words.name()?;
    let object = match kind {
        Kind::Index | Kind::Trigger | Kind::Policy => {
            if !words.past("ON") {
                return None;
            }
            words.keyword("ONLY");
            let table = words.name()?;
            match kind {
                Kind::Index => Object::index(name, table, scope.dialect()),
                _ => Object::new(kind, name).on(table),
            }
        }
        _ => Object::new(kind, name),
    };
    Some(object::create(object, creation, scope))
}

/// `ALTER <kind> [IF EXISTS] old [ON table] RENAME TO new`, MySQL's `ALTER
/// TABLE t RENAME INDEX|KEY old TO new`, and any other `ALTER` of an object
/// the up creates (`ALTER SEQUENCE s OWNED BY t.id` after `CREATE SEQUENCE
/// s`), which the down drops anyway: but for a rename, which it must undo
/// first.
fn alter(mut words: Words<'_>, scope: &Scope) -> Option<Step> {
    let kind = kind(&mut words)?;
    words.keywords(&["IF", "EXISTS"]);
    let old = words.name()?;
    let dialect = scope.dialect();
    if kind == Kind::Table {
        return alter_table(words, &old, scope);
    }
    let on = if words.keyword("ON") {
        Some(words.name()?)
    } else {
        None
    };
    let on_created = on
        .as_ref()
        .and_then(|table| scope.on_created_table(&table_name(table, dialect)));
    if words.keywords(&["RENAME", "TO"]) {
        let new = words.name()?;
        return Some(match on_created {
            Some(reason) => Step::skip(reason),
            None => Step::sql(object::rename_back(kind, &old, &new, on.as_ref())),
        });
    }
    let created = scope.created(kind, &table_name(&old, dialect));
    on_created
        .or(created)
        .filter(|_| !words.past("RENAME"))
        .map(Step::skip)
}

/// `ALTER TABLE t RENAME INDEX|KEY old TO new` (MySQL), and any `ALTER
/// TABLE` without a rename of a table the up creates.
fn alter_table(mut words: Words<'_>, table: &ObjectName, scope: &Scope) -> Option<Step> {
    let created = scope.on_created_table(&table_name(table, scope.dialect()));
    let renames = words.clone().past("RENAME");
    if words.keyword("RENAME") && words.one_of(&["INDEX", "KEY"]).is_some() {
        let from = words.ident()?;
        let to = words.keyword("TO").then(|| words.ident())??;
        return Some(match created {
            Some(reason) => Step::skip(reason),
            None => Step::sql(format!("ALTER TABLE {table} RENAME INDEX {to} TO {from}")),
        });
    }
    created.filter(|_| !renames).map(Step::skip)
}

/// `DROP INDEX|STATISTICS [CONCURRENTLY] [IF EXISTS] name, …`.
fn drop(mut words: Words<'_>, scope: &mut Scope) -> Option<Step> {
    let kind = match words.one_of(&["INDEX", "STATISTICS"])? {
        "INDEX" => Kind::Index,
        _ => Kind::Statistics,
    };
    words.keyword("CONCURRENTLY");
    words.keywords(&["IF", "EXISTS"]);
    let mut objects = vec![words.name()?];
    while words.tokens.get(words.at) == Some(&Token::Comma) {
        words.at += 1;
        objects.push(words.name()?);
    }
    Some(Step::reversed(
        objects
            .into_iter()
            .map(|name| object::drop(Object::new(kind, name), scope))
            .collect(),
    ))
}

/// `COMMENT ON <kind> <object> IS …`, the object kept as written.
fn comment(mut words: Words<'_>, scope: &Scope) -> Option<Step> {
    let start = words.at;
    let kind_words = if words.keywords(&["MATERIALIZED", "VIEW"]) {
        2
    } else if words.one_of(&["FOREIGN", "EVENT", "ACCESS"]).is_some() {
        words.ident()?;
        2
    } else {
        words.ident()?;
        1
    };
    let object_kind = words.tokens[start..start + kind_words]
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_uppercase();
    let written = words.text_before_last("IS");
    let named = words.name()?;
    let on = if words.past("ON") { words.name() } else { None };
    Some(object::comment(
        &object_kind,
        written,
        &named,
        on.as_ref(),
        scope,
    ))
}
