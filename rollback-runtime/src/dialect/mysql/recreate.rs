//! mysql: what a need recreates, from `SHOW CREATE …`, which gives each
//! table, view, trigger, routine and (MariaDB) sequence as the server would
//! create it again. `DEFINER=` clauses are left out, so that the down runs
//! as whichever user runs it, and a table's `AUTO_INCREMENT=` counter, which
//! is data.

use std::collections::BTreeSet;

use rollback_core::sql::{Dialect, Need, TableName, Unnamed};

use super::spelling::MySql;
use crate::dialect::inspector::Inspector;
use crate::dialect::quote::{ident, literal, table};
use crate::dialect::reconstruct::{
    Named, NotRecreated, Recreated, cell, copy_rows, delete_inserted, first_cells, group_keys,
    kept_columns, unnamed_table,
};

const MY: Dialect = Dialect::MySql;

fn lit(text: &str) -> String {
    literal(MY, text)
}

/// The database an object is in, for `information_schema`: its schema, or
/// the connection's.
fn database(name: &TableName) -> String {
    name.schema
        .as_deref()
        .map_or_else(|| "DATABASE()".to_owned(), lit)
}

pub(super) async fn recreate(
    inspector: &mut Inspector,
    need: &Need,
) -> Result<Recreated, NotRecreated> {
    match need {
        Need::Table { table } => dropped_table(inspector, table).await,
        Need::TableRebuild {
            table,
            rows_from,
            kept_columns,
        } => table_rebuilt(inspector, table, rows_from, kept_columns).await,
        Need::Column { table, column } => dropped_column(inspector, table, column).await,
        Need::ColumnDefinition {
            table,
            column,
            now_named,
            changes,
        } => {
            let recreated =
                column_definition(inspector, table, column, now_named.as_deref()).await?;
            Ok(if changes.data_type {
                recreated.noting(format!(
                    "the values of {table}.{column} as they were: they are converted back from the new type"
                ))
            } else {
                recreated
            })
        }
        Need::Index { index, table } => dropped_index(inspector, index, table.as_ref()).await,
        Need::Constraint { table, name } => dropped_constraint(inspector, table, name).await,
        Need::View {
            view,
            materialized: false,
        } => view_(inspector, view).await,
        Need::Trigger { name, .. } => trigger(inspector, name).await,
        Need::Routine {
            name, procedure, ..
        } => routine(inspector, name, *procedure).await,
        Need::Sequence { sequence } => sequence_(inspector, sequence).await,
        Need::TableComment { table } => table_comment(inspector, table).await,
        Need::InsertedRows {
            table,
            columns,
            rows,
        } => {
            let keys = unique_keys(inspector, table).await?;
            delete_inserted(&MySql, table, columns, rows, &keys)
        }
        other => Err(NotRecreated::Unsupported(format!(
            "MySQL has no such statement to undo: {other:?}"
        ))),
    }
}

/// The names of the table's constraints and indexes (a foreign key added
/// without an index brings one, named apart from the constraint), or of
/// its indexes.
pub(super) async fn names(
    inspector: &mut Inspector,
    unnamed: &Unnamed,
) -> Result<BTreeSet<Named>, sqlx::Error> {
    let on = unnamed_table(unnamed);
    let place = format!(
        "table_schema = {} AND table_name = {}",
        database(on),
        lit(&on.name)
    );
    let indexes =
        format!("SELECT CAST(index_name AS CHAR) FROM information_schema.statistics WHERE {place}");
    let sql = match unnamed {
        Unnamed::Constraint { .. } => format!(
            "SELECT CAST(constraint_name AS CHAR) FROM information_schema.table_constraints
             WHERE {place} UNION {indexes}"
        ),
        Unnamed::Index { .. } => indexes,
    };
    Ok(first_cells(inspector, &sql)
        .await?
        .into_iter()
        .map(|name| Named {
            identity: name.clone(),
            name,
        })
        .collect())
}

