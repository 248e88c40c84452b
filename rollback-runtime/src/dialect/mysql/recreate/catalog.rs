//! The catalog reads the needs share: whether an object is in the
//! connection's database, a table's `SHOW CREATE TABLE`, the `CREATE
//! TRIGGER` of triggers, `SHOW CREATE` of other objects, whether a row
//! exists.

use rollback_core::sql::TableName;

use super::literal::{MY, database, lit};
use super::parse::{without_auto_increment, without_definer};
use crate::dialect::inspector::Inspector;
use crate::dialect::quote::{ident, table};
use crate::dialect::reconstruct::{NotRecreated, cell, first_cells};

/// Objects of another database than the connection's are refused: `SHOW
/// CREATE` writes their names without it, and the statements would create
/// them in the connection's.
pub(super) async fn in_this_database(
    inspector: &mut Inspector,
    name: &TableName,
) -> Result<(), NotRecreated> {
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
pub(super) async fn create_table(
    inspector: &mut Inspector,
    name: &TableName,
) -> Result<String, NotRecreated> {
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

/// The `CREATE TRIGGER` statements of a table's triggers, in the order
/// they fire.
pub(super) async fn triggers_of(
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
pub(super) async fn create_triggers(
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
pub(super) async fn show_create(
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

/// Whether `sql` finds a row: whether the object it looks for exists.
pub(super) async fn exists(inspector: &mut Inspector, sql: &str) -> Result<bool, sqlx::Error> {
    Ok(!inspector.rows(sql).await?.is_empty())
}
