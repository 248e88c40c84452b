//! Tables and what belongs to them: columns, constraints, indexes,
//! triggers, policies, row level security.

use rollback_core::sql::{ColumnChanges, TableName};

use super::catalog::{
    NOT_OF_A_CONSTRAINT, Relation, column_comments, columns, comment_on, constraints,
    dependent_views, indexes, owned_sequences, policies, relation, triggers,
};
use super::literal::{PG, lit};
use crate::dialect::inspector::Inspector;
use crate::dialect::postgres::spelling::Postgres;
use crate::dialect::quote::ident;
use crate::dialect::reconstruct::{
    NotRecreated, Recreated, cell, copy_rows, first_cells, kept_columns,
};

/// The relation kinds a table is: ordinary and partitioned.
const TABLES: &str = "rp";

/// A dropped table: created with its columns (and the sequences they own),
/// then its constraints, indexes, triggers, row level security, policies
/// and comments, then what a `DROP TABLE … CASCADE` drops with it: other
/// tables' foreign keys to it and the views that read it.
pub(super) async fn table(
    inspector: &mut Inspector,
    name: &TableName,
) -> Result<Recreated, NotRecreated> {
    let table = relation(inspector, name, TABLES, "table").await?;
    let parts = table_parts(inspector, &table).await?;
    Ok(parts
        .recreated(Vec::new())
        .noting(format!("the rows of {name}")))
}

/// A table a rebuild replaced, put back with the rows of `rows_from` (the
/// rebuilt table) in the columns both have: created, filled, `rows_from`
/// dropped (its indexes and constraints may have the old ones' names),
/// then the rest of the table.
pub(super) async fn table_rebuilt(
    inspector: &mut Inspector,
    name: &TableName,
    rows_from: &TableName,
    kept: &[String],
) -> Result<Recreated, NotRecreated> {
    let table = relation(inspector, name, TABLES, "table").await?;
    let parts = table_parts(inspector, &table).await?;
    let columns = columns(inspector, &table.oid, None).await?;
    let stored = columns
        .iter()
        .filter(|column| !column.generated)
        .map(|column| column.name.as_str());
    let copied = kept_columns(&Postgres, stored, kept);
    let from = crate::dialect::quote::table(PG, rows_from);
    let mut filling = Vec::new();
    if !copied.is_empty() {
        filling.push(copy_rows(&Postgres, &table.name, &from, &copied));
    }
    filling.push(format!("DROP TABLE {from}"));
    Ok(parts.recreated(filling))
}

/// A table's statements in two parts, around where its rows go in.
struct TableParts {
    /// Its owned sequences, `CREATE TABLE` and sequence ownership.
    create: Vec<String>,
    /// Its constraints, indexes, triggers, policies, comments, and the
    /// foreign keys and views of others that the drop took.
    rest: Vec<String>,
    /// The sequences it owns, whose current values are not brought back.
    sequences: Vec<String>,
}

impl TableParts {
    /// The table recreated with `filling` between its parts.
    fn recreated(self, filling: Vec<String>) -> Recreated {
        let statements = self
            .create
            .into_iter()
            .chain(filling)
            .chain(self.rest)
            .collect();
        self.sequences.into_iter().fold(
            Recreated::from_statements(statements),
            |recreated, sequence| {
                recreated.noting(format!("the current value of sequence {sequence}"))
            },
        )
    }
}

