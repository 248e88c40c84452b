//! sqlite: what a need recreates, read from `sqlite_master`, which keeps
//! each table's, index's, view's and trigger's `CREATE` statement exactly as
//! it was written.

use async_trait::async_trait;
use rollback_core::sql::{Dialect, Need, TableName};

use super::spelling::Sqlite;
use crate::dialect::inspector::Inspector;
use crate::dialect::quote::{ident, literal, table};
use crate::dialect::reconstruct::{
    NotRecreated, Reconstruct, Recreated, Surrounding, cell, copy_rows, delete_inserted,
    first_cells, group_keys, kept_columns,
};

const SQLITE: Dialect = Dialect::Sqlite;

#[async_trait]
impl Reconstruct for Sqlite {
    async fn recreate(
        &self,
        inspector: &mut Inspector,
        need: &Need,
    ) -> Result<Recreated, NotRecreated> {
        match need {
            Need::Table { table } => table_with_dependents(inspector, table).await,
            Need::TableRebuild {
                table,
                rows_from,
                kept_columns,
            } => table_rebuilt(inspector, table, rows_from, kept_columns).await,
            Need::RebuildRename { table, back_to } => {
                rebuild_renamed_back(inspector, table, back_to).await
            }
            Need::Column { table, column } => dropped_column(inspector, table, column).await,
            Need::Index { index, .. } => single(inspector, "index", index).await,
            Need::View {
                view,
                materialized: false,
            } => single(inspector, "view", view).await,
            Need::Trigger { name, .. } => single(inspector, "trigger", name).await,
            Need::References { table } => references(inspector, table).await,
            Need::InsertedRows {
                table,
                columns,
                rows,
            } => {
                let keys = unique_keys(inspector, table).await?;
                delete_inserted(&Sqlite, table, columns, rows, &keys)
            }
            other => Err(NotRecreated::Unsupported(format!(
                "SQLite has no such statement to undo: {other:?}"
            ))),
        }
    }
}

/// The rebuilt `table` renamed back to `back_to`, with `legacy_alter_table`
/// on so that views and triggers keep their text. With foreign keys on,
/// SQLite rewrites other tables' foreign keys to `table` on any rename, and
/// the down's `DROP TABLE` of the renamed copy would run their `ON DELETE`
/// actions: the whole down then runs with foreign keys off, outside a
/// transaction (which is the only place SQLite lets them be turned off),
/// as SQLite's own rebuild procedure does.
async fn rebuild_renamed_back(
    inspector: &mut Inspector,
    renamed: &TableName,
    back_to: &TableName,
) -> Result<Recreated, NotRecreated> {
    main_only(renamed)?;
    let recreated = Recreated::from_statements(vec![
        "PRAGMA legacy_alter_table = ON".to_owned(),
        format!(
            "ALTER TABLE {} RENAME TO {}",
            table(SQLITE, renamed),
            ident(SQLITE, &back_to.name)
        ),
        "PRAGMA legacy_alter_table = OFF".to_owned(),
    ]);
    let foreign_keys = first_cells(
        inspector,
        "SELECT CAST(foreign_keys AS TEXT) FROM pragma_foreign_keys",
    )
    .await?;
    if foreign_keys.first().is_none_or(|on| on != "1") {
        return Ok(recreated);
    }
    Ok(recreated.surrounded(Surrounding {
        before: vec!["PRAGMA foreign_keys = OFF".to_owned()],
        after: vec!["PRAGMA foreign_keys = ON".to_owned()],
    }))
}

/// The `CREATE` of one index, view or trigger.
async fn single(
    inspector: &mut Inspector,
    kind: &str,
    name: &TableName,
) -> Result<Recreated, NotRecreated> {
    let sql = definition(inspector, kind, name).await?;
    Ok(Recreated::from_statements(vec![sql]))
}

