//! SQLite's schema, from `sqlite_master` and the `pragma_*` table functions.
//!
//! SQLite keeps no catalog of check constraints, collations or generation
//! expressions: they live in the table's `CREATE TABLE` text. The check
//! constraints ([`checks`]) and the columns' collations
//! ([`column_collations`]) are taken from it; a generated column's
//! expression is not compared.

use crate::dialect::snapshot::CatalogQueries;
use crate::schema::{ObjectKey, Snapshot};

/// Tables of the user: not SQLite's own, not the tool's.
macro_rules! user_tables {
    () => {
        "WITH tabs AS (SELECT t.name, t.type, t.wr, t.strict, m.sql FROM pragma_table_list AS t
            JOIN sqlite_master AS m ON m.name = t.name AND m.type = 'table'
            WHERE t.schema = 'main' AND t.type IN ('table', 'virtual')
              AND t.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
              AND t.name NOT LIKE '\\_rollback\\_%' ESCAPE '\\') "
    };
}

/// Objects other than tables, of the user's tables.
macro_rules! user_objects {
    () => {
        "WITH objs AS (SELECT type, name, tbl_name, sql FROM sqlite_master
            WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
              AND tbl_name NOT LIKE '\\_rollback\\_%' ESCAPE '\\') "
    };
}

pub(crate) static QUERIES: CatalogQueries = CatalogQueries {
    objects: &[
        concat!(
            user_tables!(),
            "SELECT 'table', name, 'kind', type FROM tabs
             UNION ALL SELECT 'table', name, 'without rowid', 'yes' FROM tabs WHERE wr
             UNION ALL SELECT 'table', name, 'strict', 'yes' FROM tabs WHERE strict
             UNION ALL SELECT 'table', name, 'definition', sql FROM tabs WHERE type = 'virtual'
             UNION ALL SELECT 'table', name, 'sql', sql FROM tabs WHERE type = 'table'"
        ),
        concat!(
            user_tables!(),
            ", cols AS (SELECT tabs.name || '.' || c.name AS name, c.type, c.\"notnull\", c.dflt_value,
                  c.pk, c.hidden FROM tabs, pragma_table_xinfo(tabs.name) AS c WHERE tabs.type = 'table')
             SELECT 'column', name, 'type', upper(type) FROM cols
             UNION ALL SELECT 'column', name, 'not null', 'yes' FROM cols WHERE \"notnull\"
             UNION ALL SELECT 'column', name, 'default', dflt_value FROM cols WHERE dflt_value IS NOT NULL
             UNION ALL SELECT 'column', name, 'primary key', 'column ' || pk FROM cols WHERE pk > 0
             UNION ALL SELECT 'column', name, 'generated', CASE hidden WHEN 2 THEN 'virtual' ELSE 'stored' END
                 FROM cols WHERE hidden IN (2, 3)"
        ),
        concat!(
            user_tables!(),
            ", fks AS (SELECT tabs.name AS t, f.id, f.seq, f.\"table\" AS parent, f.\"from\", f.\"to\",
                  f.on_update, f.on_delete, f.\"match\"
                  FROM tabs, pragma_foreign_key_list(tabs.name) AS f ORDER BY tabs.name, f.id, f.seq),
             bases AS (SELECT t || '(' || group_concat(\"from\", ', ') || ') → ' || parent || '('
                  || group_concat(coalesce(\"to\", ''), ', ') || ')' AS base,
                  on_update, on_delete, \"match\" FROM fks GROUP BY t, id),
             keys AS (SELECT CASE WHEN count(*) OVER (PARTITION BY base) > 1
                      THEN base || ' [on update ' || on_update || ', on delete ' || on_delete
                          || ', match ' || \"match\" || ']'
                      ELSE base END AS name,
                  on_update, on_delete, \"match\" FROM bases)
             SELECT 'foreign key', name, 'on update', on_update FROM keys
             UNION ALL SELECT 'foreign key', name, 'on delete', on_delete FROM keys
             UNION ALL SELECT 'foreign key', name, 'match', \"match\" FROM keys"
        ),
        concat!(
            user_tables!(),
            ", uniques AS (SELECT tabs.name AS t, i.name AS i FROM tabs, pragma_index_list(tabs.name) AS i
                  WHERE i.origin = 'u'),
             cols AS (SELECT u.t, u.i, c.name FROM uniques AS u, pragma_index_info(u.i) AS c
                  ORDER BY u.t, u.i, c.seqno)
             SELECT 'unique', t || '(' || group_concat(name, ', ') || ')', NULL, NULL
             FROM cols GROUP BY t, i"
        ),
        concat!(
            user_objects!(),
            "SELECT type, name, 'table', tbl_name FROM objs WHERE type IN ('index', 'trigger')
             UNION ALL SELECT type, name, 'definition', sql FROM objs WHERE type IN ('index', 'trigger', 'view')"
        ),
    ],
    column_order: concat!(
        user_tables!(),
        "SELECT tabs.name, c.name FROM tabs, pragma_table_xinfo(tabs.name) AS c
         WHERE tabs.type = 'table' ORDER BY tabs.name, c.cid"
    ),
    finish: Some(finish),
};

/// Turns each table's `sql` into its sorted check constraints and its
/// columns' collations.
fn finish(snapshot: &mut Snapshot) {
    let mut collations = Vec::new();
    for (key, attributes) in &mut snapshot.objects {
        if key.kind != "table" {
            continue;
        }
        if let Some(sql) = attributes.remove("sql") {
            let found = checks(&sql);
            if !found.is_empty() {
                attributes.insert("checks".to_owned(), found.join("; "));
            }
            for (column, collation) in column_collations(&sql) {
                collations.push((format!("{}.{column}", key.name), collation));
            }
        }
    }
    for (column, collation) in collations {
        let key = ObjectKey {
            kind: "column".to_owned(),
            name: column,
        };
        if let Some(attributes) = snapshot.objects.get_mut(&key) {
            attributes.insert("collation".to_owned(), collation);
        }
    }
}

/// The columns of a `CREATE TABLE` that name a collation other than
/// `BINARY` (SQLite's default), as (column, collation uppercased).
pub(crate) fn column_collations(sql: &str) -> Vec<(String, String)> {
    let Some(open) = sql.find('(') else {
        return Vec::new();
    };
    let Some(close) = closing_paren(sql.as_bytes(), open) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for definition in top_level_parts(&sql[open + 1..close]) {
        let definition = definition.trim();
        let (column, rest) = first_identifier(definition);
        let bytes = rest.as_bytes();
        let at = (0..bytes.len()).find(|&at| starts_keyword(bytes, at, b"collate"));
        if let Some(at) = at {
            let (collation, _) = first_identifier(rest[at + 7..].trim_start());
            let collation = collation.to_uppercase();
            if !collation.is_empty() && collation != "BINARY" {
                found.push((column, collation));
            }
        }
    }
    found
}

/// The parts of a list separated by commas outside parentheses and quotes.
fn top_level_parts(list: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut start = 0;
    for (index, c) in list.char_indices() {
        if let Some(close) = quote {
            if c == close {
                quote = None;
            }
            continue;
        }
        match c {
            '\'' | '"' | '`' => quote = Some(c),
            '[' => quote = Some(']'),
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                parts.push(&list[start..index]);
                start = index + 1;
            }
            _ => {}
        }
    }
    parts.push(&list[start..]);
    parts
}

/// The identifier a definition starts with, unquoted, and what follows.
fn first_identifier(text: &str) -> (String, &str) {
    let close = match text.chars().next() {
        Some('"') => '"',
        Some('`') => '`',
        Some('[') => ']',
        _ => {
            let end = text
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
                .unwrap_or(text.len());
            return (text[..end].to_owned(), &text[end..]);
        }
    };
    match text[1..].find(close) {
        Some(end) => (text[1..=end].to_owned(), &text[end + 2..]),
        None => (text[1..].to_owned(), ""),
    }
}

/// The `CHECK (…)` clauses of a `CREATE TABLE`, whitespace-normalized and
/// sorted (so that their order in the text does not matter).
pub(crate) fn checks(sql: &str) -> Vec<String> {
    let bytes = sql.as_bytes();
    let mut found = Vec::new();
    let mut quote: Option<u8> = None;
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        if let Some(open) = quote {
            if byte == open {
                quote = None;
            }
            index += 1;
            continue;
        }
        match byte {
            b'\'' | b'"' | b'`' => quote = Some(byte),
            b'[' => quote = Some(b']'),
            _ if starts_keyword(bytes, index, b"check") => {
                let mut start = index + 5;
                while start < bytes.len() && bytes[start].is_ascii_whitespace() {
                    start += 1;
                }
                if bytes.get(start) == Some(&b'(')
                    && let Some(end) = closing_paren(bytes, start)
                {
                    found.push(crate::schema::normalize(&sql[start..=end]));
                    index = end + 1;
                    continue;
                }
            }
            _ => {}
        }
        index += 1;
    }
    found.sort();
    found
}