/// The `ALTER TABLE` that drops constraint or index `name`, by its kind.
pub(super) async fn drop_unnamed(
    inspector: &mut Inspector,
    unnamed: &Unnamed,
    name: &str,
) -> Result<String, sqlx::Error> {
    let on = unnamed_table(unnamed);
    let sql = format!(
        "SELECT CAST(constraint_type AS CHAR) FROM information_schema.table_constraints
         WHERE table_schema = {} AND table_name = {} AND constraint_name = {}",
        database(on),
        lit(&on.name),
        lit(name)
    );
    let kind = first_cells(inspector, &sql).await?.concat();
    let name = ident(MY, name);
    let action = match kind.as_str() {
        "FOREIGN KEY" => format!("DROP FOREIGN KEY {name}"),
        "CHECK" => format!("DROP CONSTRAINT {name}"),
        "PRIMARY KEY" => "DROP PRIMARY KEY".to_owned(),
        _ => format!("DROP INDEX {name}"),
    };
    Ok(format!("ALTER TABLE {} {action}", table(MY, on)))
}

/// Objects of another database than the connection's are refused: `SHOW
/// CREATE` writes their names without it, and the statements would create
/// them in the connection's.
async fn in_this_database(inspector: &mut Inspector, name: &TableName) -> Result<(), NotRecreated> {
    let Some(schema) = &name.schema else {
        return Ok(());
    };
    let current = first_cells(inspector, "SELECT CAST(DATABASE() AS CHAR)").await?;
    if current.first() == Some(schema) {
        return Ok(());
    }
    Err(NotRecreated::Unsupported(format!(
        "{name} is in database {schema}, not the connection's: its definition would not name it"
    )))
}

/// The `SHOW CREATE TABLE` of a base table, without its `AUTO_INCREMENT=`.
async fn create_table(inspector: &mut Inspector, name: &TableName) -> Result<String, NotRecreated> {
    in_this_database(inspector, name).await?;
    let sql = format!(
        "SELECT 'yes' FROM information_schema.tables WHERE table_schema = {} AND table_name = {}
           AND table_type IN ('BASE TABLE', 'SYSTEM VERSIONED')",
        database(name),
        lit(&name.name)
    );
    if inspector.rows(&sql).await?.is_empty() {
        return Err(NotRecreated::Missing(format!("table {name}")));
    }
    let rows = inspector
        .rows(&format!("SHOW CREATE TABLE {}", table(MY, name)))
        .await?;
    let create = rows.first().map(|row| cell(row, 1)).unwrap_or_default();
    Ok(without_auto_increment(&create))
}