/// The table's unique keys, each its columns: its primary key (an `INTEGER
/// PRIMARY KEY` has no index), then its unique indexes that are not partial.
async fn unique_keys(
    inspector: &mut Inspector,
    table: &TableName,
) -> Result<Vec<Vec<String>>, NotRecreated> {
    main_only(table)?;
    let name = literal(SQLITE, &table.name);
    let sql = format!(
        "SELECT '', name FROM pragma_table_info({name}) WHERE pk > 0
         UNION ALL SELECT * FROM (SELECT l.name, i.name FROM pragma_index_list({name}) AS l,
             pragma_index_info(l.name) AS i
             WHERE l.\"unique\" AND NOT l.partial AND l.origin <> 'pk' ORDER BY l.seq, i.seqno)"
    );
    Ok(group_keys(&inspector.rows(&sql).await?))
}

/// The indexes, triggers and views that name `table`, dropped and created
/// again from their text as it is now: run after the table is renamed back,
/// they undo the quoting the rename wrote into them. What only seems to name
/// it (a view of `line_items`, for `items`) comes back as it was.
async fn references(
    inspector: &mut Inspector,
    table: &TableName,
) -> Result<Recreated, NotRecreated> {
    main_only(table)?;
    let name = literal(SQLITE, &table.name);
    let sql = format!(
        "SELECT type, name, sql FROM main.sqlite_master
         WHERE type IN ('index', 'trigger', 'view') AND sql IS NOT NULL
             AND (tbl_name = {name} COLLATE NOCASE OR instr(lower(sql), lower({name})) > 0)
         ORDER BY rowid"
    );
    let rows = inspector.rows(&sql).await?;
    let drops = rows.iter().map(|row| {
        format!(
            "DROP {} IF EXISTS {}",
            cell(row, 0).to_ascii_uppercase(),
            ident(SQLITE, &cell(row, 1))
        )
    });
    let creates = rows.iter().map(|row| cell(row, 2));
    Ok(Recreated::from_statements(drops.chain(creates).collect()))
}

/// The `CREATE TABLE`, then the indexes and triggers that `DROP TABLE`
/// drops with it. Views that read the table survive the drop in SQLite.
async fn table_with_dependents(
    inspector: &mut Inspector,
    table: &TableName,
) -> Result<Recreated, NotRecreated> {
    let create = definition(inspector, "table", table).await?;
    let dependents = indexes_and_triggers(inspector, table).await?;
    Ok(
        Recreated::from_statements(std::iter::once(create).chain(dependents).collect())
            .noting(format!("the rows of {table}")),
    )
}

/// A table a rebuild replaced, put back with the rows of `rows_from` (the
/// rebuilt table) in the columns both have: created, filled, `rows_from`
/// dropped (its indexes and triggers may have the old ones' names), then
/// the old indexes and triggers.
async fn table_rebuilt(
    inspector: &mut Inspector,
    name: &TableName,
    rows_from: &TableName,
    kept: &[String],
) -> Result<Recreated, NotRecreated> {
    let create = definition(inspector, "table", name).await?;
    let columns = columns(inspector, name).await?;
    let stored = columns
        .iter()
        .filter(|(_, generated)| !generated)
        .map(|(column, _)| column.as_str());
    let copied = kept_columns(&Sqlite, stored, kept);
    let mut statements = vec![create];
    if !copied.is_empty() {
        statements.push(copy_rows(
            &Sqlite,
            &table(SQLITE, name),
            &table(SQLITE, rows_from),
            &copied,
        ));
    }
    statements.push(format!("DROP TABLE {}", table(SQLITE, rows_from)));
    statements.extend(indexes_and_triggers(inspector, name).await?);
    Ok(Recreated::from_statements(statements))
}

/// The `CREATE` statement `sqlite_master` holds for the object, which must
/// be in the main database: the statements of an attached one name their
/// objects without it, and would recreate them in the main one.
async fn definition(
    inspector: &mut Inspector,
    kind: &str,
    name: &TableName,
) -> Result<String, NotRecreated> {
    main_only(name)?;
    let sql = format!(
        "SELECT sql FROM main.sqlite_master WHERE type = {} AND name = {} COLLATE NOCASE",
        literal(SQLITE, kind),
        literal(SQLITE, &name.name)
    );
    let rows = inspector.rows(&sql).await?;
    let row = rows
        .first()
        .ok_or_else(|| NotRecreated::Missing(format!("{kind} {name}")))?;
    match row.first().cloned().flatten() {
        Some(create) => Ok(create),
        None => Err(NotRecreated::Unsupported(format!(
            "{kind} {name} is SQLite's own, made for a UNIQUE or PRIMARY KEY constraint"
        ))),
    }
}

fn main_only(name: &TableName) -> Result<(), NotRecreated> {
    match &name.schema {
        Some(schema) if !schema.eq_ignore_ascii_case("main") => Err(NotRecreated::Unsupported(
            format!("{name} is in the attached database {schema}, whose statements do not name it"),
        )),
        _ => Ok(()),
    }
}

/// The `CREATE` statements of the table's own indexes, then its triggers,
/// in the order they were created.
async fn indexes_and_triggers(
    inspector: &mut Inspector,
    table: &TableName,
) -> Result<Vec<String>, sqlx::Error> {
    let sql = format!(
        "SELECT sql FROM main.sqlite_master WHERE type IN ('index', 'trigger')
             AND tbl_name = {} COLLATE NOCASE AND sql IS NOT NULL
         ORDER BY type = 'trigger', rowid",
        literal(SQLITE, &table.name)
    );
    first_cells(inspector, &sql).await
}

/// A column as it was: `ADD COLUMN` with its definition when SQLite allows
/// adding it so, else the table rebuilt from its old `CREATE TABLE`.
async fn dropped_column(
    inspector: &mut Inspector,
    table: &TableName,
    column: &str,
) -> Result<Recreated, NotRecreated> {
    let create = definition(inspector, "table", table).await?;
    let columns = columns(inspector, table).await?;
    if !columns
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case(column))
    {
        return Err(NotRecreated::Missing(format!("column {table}.{column}")));
    }
    let Some(text) = create_table::column_definition(&create, column) else {
        return Err(NotRecreated::Unsupported(format!(
            "the definition of {table}.{column} could not be found in its CREATE TABLE"
        )));
    };
    let recreated = if create_table::can_be_added(text) {
        Recreated::from_statements(vec![format!(
            "ALTER TABLE {} ADD COLUMN {text}",
            ident(SQLITE, &table.name)
        )])
    } else {
        let stored = columns
            .iter()
            .filter(|(name, generated)| !generated && !name.eq_ignore_ascii_case(column))
            .map(|(name, _)| ident(SQLITE, name))
            .collect::<Vec<_>>();
        rebuild(inspector, table, &create, &stored).await?
    };
    Ok(recreated.noting(format!("the values of {table}.{column}")))
}

