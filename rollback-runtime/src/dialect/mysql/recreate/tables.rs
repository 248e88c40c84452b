//! Tables and what belongs to them: dropped and rebuilt tables, columns,
//! indexes, constraints, table comments.

use rollback_core::sql::TableName;

use super::catalog::{create_table, triggers_of};
use super::literal::{MY, database, lit};
use super::parse::{Line, constraint_involves, definitions, key_columns, line_kind};
use crate::dialect::inspector::Inspector;
use crate::dialect::mysql::spelling::MySql;
use crate::dialect::quote::{ident, table};
use crate::dialect::reconstruct::{NotRecreated, Recreated, copy_rows, first_cells, kept_columns};

/// A dropped table as `SHOW CREATE TABLE` gives it (its foreign keys to
/// other tables inline), then its triggers. Other tables' foreign keys to
/// it are not part of it: MySQL drops a table others reference only with
/// `foreign_key_checks` off, and then leaves their foreign keys in place.
pub(super) async fn dropped_table(
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
pub(super) async fn table_rebuilt(
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

/// A dropped column, added back after the column it followed, with the
/// keys and constraints that involved it: a key it was the only column of
/// is added, one it shared is dropped and added with it again.
pub(super) async fn dropped_column(
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
pub(super) async fn column_definition(
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

pub(super) async fn dropped_index(
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
pub(super) async fn dropped_constraint(
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

/// The comment a table has, set again by `ALTER TABLE … COMMENT`.
pub(super) async fn table_comment(
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