/// `create` without the `AUTO_INCREMENT=n` of its table options, on the
/// line that closes the definitions (a partitioning clause may follow).
fn without_auto_increment(create: &str) -> String {
    create
        .lines()
        .map(|line| {
            if line.starts_with(')') {
                line.split(' ')
                    .filter(|option| !option.starts_with("AUTO_INCREMENT="))
                    .collect::<Vec<_>>()
                    .join(" ")
            } else {
                line.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The definitions of a `SHOW CREATE TABLE`, one a line, trimmed and
/// without their commas: columns, then keys, then constraints, up to the
/// line that closes them.
fn definitions(create: &str) -> Vec<&str> {
    create
        .lines()
        .skip(1)
        .take_while(|line| !line.starts_with(')'))
        .map(|line| line.trim().trim_end_matches(','))
        .collect()
}

/// The first `` `quoted` `` name in `text`, unquoted.
fn first_quoted(text: &str) -> Option<String> {
    let start = text.find('`')? + 1;
    let mut name = String::new();
    let mut chars = text[start..].chars().peekable();
    while let Some(c) = chars.next() {
        if c == '`' {
            if chars.peek() != Some(&'`') {
                return Some(name);
            }
            chars.next();
        }
        name.push(c);
    }
    None
}

/// What a definition line defines, with its name (`PRIMARY` for the key).
#[derive(Debug, PartialEq, Eq)]
enum Line {
    Column(String),
    Key(String),
    Constraint(String),
}

fn line_kind(line: &str) -> Option<Line> {
    if line.starts_with('`') {
        return first_quoted(line).map(Line::Column);
    }
    if line.starts_with("PRIMARY KEY") {
        return Some(Line::Key("PRIMARY".to_owned()));
    }
    if line.starts_with("CONSTRAINT") {
        return first_quoted(line).map(Line::Constraint);
    }
    let (head, _) = line.split_once('`')?;
    head.ends_with("KEY ")
        .then(|| first_quoted(line).map(Line::Key))
        .flatten()
}

/// The columns of the first parenthesized list outside backticks of a
/// key line (`` KEY `k` (`a`,`b`(10)) `` → a, b): the backticked names at
/// its top level, prefix lengths and the like skipped.
fn key_columns(line: &str) -> Vec<String> {
    let mut columns = Vec::new();
    let mut depth = 0usize;
    let mut name: Option<String> = None;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (&mut name, c) {
            (Some(_), '`') if chars.peek() == Some(&'`') => {
                chars.next();
                name.get_or_insert_default().push('`');
            }
            (Some(_), '`') => {
                if let Some(done) = name.take().filter(|_| depth == 1) {
                    columns.push(done);
                }
            }
            (Some(found), c) => found.push(c),
            (None, '`') => name = Some(String::new()),
            (None, '(') => depth += 1,
            (None, ')') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return columns;
                }
            }
            (None, _) => {}
        }
    }
    columns
}

/// A dropped table as `SHOW CREATE TABLE` gives it (its foreign keys to
/// other tables inline), then its triggers. Other tables' foreign keys to
/// it are not part of it: MySQL drops a table others reference only with
/// `foreign_key_checks` off, and then leaves their foreign keys in place.
async fn dropped_table(
    inspector: &mut Inspector,
    name: &TableName,
) -> Result<Recreated, NotRecreated> {
    let mut statements = vec![create_table(inspector, name).await?];
    statements.extend(triggers_of(inspector, name).await?);
    Ok(Recreated::from_statements(statements).noting(format!("the rows of {name}")))
}

/// A table a rebuild replaced, put back with the rows of `rows_from` (the
/// rebuilt table) in the columns both have: created, filled, `rows_from`
/// dropped (its triggers may have the old ones' names), then the old
/// triggers.
async fn table_rebuilt(
    inspector: &mut Inspector,
    name: &TableName,
    rows_from: &TableName,
    kept: &[String],
) -> Result<Recreated, NotRecreated> {
    let create = create_table(inspector, name).await?;
    let sql = format!(
        "SELECT CAST(column_name AS CHAR) FROM information_schema.columns
         WHERE table_schema = {} AND table_name = {}
           AND (generation_expression IS NULL OR generation_expression = '')
         ORDER BY ordinal_position",
        database(name),
        lit(&name.name)
    );
    let columns = first_cells(inspector, &sql).await?;
    let copied = kept_columns(&MySql, columns.iter().map(String::as_str), kept);
    let (into, from) = (table(MY, name), table(MY, rows_from));
    let mut statements = vec![create];
    if !copied.is_empty() {
        statements.push(copy_rows(&MySql, &into, &from, &copied));
    }
    statements.push(format!("DROP TABLE {from}"));
    statements.extend(triggers_of(inspector, name).await?);
    Ok(Recreated::from_statements(statements))
}

/// The `CREATE TRIGGER` statements of a table's triggers, in the order
/// they fire.
async fn triggers_of(
    inspector: &mut Inspector,
    name: &TableName,
) -> Result<Vec<String>, sqlx::Error> {
    let place = format!(
        "t.event_object_schema = {} AND t.event_object_table = {}",
        database(name),
        lit(&name.name)
    );
    create_triggers(inspector, &place, false).await
}

/// `CREATE TRIGGER` for the triggers of `information_schema.triggers`
/// (aliased `t`) that match `place`, in the order they fire, from their
/// parts: `SHOW CREATE TRIGGER` cannot be read as text (its `Created`
/// column is a timestamp). The body is the statement's own text, comments
/// included. When `placed`, each is put back where it fired among the
/// table's other triggers, which must exist: `FOLLOWS` the one before it,
/// else `PRECEDES` the one after.
async fn create_triggers(
    inspector: &mut Inspector,
    place: &str,
    placed: bool,
) -> Result<Vec<String>, sqlx::Error> {
    let neighbour = |offset: &str| {
        format!(
            "(SELECT CAST(o.trigger_name AS CHAR) FROM information_schema.triggers AS o
              WHERE o.trigger_schema = t.trigger_schema AND o.event_object_table = t.event_object_table
                AND o.action_timing = t.action_timing AND o.event_manipulation = t.event_manipulation
                AND o.action_order = t.action_order {offset} 1)"
        )
    };
    let sql = format!(
        "SELECT CAST(t.trigger_name AS CHAR), CAST(t.action_timing AS CHAR),
             CAST(t.event_manipulation AS CHAR), CAST(t.event_object_table AS CHAR),
             CAST(t.action_statement AS CHAR), {}, {}
         FROM information_schema.triggers AS t WHERE {place}
         ORDER BY t.event_object_table, t.action_timing, t.event_manipulation, t.action_order",
        neighbour("-"),
        neighbour("+")
    );
    Ok(inspector
        .rows(&sql)
        .await?
        .iter()
        .map(|row| {
            let order = match (cell(row, 5), cell(row, 6)) {
                (before, _) if placed && !before.is_empty() => {
                    format!("FOLLOWS {} ", ident(MY, &before))
                }
                (_, after) if placed && !after.is_empty() => {
                    format!("PRECEDES {} ", ident(MY, &after))
                }
                _ => String::new(),
            };
            format!(
                "CREATE TRIGGER {} {} {} ON {} FOR EACH ROW {order}{}",
                ident(MY, &cell(row, 0)),
                cell(row, 1),
                cell(row, 2),
                ident(MY, &cell(row, 3)),
                cell(row, 4)
            )
        })
        .collect())
}