/// The table's columns as (name, whether generated), in order.
async fn columns(
    inspector: &mut Inspector,
    table: &TableName,
) -> Result<Vec<(String, bool)>, sqlx::Error> {
    let sql = format!(
        "SELECT name, CAST(hidden IN (2, 3) AS TEXT) FROM pragma_table_xinfo({}) ORDER BY cid",
        literal(SQLITE, &table.name)
    );
    Ok(inspector
        .rows(&sql)
        .await?
        .iter()
        .map(|row| (cell(row, 0), cell(row, 1) == "1"))
        .collect())
}

/// The table rebuilt from its old `CREATE TABLE`, run verbatim so that
/// `sqlite_master` holds the same text again: the current table is renamed
/// out of the way with `legacy_alter_table` on (which leaves the views,
/// triggers and foreign keys that name the table alone), the old one is
/// created, the `copied` columns (quoted) copied into it, the renamed one dropped with its
/// indexes and triggers, and those recreated as they were.
async fn rebuild(
    inspector: &mut Inspector,
    table: &TableName,
    create: &str,
    copied: &[String],
) -> Result<Recreated, NotRecreated> {
    refuse_referenced(inspector, table).await?;
    let legacy_was_on = first_cells(
        inspector,
        "SELECT CAST(legacy_alter_table AS TEXT) FROM pragma_legacy_alter_table",
    )
    .await?
    .first()
    .is_some_and(|value| value == "1");
    let name = ident(SQLITE, &table.name);
    let aside = ident(SQLITE, &format!("_rollback_old_{}", table.name));
    let mut statements = vec![
        "PRAGMA legacy_alter_table = ON".to_owned(),
        format!("ALTER TABLE {name} RENAME TO {aside}"),
        create.to_owned(),
    ];
    if !copied.is_empty() {
        statements.push(copy_rows(&Sqlite, &name, &aside, copied));
    }
    statements.push(format!("DROP TABLE {aside}"));
    statements.extend(indexes_and_triggers(inspector, table).await?);
    if !legacy_was_on {
        statements.push("PRAGMA legacy_alter_table = OFF".to_owned());
    }
    Ok(Recreated::from_statements(statements))
}

/// A rebuild is refused when foreign keys are on and other tables' point
/// at the table: renaming it then rewrites their `REFERENCES`, even with
/// `legacy_alter_table` on, and they would end up naming the dropped copy.
async fn refuse_referenced(
    inspector: &mut Inspector,
    table: &TableName,
) -> Result<(), NotRecreated> {
    let sql = format!(
        "SELECT m.name FROM main.sqlite_master AS m, pragma_foreign_key_list(m.name) AS f
         WHERE m.type = 'table' AND f.\"table\" = {0} COLLATE NOCASE AND m.name <> {0} COLLATE NOCASE
           AND (SELECT foreign_keys FROM pragma_foreign_keys)",
        literal(SQLITE, &table.name)
    );
    let referencing = first_cells(inspector, &sql).await?;
    match referencing.first() {
        Some(other) => Err(NotRecreated::Unsupported(format!(
            "rebuilding {table} to put a column back, with foreign keys on: {other}'s foreign key \
             to it would follow the renamed copy"
        ))),
        None => Ok(()),
    }
}