async fn table_parts(
    inspector: &mut Inspector,
    table: &Relation,
) -> Result<TableParts, NotRecreated> {
    refuse_hierarchies(inspector, table).await?;
    let owned = owned_sequences(inspector, table, None).await?;
    let mut create = owned.before;
    create.push(create_table(inspector, table).await?);
    create.extend(owned.after);
    let mut rest = constraints(inspector, &format!("c.conrelid = {}", table.oid)).await?;
    let own_indexes = format!("i.indrelid = {} AND {NOT_OF_A_CONSTRAINT}", table.oid);
    rest.extend(indexes(inspector, &own_indexes).await?);
    rest.extend(triggers(inspector, &format!("t.tgrelid = {}", table.oid)).await?);
    rest.extend(row_security_on(inspector, table, false).await?);
    rest.extend(policies(inspector, &format!("p.polrelid = {}", table.oid)).await?);
    rest.extend(table_comment(inspector, table).await?);
    rest.extend(column_comments(inspector, &table.oid, &table.name, None).await?);
    let incoming = format!("c.confrelid = {0} AND c.conrelid <> {0}", table.oid);
    rest.extend(constraints(inspector, &incoming).await?);
    rest.extend(dependent_views(inspector, &table.oid, None).await?);
    Ok(TableParts {
        create,
        rest,
        sequences: owned.names,
    })
}

/// Partitions, inherited and typed tables are refused: their `CREATE
/// TABLE` depends on other tables, which `DROP TABLE` may have dropped too.
async fn refuse_hierarchies(
    inspector: &mut Inspector,
    table: &Relation,
) -> Result<(), NotRecreated> {
    let sql = format!(
        "SELECT (c.relispartition OR c.reloftype <> 0
             OR EXISTS (SELECT 1 FROM pg_inherits AS h WHERE h.inhrelid = c.oid OR h.inhparent = c.oid))::text
         FROM pg_class AS c WHERE c.oid = {}",
        table.oid
    );
    let rows = inspector.rows(&sql).await?;
    if rows.first().is_some_and(|row| cell(row, 0) == "true") {
        return Err(NotRecreated::Unsupported(format!(
            "table {} is a partition, has partitions, inherits, is inherited or is typed",
            table.name
        )));
    }
    Ok(())
}

/// `CREATE [UNLOGGED] TABLE name (columns) [PARTITION BY …] [WITH (…)]`;
/// constraints are added afterwards, by name.
async fn create_table(inspector: &mut Inspector, table: &Relation) -> Result<String, NotRecreated> {
    let sql = format!(
        "SELECT (c.relpersistence = 'u')::text,
             (CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END),
             array_to_string(c.reloptions, ', ')
         FROM pg_class AS c WHERE c.oid = {}",
        table.oid
    );
    let rows = inspector.rows(&sql).await?;
    let row = rows.first().cloned().unwrap_or_default();
    let definitions = columns(inspector, &table.oid, None)
        .await?
        .into_iter()
        .map(|column| format!("    {}", column.definition))
        .collect::<Vec<_>>();
    let unlogged = if cell(&row, 0) == "true" {
        "UNLOGGED "
    } else {
        ""
    };
    let mut create = format!(
        "CREATE {unlogged}TABLE {} (\n{}\n)",
        table.name,
        definitions.join(",\n")
    );
    let partition_key = cell(&row, 1);
    if !partition_key.is_empty() {
        create.push_str(&format!(" PARTITION BY {partition_key}"));
    }
    let options = cell(&row, 2);
    if !options.is_empty() {
        create.push_str(&format!(" WITH ({options})"));
    }
    Ok(create)
}

async fn table_comment(
    inspector: &mut Inspector,
    table: &Relation,
) -> Result<Option<String>, sqlx::Error> {
    let sql = format!("SELECT obj_description({}, 'pg_class')", table.oid);
    let rows = inspector.rows(&sql).await?;
    Ok(rows
        .first()
        .and_then(|row| comment_on("TABLE", &table.name, row.first())))
}