/// Column `index` of `SHOW CREATE kind name`, without its `DEFINER=`.
async fn show_create(
    inspector: &mut Inspector,
    kind: &str,
    name: &TableName,
    index: usize,
) -> Result<String, NotRecreated> {
    in_this_database(inspector, name).await?;
    let rows = inspector
        .rows(&format!("SHOW CREATE {kind} {}", table(MY, name)))
        .await?;
    let create = rows
        .first()
        .map(|row| cell(row, index))
        .filter(|create| !create.is_empty())
        .ok_or_else(|| {
            NotRecreated::Unsupported(format!(
                "the definition of {} {name} cannot be read",
                kind.to_lowercase()
            ))
        })?;
    Ok(without_definer(&create))
}

/// `create` without its first `DEFINER=user@host ` clause.
fn without_definer(create: &str) -> String {
    let Some(start) = create.find("DEFINER=") else {
        return create.to_owned();
    };
    let mut quote: Option<char> = None;
    let mut end = create.len();
    for (at, c) in create[start..].char_indices() {
        match quote {
            Some(open) if c == open => quote = None,
            Some(_) => {}
            None if c == '`' || c == '\'' || c == '"' => quote = Some(c),
            None if c.is_whitespace() => {
                end = start + at + c.len_utf8();
                break;
            }
            None => {}
        }
    }
    format!("{}{}", &create[..start], &create[end..])
}

/// Whether a `CONSTRAINT` line involves `column`: a foreign key through
/// its own columns (not those it references), a check through its text.
fn constraint_involves(line: &str, column: &str) -> bool {
    match line.split_once(" FOREIGN KEY ") {
        Some((_, key)) => {
            let own = key.split(" REFERENCES ").next().unwrap_or_default();
            key_columns(own).iter().any(|found| found == column)
        }
        None => line.contains(&ident(MY, column)),
    }
}