/// Reading a column's definition out of a `CREATE TABLE` statement.
mod create_table {
    /// Where the quoted text, identifier or comment starting at `at` ends
    /// (the index just past it), or `None` when none starts there.
    fn skip_quoted(bytes: &[u8], at: usize) -> Option<usize> {
        let find = |from: usize, end: &[u8]| {
            bytes[from.min(bytes.len())..]
                .windows(end.len())
                .position(|window| window == end)
                .map_or(bytes.len(), |found| from + found + end.len())
        };
        match bytes[at] {
            b'\'' => Some(find(at + 1, b"'")),
            b'"' => Some(find(at + 1, b"\"")),
            b'`' => Some(find(at + 1, b"`")),
            b'[' => Some(find(at + 1, b"]")),
            b'-' if bytes.get(at + 1) == Some(&b'-') => Some(find(at + 2, b"\n")),
            b'/' if bytes.get(at + 1) == Some(&b'*') => Some(find(at + 2, b"*/")),
            _ => None,
        }
    }

    /// The definitions between the outermost parentheses of a `CREATE
    /// TABLE`, split at the commas outside parentheses, quotes and comments.
    fn definitions(create: &str) -> Vec<&str> {
        let bytes = create.as_bytes();
        let mut parts = Vec::new();
        let mut depth = 0usize;
        let mut start = 0;
        let mut at = 0;
        while at < bytes.len() {
            if let Some(end) = skip_quoted(bytes, at) {
                at = end;
                continue;
            }
            match bytes[at] {
                b'(' => {
                    depth += 1;
                    if depth == 1 {
                        start = at + 1;
                    }
                }
                b')' => {
                    if depth == 1 {
                        parts.push(&create[start..at]);
                        return parts;
                    }
                    depth = depth.saturating_sub(1);
                }
                b',' if depth == 1 => {
                    parts.push(&create[start..at]);
                    start = at + 1;
                }
                _ => {}
            }
            at += 1;
        }
        Vec::new()
    }

    /// `text` without the whitespace and comments around it.
    fn trimmed(text: &str) -> &str {
        let mut text = text.trim();
        loop {
            let bytes = text.as_bytes();
            let starts_comment = bytes.starts_with(b"--") || bytes.starts_with(b"/*");
            match skip_quoted(bytes, 0).filter(|_| starts_comment) {
                Some(end) => text = text[end..].trim(),
                None => break,
            }
        }
        text
    }

    /// The definition's first name, unquoted, and whether it was quoted.
    fn first_name(definition: &str) -> (String, bool) {
        let bytes = definition.as_bytes();
        match bytes.first() {
            Some(b'"' | b'`' | b'[') => {
                let end = skip_quoted(bytes, 0).unwrap_or(bytes.len());
                let inner = &definition[1..end.saturating_sub(1).max(1)];
                match bytes[0] {
                    b'"' => (inner.replace("\"\"", "\""), true),
                    b'`' => (inner.replace("``", "`"), true),
                    _ => (inner.to_owned(), true),
                }
            }
            _ => {
                let end = definition
                    .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
                    .unwrap_or(definition.len());
                (definition[..end].to_owned(), false)
            }
        }
    }