/// `ENABLE`/`DISABLE` and `FORCE`/`NO FORCE ROW LEVEL SECURITY` as the
/// table has them: both always when `always`, else only those that are on
/// (a new table has both off).
async fn row_security_on(
    inspector: &mut Inspector,
    table: &Relation,
    always: bool,
) -> Result<Vec<String>, sqlx::Error> {
    let sql = format!(
        "SELECT c.relrowsecurity::text, c.relforcerowsecurity::text FROM pg_class AS c WHERE c.oid = {}",
        table.oid
    );
    let rows = inspector.rows(&sql).await?;
    let row = rows.first().cloned().unwrap_or_default();
    let (enabled, forced) = (cell(&row, 0) == "true", cell(&row, 1) == "true");
    let mut actions = Vec::new();
    if enabled || always {
        actions.push(if enabled { "ENABLE" } else { "DISABLE" });
    }
    if forced || always {
        actions.push(if forced { "FORCE" } else { "NO FORCE" });
    }
    Ok(actions
        .into_iter()
        .map(|action| format!("ALTER TABLE {} {action} ROW LEVEL SECURITY", table.name))
        .collect())
}

/// A table's row level security switches as they are.
pub(super) async fn row_security(
    inspector: &mut Inspector,
    name: &TableName,
) -> Result<Recreated, NotRecreated> {
    let table = relation(inspector, name, TABLES, "table").await?;
    Ok(Recreated::from_statements(
        row_security_on(inspector, &table, true).await?,
    ))
}

/// A dropped column: `ADD COLUMN` with its definition (after the sequence
/// it owns), then what involved it and was dropped with it: constraints,
/// indexes, triggers `UPDATE OF` it, policies and views that read it, and
/// its comment.
pub(super) async fn dropped_column(
    inspector: &mut Inspector,
    name: &TableName,
    column: &str,
) -> Result<Recreated, NotRecreated> {
    let table = relation(inspector, name, TABLES, "table").await?;
    column_with_dependents(inspector, &table, column).await
}

/// The column `column` of `table`, as [`dropped_column`] recreates it.
pub(super) async fn column_with_dependents(
    inspector: &mut Inspector,
    table: &Relation,
    column: &str,
) -> Result<Recreated, NotRecreated> {
    let Some(found) = columns(inspector, &table.oid, Some(column)).await?.pop() else {
        return Err(NotRecreated::Missing(format!(
            "column {}.{column}",
            table.name
        )));
    };
    let (oid, number) = (&table.oid, &found.number);
    let owned = owned_sequences(inspector, table, Some(number)).await?;
    let mut statements = owned.before;
    statements.push(format!(
        "ALTER TABLE {} ADD COLUMN {}",
        table.name, found.definition
    ));
    statements.extend(owned.after);
    let involving = format!(
        "(c.conrelid = {oid} AND {number} = ANY(c.conkey)) OR (c.confrelid = {oid} AND {number} = ANY(c.confkey))"
    );
    statements.extend(constraints(inspector, &involving).await?);
    let on_column = |catalog: &str, alias: &str| depends_on_column(catalog, alias, oid, number);
    let indexes_on = format!("{} AND {NOT_OF_A_CONSTRAINT}", on_column("pg_class", "ic"));
    statements.extend(indexes(inspector, &indexes_on).await?);
    let triggers_on = format!("t.tgrelid = {oid} AND {number} = ANY(t.tgattr::int2[])");
    statements.extend(triggers(inspector, &triggers_on).await?);
    statements.extend(policies(inspector, &on_column("pg_policy", "p")).await?);
    statements.extend(column_comments(inspector, oid, &table.name, Some(number)).await?);
    statements.extend(dependent_views(inspector, oid, Some(number)).await?);
    let mut recreated = Recreated::from_statements(statements);
    if !found.generated {
        let values = format!("the values of {}.{column}", table.name);
        recreated = recreated.noting(values);
    }
    for sequence in owned.names {
        recreated = recreated.noting(format!("the current value of sequence {sequence}"));
    }
    for generated in generated_from(inspector, table, number).await? {
        let dependent = Box::pin(column_with_dependents(inspector, table, &generated)).await?;
        recreated = recreated.then(dependent);
    }
    Ok(recreated)
}