fn starts_keyword(bytes: &[u8], at: usize, word: &[u8]) -> bool {
    let identifier = |byte: u8| byte.is_ascii_alphanumeric() || byte == b'_';
    bytes.len() >= at + word.len()
        && bytes[at..at + word.len()].eq_ignore_ascii_case(word)
        && (at == 0 || !identifier(bytes[at - 1]))
        && bytes
            .get(at + word.len())
            .is_none_or(|&next| !identifier(next))
}

/// The index of the `)` that closes the `(` at `open`, skipping quoted text.
fn closing_paren(bytes: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    for (index, &byte) in bytes.iter().enumerate().skip(open) {
        if let Some(close) = quote {
            if byte == close {
                quote = None;
            }
            continue;
        }
        match byte {
            b'\'' | b'"' | b'`' => quote = Some(byte),
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(index);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{checks, column_collations};

    #[test]
    fn collations_are_read_from_the_table_text() {
        assert_eq!(
            column_collations(
                "CREATE TABLE t (a TEXT COLLATE NOCASE, \"b c\" TEXT collate rtrim CHECK (a IN ('x,y')), d TEXT COLLATE BINARY, e INT)"
            ),
            [
                ("a".to_owned(), "NOCASE".to_owned()),
                ("b c".to_owned(), "RTRIM".to_owned())
            ]
        );
    }

    #[test]
    fn check_constraints_are_read_from_the_table_text() {
        assert_eq!(
            checks(
                "CREATE TABLE t (a INT CHECK (a > 0), b TEXT, \"check\" INT, CONSTRAINT c CHECK(b IN ('x', ')')))"
            ),
            ["(a > 0)", "(b IN ('x', ')'))"]
        );
        assert!(checks("CREATE TABLE checks (a INT)").is_empty());
    }
}
