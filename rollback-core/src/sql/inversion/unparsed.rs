//! Statements sqlparser 0.63 cannot read, read word by word where their
//! form is simple: the harmless kinds of `analysis`'s list (`SET`,
//! `PRAGMA … = ON`, `REINDEX`, `COMMENT ON FUNCTION f(int)`), `CREATE`s it
//! trips on (`CREATE SEQUENCE` with options in another order, `CREATE
//! STATISTICS`, a function with `COST`), renames (`ALTER SEQUENCE s RENAME
//! TO t`, `ALTER TRIGGER`, MySQL's `ALTER TABLE t RENAME INDEX a TO b`) and
//! `DROP INDEX CONCURRENTLY`, and the head of a `CREATE` whose body is a
//! `BEGIN … END` block (MySQL's `CREATE PROCEDURE p() BEGIN …; END`).
//! Anything else cannot be inverted.

use sqlparser::ast::{Ident, ObjectName, ObjectNamePart};
use sqlparser::tokenizer::Token;

use super::inverse::{ColumnChanges, Need};
use super::kind::Kind;
use super::object::{self, Creation, Object};
use super::scope::Scope;
use super::step::{SESSION, Step};
use crate::sql::analysis::analyzed::runs_hidden_code;
use crate::sql::dialect::{Dialect, single_statement_tokens};
use crate::sql::name::{fold, table_name};

/// The undoing of `sql`, which the parser rejected; `None` when its form is
/// not one read here.
pub(super) fn invert(sql: &str, scope: &mut Scope) -> Option<Step> {
    let Some(tokens) = single_statement_tokens(sql, scope.dialect()) else {
        let head = routine_head(sql, scope.dialect())?;
        return create(
            Words {
                tokens: &head,
                at: 1,
            },
            scope,
        );
    };
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
        set_schema(words.clone(), scope).or_else(|| alter(words, scope))
    } else if words.keyword("DROP") {
        drop(words, scope)
    } else {
        None
    }
}

/// The tokens of a `CREATE` whose body is a `BEGIN … END` block with
/// statements in it (a MySQL procedure, function, trigger or event), up to
/// that `BEGIN`: the head names what is created.
fn routine_head(sql: &str, dialect: Dialect) -> Option<Vec<Token>> {
    let tokens: Vec<Token> =
        sqlparser::tokenizer::Tokenizer::new(crate::sql::dialect::parser_dialect(dialect), sql)
            .tokenize()
            .ok()?
            .into_iter()
            .filter(|token| !matches!(token, Token::Whitespace(_) | Token::EOF))
            .collect();
    let is = |token: &Token, keyword: &str| matches!(token, Token::Word(word) if word.quote_style.is_none() && word.value.eq_ignore_ascii_case(keyword));
    if !is(tokens.first()?, "CREATE") {
        return None;
    }
    let begin = tokens.iter().position(|token| is(token, "BEGIN"))?;
    let head = &tokens[..begin];
    (!head.contains(&Token::SemiColon)).then(|| head.to_vec())
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
    // MySQL's `DEFINER = user@host` says who runs the routine, not what it is.
    if words.keyword("DEFINER") {
        while words.at < words.tokens.len() && !KINDS.iter().any(|kind| words.peek_keyword(kind)) {
            words.at += 1;
        }
    }
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
    let if_exists = words.keywords(&["IF", "EXISTS"]);
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
        if let Some(reason) = on_created {
            return Some(Step::skip(reason));
        }
        let back = object::rename_back(kind, &old, &new, on.as_ref());
        let renamed = match on.clone() {
            Some(table) => Object::new(kind, old).on(table),
            None => Object::new(kind, old),
        };
        // With `IF EXISTS`, the rename happened only if the object was there.
        return Some(match renamed.need(dialect).filter(|_| if_exists) {
            Some(need) => Step::if_present(back, need),
            None => Step::sql(back),
        });
    }
    let created = scope.created(kind, &table_name(&old, dialect));
    on_created
        .or(created)
        .filter(|_| !words.past("RENAME"))
        .map(Step::skip)
}

/// `ALTER TABLE t RENAME INDEX|KEY old TO new` and `ALTER TABLE t COMMENT
/// = '…'` (MySQL), PostgreSQL's `ALTER TABLE t ALTER COLUMN c SET GENERATED
/// …`, and any `ALTER TABLE` without a rename of a table the up creates.
fn alter_table(mut words: Words<'_>, table: &ObjectName, scope: &Scope) -> Option<Step> {
    let dialect = scope.dialect();
    let created = scope.on_created_table(&table_name(table, dialect));
    if created.is_none() && dialect == Dialect::MySql && only_comment(words.clone()) {
        return Some(Step::recreate(Need::TableComment {
            table: table_name(table, dialect),
        }));
    }
    if created.is_none()
        && let Some(column) = identity_kind_change(words.clone())
    {
        return Some(Step::recreate(Need::ColumnDefinition {
            table: table_name(table, dialect),
            column: fold(&column, dialect),
            now_named: None,
            changes: ColumnChanges {
                identity: true,
                ..ColumnChanges::default()
            },
        }));
    }
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

/// Whether the operations are `COMMENT [=] '…'` alone.
fn only_comment(mut words: Words<'_>) -> bool {
    if !words.keyword("COMMENT") {
        return false;
    }
    if words.tokens.get(words.at) == Some(&Token::Eq) {
        words.at += 1;
    }
    matches!(
        words.tokens.get(words.at),
        Some(Token::SingleQuotedString(_))
    ) && words.at + 1 == words.tokens.len()
}

/// The column of `ALTER [COLUMN] c SET GENERATED {ALWAYS | BY DEFAULT}`,
/// the statement's only operation: which of the two it was before is read
/// back from the catalog.
fn identity_kind_change(mut words: Words<'_>) -> Option<Ident> {
    if !words.keyword("ALTER") {
        return None;
    }
    words.keyword("COLUMN");
    let column = words.ident()?;
    let changes_kind = words.keywords(&["SET", "GENERATED"])
        && (words.keyword("ALWAYS") || words.keywords(&["BY", "DEFAULT"]));
    (changes_kind && words.at == words.tokens.len()).then_some(column)
}

/// `ALTER <kind> [IF EXISTS] s.x SET SCHEMA t` (PostgreSQL), undone by
/// moving `t.x` back to `s`. A name without its schema does not say which
/// schema the object leaves.
fn set_schema(mut words: Words<'_>, scope: &mut Scope) -> Option<Step> {
    let kind = kind(&mut words)?;
    let if_exists = if words.keywords(&["IF", "EXISTS"]) {
        " IF EXISTS"
    } else {
        ""
    };
    let old = words.name()?;
    if !words.keywords(&["SET", "SCHEMA"]) {
        return None;
    }
    let schema = words.ident()?;
    if words.at != words.tokens.len() {
        return None;
    }
    let [from, name] = old.0.as_slice() else {
        return Some(Step::cannot(
            "the statement does not name the schema the object leaves",
        ));
    };
    let moved = ObjectName(vec![ObjectNamePart::Identifier(schema), name.clone()]);
    let dialect = scope.dialect();
    scope.rename(
        kind,
        &table_name(&old, dialect),
        table_name(&moved, dialect),
    );
    Some(Step::sql(format!(
        "ALTER {}{if_exists} {moved} SET SCHEMA {from}",
        kind.keyword()
    )))
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