/// A dropped column, added back after the column it followed, with the
/// keys and constraints that involved it: a key it was the only column of
/// is added, one it shared is dropped and added with it again.
async fn dropped_column(
    inspector: &mut Inspector,
    name: &TableName,
    column: &str,
) -> Result<Recreated, NotRecreated> {
    let create = create_table(inspector, name).await?;
    let lines = definitions(&create);
    let position = lines
        .iter()
        .position(|line| line_kind(line) == Some(Line::Column(column.to_owned())))
        .ok_or_else(|| NotRecreated::Missing(format!("column {name}.{column}")))?;
    let place = match position
        .checked_sub(1)
        .and_then(|before| line_kind(lines[before]))
    {
        Some(Line::Column(previous)) => format!(" AFTER {}", ident(MY, &previous)),
        _ => " FIRST".to_owned(),
    };
    let mut actions = vec![format!("ADD COLUMN {}{place}", lines[position])];
    for line in &lines {
        match line_kind(line) {
            Some(Line::Key(key)) => {
                let columns = key_columns(line);
                if !columns.iter().any(|found| found == column) {
                    continue;
                }
                if columns.iter().any(|found| found != column) {
                    actions.push(if key == "PRIMARY" {
                        "DROP PRIMARY KEY".to_owned()
                    } else {
                        format!("DROP INDEX {}", ident(MY, &key))
                    });
                }
                actions.push(format!("ADD {line}"));
            }
            Some(Line::Constraint(_)) if constraint_involves(line, column) => {
                actions.push(format!("ADD {line}"));
            }
            _ => {}
        }
    }
    let statement = format!("ALTER TABLE {} {}", table(MY, name), actions.join(", "));
    Ok(
        Recreated::from_statements(vec![statement])
            .noting(format!("the values of {name}.{column}")),
    )
}

/// A column's whole definition as it was, under its old name: `CHANGE
/// COLUMN` from the name the statement gave it, or `MODIFY COLUMN`.
async fn column_definition(
    inspector: &mut Inspector,
    name: &TableName,
    column: &str,
    now_named: Option<&str>,
) -> Result<Recreated, NotRecreated> {
    let create = create_table(inspector, name).await?;
    let line = definitions(&create)
        .into_iter()
        .find(|line| line_kind(line) == Some(Line::Column(column.to_owned())))
        .ok_or_else(|| NotRecreated::Missing(format!("column {name}.{column}")))?;
    let action = match now_named {
        Some(now) if now != column => format!("CHANGE COLUMN {} {line}", ident(MY, now)),
        _ => format!("MODIFY COLUMN {line}"),
    };
    Ok(Recreated::from_statements(vec![format!(
        "ALTER TABLE {} {action}",
        table(MY, name)
    )]))
}

/// The table of index `index`: the one given, else the only table of the
/// database that has an index of that name.
async fn table_of_index(
    inspector: &mut Inspector,
    index: &TableName,
    on: Option<&TableName>,
) -> Result<TableName, NotRecreated> {
    if let Some(on) = on {
        return Ok(on.clone());
    }
    let sql = format!(
        "SELECT DISTINCT CAST(table_name AS CHAR) FROM information_schema.statistics
         WHERE table_schema = {} AND index_name = {}",
        database(index),
        lit(&index.name)
    );
    let tables = first_cells(inspector, &sql).await?;
    match tables.as_slice() {
        [only] => Ok(TableName {
            schema: index.schema.clone(),
            name: only.clone(),
        }),
        [] => Err(NotRecreated::Missing(format!("index {index}"))),
        _ => Err(NotRecreated::Unsupported(format!(
            "index {index} is on several tables ({}); the statement does not say which",
            tables.join(", ")
        ))),
    }
}

/// `ALTER TABLE t ADD <line>` for the key or constraint line `wanted` picks.
async fn add_line(
    inspector: &mut Inspector,
    on: &TableName,
    what: &str,
    wanted: impl Fn(&Line) -> bool,
) -> Result<Recreated, NotRecreated> {
    let create = create_table(inspector, on).await?;
    let line = definitions(&create)
        .into_iter()
        .find(|line| line_kind(line).is_some_and(|kind| wanted(&kind)))
        .ok_or_else(|| NotRecreated::Missing(format!("{what} of {on}")))?;
    Ok(Recreated::from_statements(vec![format!(
        "ALTER TABLE {} ADD {line}",
        table(MY, on)
    )]))
}