/// The condition that the object of catalog `catalog` (aliased `alias`)
/// depends on column `number` of relation `oid`.
fn depends_on_column(catalog: &str, alias: &str, oid: &str, number: &str) -> String {
    format!(
        "{alias}.oid IN (SELECT d.objid FROM pg_depend AS d WHERE d.classid = '{catalog}'::regclass
             AND d.refclassid = 'pg_class'::regclass AND d.refobjid = {oid} AND d.refobjsubid = {number})"
    )
}

/// The expression and partial indexes on column `number` of `table`,
/// dropped and created as they are now. A type change rewrites them:
/// `date(d)` on a column made `date` becomes `d`, and changing the type
/// back leaves `d`.
async fn rewritten_indexes(
    inspector: &mut Inspector,
    table: &Relation,
    number: &str,
) -> Result<Vec<String>, sqlx::Error> {
    let filter = format!(
        "(i.indexprs IS NOT NULL OR i.indpred IS NOT NULL) AND {NOT_OF_A_CONSTRAINT} AND {}",
        depends_on_column("pg_class", "ic", &table.oid, number)
    );
    let names = first_cells(
        inspector,
        &format!(
            "SELECT i.indexrelid::regclass::text FROM pg_index AS i
             JOIN pg_class AS ic ON ic.oid = i.indexrelid WHERE {filter} ORDER BY i.indexrelid"
        ),
    )
    .await?;
    let mut statements: Vec<String> = names
        .iter()
        .map(|name| format!("DROP INDEX {name}"))
        .collect();
    statements.extend(indexes(inspector, &filter).await?);
    Ok(statements)
}

/// The generated columns of `table` computed from column `number`, which
/// dropping it drops too (their expressions, in `pg_attrdef`, depend on it).
async fn generated_from(
    inspector: &mut Inspector,
    table: &Relation,
    number: &str,
) -> Result<Vec<String>, sqlx::Error> {
    let sql = format!(
        "SELECT a.attname::text FROM pg_depend AS d JOIN pg_attrdef AS ad ON ad.oid = d.objid
         JOIN pg_attribute AS a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum
         WHERE d.classid = 'pg_attrdef'::regclass AND d.refclassid = 'pg_class'::regclass
           AND d.refobjid = {0} AND d.refobjsubid = {number} AND a.attnum <> {number}
           AND a.attgenerated <> ''
         ORDER BY a.attnum",
        table.oid
    );
    first_cells(inspector, &sql).await
}

/// The parts of a column's definition `changes` names, put back in one
/// `ALTER TABLE`: a type change drops the default first (the old default
/// may not cast to the new type) and sets it back after, then puts back the
/// expression and partial indexes it rewrote.
pub(super) async fn column_definition(
    inspector: &mut Inspector,
    name: &TableName,
    column: &str,
    now_named: &str,
    changes: ColumnChanges,
) -> Result<Recreated, NotRecreated> {
    let table = relation(inspector, name, TABLES, "table").await?;
    let Some(old) = columns(inspector, &table.oid, Some(column)).await?.pop() else {
        return Err(NotRecreated::Missing(format!(
            "column {}.{column}",
            table.name
        )));
    };
    let target = ident(PG, now_named);
    let mut actions = Vec::new();
    if changes.data_type {
        if !old.special {
            actions.push(format!("ALTER COLUMN {target} DROP DEFAULT"));
        }
        let collation = old
            .collation
            .as_ref()
            .map(|collation| format!(" COLLATE {collation}"))
            .unwrap_or_default();
        actions.push(format!(
            "ALTER COLUMN {target} TYPE {0}{collation} USING {target}::{0}",
            old.data_type
        ));
    }
    if (changes.data_type || changes.default) && !old.special {
        actions.push(match &old.default {
            Some(default) => format!("ALTER COLUMN {target} SET DEFAULT {default}"),
            None => format!("ALTER COLUMN {target} DROP DEFAULT"),
        });
    }
    if changes.not_null {
        let set = if old.not_null { "SET" } else { "DROP" };
        actions.push(format!("ALTER COLUMN {target} {set} NOT NULL"));
    }
    if changes.identity
        && let Some(when) = old.identity
    {
        actions.push(format!("ALTER COLUMN {target} SET GENERATED {when}"));
    }
    let mut statements = if actions.is_empty() {
        Vec::new()
    } else {
        vec![format!("ALTER TABLE {} {}", table.name, actions.join(", "))]
    };
    if changes.data_type {
        statements.extend(rewritten_indexes(inspector, &table, &old.number).await?);
    }
    let recreated = Recreated::from_statements(statements);
    Ok(if changes.data_type {
        recreated.noting(format!(
            "the values of {}.{now_named} as they were: they are cast back from the new type",
            table.name
        ))
    } else {
        recreated
    })
}

