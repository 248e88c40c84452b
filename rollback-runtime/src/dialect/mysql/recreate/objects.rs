//! Objects other than tables: views, triggers, routines and (MariaDB)
//! sequences, each from its `SHOW CREATE` or its catalog rows.

use rollback_core::sql::TableName;

use super::catalog::{create_triggers, exists, in_this_database, show_create};
use super::literal::{MY, database, lit};
use crate::dialect::inspector::Inspector;
use crate::dialect::quote::table;
use crate::dialect::reconstruct::{NotRecreated, Recreated};

/// A dropped or replaced view: `CREATE OR REPLACE` puts back either.
pub(super) async fn view_(
    inspector: &mut Inspector,
    view: &TableName,
) -> Result<Recreated, NotRecreated> {
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
pub(super) async fn trigger(
    inspector: &mut Inspector,
    name: &TableName,
) -> Result<Recreated, NotRecreated> {
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
pub(super) async fn routine(
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
pub(super) async fn sequence_(
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