async fn dropped_index(
    inspector: &mut Inspector,
    index: &TableName,
    on: Option<&TableName>,
) -> Result<Recreated, NotRecreated> {
    let on = table_of_index(inspector, index, on).await?;
    let what = format!("index {}", index.name);
    add_line(inspector, &on, &what, |line| {
        *line == Line::Key(index.name.clone())
    })
    .await
}

/// A dropped constraint: a foreign key or check (`CONSTRAINT` line), a
/// unique key, or the primary key (`PRIMARY`).
async fn dropped_constraint(
    inspector: &mut Inspector,
    on: &TableName,
    name: &str,
) -> Result<Recreated, NotRecreated> {
    let what = format!("constraint {name}");
    // A foreign key and the index MySQL made for it share a name: the
    // constraint is the one dropped.
    let constraint = add_line(
        inspector,
        on,
        &what,
        |line| matches!(line, Line::Constraint(constraint) if constraint == name),
    )
    .await;
    match constraint {
        Err(NotRecreated::Missing(_)) => {
            add_line(
                inspector,
                on,
                &what,
                |line| matches!(line, Line::Key(key) if key == name),
            )
            .await
        }
        found => found,
    }
}

/// The table's unique keys, each its columns, its primary key first; a
/// functional key part has no column name.
async fn unique_keys(
    inspector: &mut Inspector,
    name: &TableName,
) -> Result<Vec<Vec<String>>, sqlx::Error> {
    let sql = format!(
        "SELECT CAST(index_name AS CHAR), CAST(column_name AS CHAR) FROM information_schema.statistics
         WHERE table_schema = {} AND table_name = {} AND non_unique = 0
         ORDER BY index_name = 'PRIMARY' DESC, index_name, seq_in_index",
        database(name),
        lit(&name.name)
    );
    Ok(group_keys(&inspector.rows(&sql).await?))
}

/// The comment a table has, set again by `ALTER TABLE … COMMENT`.
async fn table_comment(
    inspector: &mut Inspector,
    name: &TableName,
) -> Result<Recreated, NotRecreated> {
    let sql = format!(
        "SELECT CAST(table_comment AS CHAR) FROM information_schema.tables
         WHERE table_schema = {} AND table_name = {}",
        database(name),
        lit(&name.name)
    );
    let comment = first_cells(inspector, &sql)
        .await?
        .pop()
        .ok_or_else(|| NotRecreated::Missing(format!("table {name}")))?;
    Ok(Recreated::from_statements(vec![format!(
        "ALTER TABLE {} COMMENT = {}",
        table(MY, name),
        lit(&comment)
    )]))
}

/// Whether `sql` finds a row: whether the object it looks for exists.
async fn exists(inspector: &mut Inspector, sql: &str) -> Result<bool, sqlx::Error> {
    Ok(!inspector.rows(sql).await?.is_empty())
}

/// A dropped or replaced view: `CREATE OR REPLACE` puts back either.
async fn view_(inspector: &mut Inspector, view: &TableName) -> Result<Recreated, NotRecreated> {
    let sql = format!(
        "SELECT 'yes' FROM information_schema.views WHERE table_schema = {} AND table_name = {}",
        database(view),
        lit(&view.name)
    );
    if !exists(inspector, &sql).await? {
        return Err(NotRecreated::Missing(format!("view {view}")));
    }
    let create = show_create(inspector, "VIEW", view, 1).await?;
    let create = match create.strip_prefix("CREATE ") {
        Some(rest) => format!("CREATE OR REPLACE {rest}"),
        None => create,
    };
    Ok(Recreated::from_statements(vec![create]))
}

/// A dropped or replaced trigger: dropped if it is there, created again.
async fn trigger(inspector: &mut Inspector, name: &TableName) -> Result<Recreated, NotRecreated> {
    in_this_database(inspector, name).await?;
    let place = format!(
        "t.trigger_schema = {} AND t.trigger_name = {}",
        database(name),
        lit(&name.name)
    );
    let created = create_triggers(inspector, &place, true).await?;
    if created.is_empty() {
        return Err(NotRecreated::Missing(format!("trigger {name}")));
    }
    let drop = format!("DROP TRIGGER IF EXISTS {}", table(MY, name));
    Ok(Recreated::from_statements(
        std::iter::once(drop).chain(created).collect(),
    ))
}