/// A dropped index.
pub(super) async fn index(
    inspector: &mut Inspector,
    name: &TableName,
) -> Result<Recreated, NotRecreated> {
    let index = relation(inspector, name, "iI", "index").await?;
    let statements = indexes(inspector, &format!("i.indexrelid = {}", index.oid)).await?;
    Ok(Recreated::from_statements(statements))
}

/// A dropped constraint of a table; for a key, with the foreign keys to it
/// that a `CASCADE` drops. `None` when there is no such table: the
/// constraint may be a domain's (`ALTER DOMAIN … DROP CONSTRAINT`).
pub(super) async fn constraint(
    inspector: &mut Inspector,
    on: &TableName,
    name: &str,
) -> Result<Option<Recreated>, NotRecreated> {
    let table = match relation(inspector, on, TABLES, "table").await {
        Err(NotRecreated::Missing(_)) => return Ok(None),
        found => found?,
    };
    let sql = format!(
        "SELECT c.oid::text, c.conindid::text, c.contype::text FROM pg_constraint AS c
         WHERE c.conrelid = {} AND c.conname = {}",
        table.oid,
        lit(name)
    );
    let rows = inspector.rows(&sql).await?;
    let Some(row) = rows.first() else {
        return Err(NotRecreated::Missing(format!("constraint {name} of {on}")));
    };
    let mut statements = constraints(inspector, &format!("c.oid = {}", cell(row, 0))).await?;
    if matches!(cell(row, 2).as_str(), "p" | "u") {
        let referencing = format!(
            "c.contype = 'f' AND c.confrelid = {} AND c.conindid = {}",
            table.oid,
            cell(row, 1)
        );
        statements.extend(constraints(inspector, &referencing).await?);
    }
    Ok(Some(Recreated::from_statements(statements)))
}

/// A dropped policy.
pub(super) async fn policy(
    inspector: &mut Inspector,
    on: &TableName,
    name: &str,
) -> Result<Recreated, NotRecreated> {
    let table = relation(inspector, on, TABLES, "table").await?;
    let filter = format!("p.polrelid = {} AND p.polname = {}", table.oid, lit(name));
    let statements = policies(inspector, &filter).await?;
    if statements.is_empty() {
        return Err(NotRecreated::Missing(format!("policy {name} on {on}")));
    }
    Ok(Recreated::from_statements(statements))
}

/// A dropped or replaced trigger, which PostgreSQL names with its table.
pub(super) async fn trigger(
    inspector: &mut Inspector,
    name: &TableName,
    on: Option<&TableName>,
) -> Result<Recreated, NotRecreated> {
    let Some(on) = on else {
        return Err(NotRecreated::Unsupported(format!(
            "trigger {name} without its table: PostgreSQL names a trigger with its table"
        )));
    };
    let table = relation(inspector, on, "rpvmf", "table").await?;
    let filter = format!(
        "t.tgrelid = {} AND t.tgname = {}",
        table.oid,
        lit(&name.name)
    );
    let statements = triggers(inspector, &filter).await?;
    if statements.is_empty() {
        return Err(NotRecreated::Missing(format!(
            "trigger {} on {on}",
            name.name
        )));
    }
    Ok(Recreated::from_statements(statements))
}