    /// The text that defines `column` (`note TEXT NOT NULL DEFAULT ''`),
    /// comments around it left out.
    pub(super) fn column_definition<'a>(create: &'a str, column: &str) -> Option<&'a str> {
        const TABLE_CONSTRAINTS: [&str; 5] =
            ["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"];
        definitions(create)
            .into_iter()
            .map(trimmed)
            .find(|definition| {
                let (name, quoted) = first_name(definition);
                let constraint = !quoted
                    && TABLE_CONSTRAINTS
                        .iter()
                        .any(|keyword| name.eq_ignore_ascii_case(keyword));
                !constraint && name.eq_ignore_ascii_case(column)
            })
    }

    /// The words of a definition outside parentheses, quotes and comments,
    /// uppercased; a parenthesized part is `(`, a quoted one `'`.
    fn words(definition: &str) -> Vec<String> {
        let bytes = definition.as_bytes();
        let mut words = Vec::new();
        let mut at = 0;
        while at < bytes.len() {
            let byte = bytes[at];
            if let Some(end) = skip_quoted(bytes, at) {
                if matches!(byte, b'\'' | b'"' | b'`' | b'[') {
                    words.push("'".to_owned());
                }
                at = end;
            } else if byte == b'(' {
                words.push("(".to_owned());
                at = closing(bytes, at);
            } else if byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'-' || byte == b'+' {
                let end = (at + 1..bytes.len())
                    .find(|&end| !(bytes[end].is_ascii_alphanumeric() || bytes[end] == b'_'))
                    .unwrap_or(bytes.len());
                words.push(definition[at..end].to_ascii_uppercase());
                at = end;
            } else {
                at += 1;
            }
        }
        words
    }

    /// The index just past the `)` closing the `(` at `open`.
    fn closing(bytes: &[u8], open: usize) -> usize {
        let mut depth = 0usize;
        let mut at = open;
        while at < bytes.len() {
            if let Some(end) = skip_quoted(bytes, at) {
                at = end;
                continue;
            }
            match bytes[at] {
                b'(' => depth += 1,
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        return at + 1;
                    }
                }
                _ => {}
            }
            at += 1;
        }
        bytes.len()
    }

    /// Whether SQLite's `ALTER TABLE … ADD COLUMN` accepts the definition:
    /// no PRIMARY KEY or UNIQUE, no stored generated column, a constant
    /// default, NOT NULL only with a non-NULL default, and a foreign key
    /// only with a NULL default.
    pub(super) fn can_be_added(definition: &str) -> bool {
        let words = words(definition);
        let has = |word: &str| words.iter().any(|found| found == word);
        let default = words
            .iter()
            .position(|word| word == "DEFAULT")
            .and_then(|at| words.get(at + 1))
            .map(String::as_str);
        let computed_default = matches!(
            default,
            Some("(" | "CURRENT_TIME" | "CURRENT_DATE" | "CURRENT_TIMESTAMP")
        );
        let null_default = matches!(default, None | Some("NULL"));
        let not_null = words.windows(2).any(|pair| pair == ["NOT", "NULL"]);
        let refused = has("PRIMARY")
            || has("UNIQUE")
            || has("STORED")
            || computed_default
            || (not_null && null_default)
            || (has("REFERENCES") && !null_default);
        !refused
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        const CREATE: &str = "CREATE TABLE \"Order\" ( -- the orders\n  id INTEGER PRIMARY KEY,\n  \"select\" TEXT NOT NULL DEFAULT 'a, b' CHECK (\"select\" <> ')'),\n  /* when */ at TEXT DEFAULT CURRENT_TIMESTAMP,\n  [n m] INT,\n  CONSTRAINT c UNIQUE (id, at)\n)";

        #[test]
        fn a_column_is_found_whatever_its_quoting_and_comments() {
            assert_eq!(
                column_definition(CREATE, "SELECT"),
                Some("\"select\" TEXT NOT NULL DEFAULT 'a, b' CHECK (\"select\" <> ')')")
            );
            assert_eq!(
                column_definition(CREATE, "at"),
                Some("at TEXT DEFAULT CURRENT_TIMESTAMP")
            );
            assert_eq!(column_definition(CREATE, "n m"), Some("[n m] INT"));
            assert_eq!(column_definition(CREATE, "c"), None);
            assert_eq!(column_definition(CREATE, "constraint"), None);
        }

        #[test]
        fn only_what_add_column_accepts_is_added() {
            assert!(can_be_added("note TEXT"));
            assert!(can_be_added("n INT NOT NULL DEFAULT -1 CHECK (n <> 0)"));
            assert!(can_be_added("g INT AS (n + 1) VIRTUAL"));
            assert!(can_be_added("p INT REFERENCES parent (id)"));
            assert!(!can_be_added("id INTEGER PRIMARY KEY"));
            assert!(!can_be_added("code TEXT UNIQUE"));
            assert!(!can_be_added("n INT NOT NULL"));
            assert!(!can_be_added("n INT NOT NULL DEFAULT NULL"));
            assert!(!can_be_added("at TEXT DEFAULT CURRENT_TIMESTAMP"));
            assert!(!can_be_added("at TEXT DEFAULT (datetime('now'))"));
            assert!(!can_be_added("g INT GENERATED ALWAYS AS (n + 1) STORED"));
            assert!(!can_be_added("p INT DEFAULT 1 REFERENCES parent (id)"));
        }
    }
}