/// A dropped or replaced procedure or function: dropped if it is there,
/// created again (MySQL has no `CREATE OR REPLACE` for routines).
async fn routine(
    inspector: &mut Inspector,
    name: &TableName,
    procedure: bool,
) -> Result<Recreated, NotRecreated> {
    let kind = if procedure { "PROCEDURE" } else { "FUNCTION" };
    let sql = format!(
        "SELECT 'yes' FROM information_schema.routines
         WHERE routine_schema = {} AND routine_name = {} AND routine_type = {}",
        database(name),
        lit(&name.name),
        lit(kind)
    );
    if !exists(inspector, &sql).await? {
        return Err(NotRecreated::Missing(format!(
            "{} {name}",
            kind.to_lowercase()
        )));
    }
    let create = show_create(inspector, kind, name, 2).await?;
    Ok(Recreated::from_statements(vec![
        format!("DROP {kind} IF EXISTS {}", table(MY, name)),
        create,
    ]))
}

/// A dropped MariaDB sequence.
async fn sequence_(
    inspector: &mut Inspector,
    sequence: &TableName,
) -> Result<Recreated, NotRecreated> {
    let sql = format!(
        "SELECT 'yes' FROM information_schema.tables
         WHERE table_schema = {} AND table_name = {} AND table_type = 'SEQUENCE'",
        database(sequence),
        lit(&sequence.name)
    );
    if !exists(inspector, &sql).await? {
        return Err(NotRecreated::Missing(format!("sequence {sequence}")));
    }
    let create = show_create(inspector, "SEQUENCE", sequence, 1).await?;
    Ok(Recreated::from_statements(vec![create])
        .noting(format!("the current value of sequence {sequence}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definers_and_counters_are_left_out() {
        assert_eq!(
            without_definer("CREATE DEFINER=`ro``ot`@`%` TRIGGER `t` BEFORE INSERT"),
            "CREATE TRIGGER `t` BEFORE INSERT"
        );
        assert_eq!(
            without_definer(
                "CREATE ALGORITHM=UNDEFINED DEFINER='a b'@localhost SQL SECURITY DEFINER VIEW"
            ),
            "CREATE ALGORITHM=UNDEFINED SQL SECURITY DEFINER VIEW"
        );
        assert_eq!(
            without_auto_increment(
                "CREATE TABLE `t` (\n  `id` int\n) ENGINE=InnoDB AUTO_INCREMENT=7 DEFAULT CHARSET=utf8mb4\n PARTITION BY HASH (`id`)"
            ),
            "CREATE TABLE `t` (\n  `id` int\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4\n PARTITION BY HASH (`id`)"
        );
    }

    #[test]
    fn lines_are_told_apart() {
        assert_eq!(
            line_kind("`a``b` int(11) DEFAULT NULL"),
            Some(Line::Column("a`b".to_owned()))
        );
        assert_eq!(
            line_kind("PRIMARY KEY (`id`)"),
            Some(Line::Key("PRIMARY".to_owned()))
        );
        assert_eq!(
            line_kind("FULLTEXT KEY `ft` (`body`)"),
            Some(Line::Key("ft".to_owned()))
        );
        assert_eq!(
            line_kind("CONSTRAINT `fk` FOREIGN KEY (`p`) REFERENCES `p` (`id`)"),
            Some(Line::Constraint("fk".to_owned()))
        );
        assert_eq!(key_columns("KEY `k(` (`a`,`b``c`(10))"), ["a", "b`c"]);
        let key = "CONSTRAINT `fk` FOREIGN KEY (`p`) REFERENCES `p` (`id`)";
        assert!(constraint_involves(key, "p"));
        assert!(!constraint_involves(key, "id"));
        assert!(constraint_involves("CONSTRAINT `c` CHECK (`n` > 0)", "n"));
    }
}
