//! mysql: what a need recreates, from `SHOW CREATE …`, which gives each
//! table, view, trigger, routine and (MariaDB) sequence as the server would
//! create it again. `DEFINER=` clauses are left out, so that the down runs
//! as whichever user runs it, and a table's `AUTO_INCREMENT=` counter, which
//! is data.
//!
//! The text of `SHOW CREATE` is taken apart in `parse`; the catalog reads
//! the needs share are in `catalog`; tables and what belongs to them in
//! `tables`; views, triggers, routines and sequences in `objects`.

mod catalog;
mod literal;
mod objects;
mod parse;
mod tables;

use std::collections::BTreeSet;

use async_trait::async_trait;
use rollback_core::sql::{Need, TableName, Unnamed};

use super::spelling::MySql;
use crate::dialect::inspector::Inspector;
use crate::dialect::quote::{ident, table};
use crate::dialect::reconstruct::{
    Named, NotRecreated, Reconstruct, Recreated, delete_inserted, first_cells, group_keys,
    unnamed_table,
};
use literal::{MY, database, lit};
use objects::{routine, sequence_, trigger, view_};
use tables::{
    column_definition, dropped_column, dropped_constraint, dropped_index, dropped_table,
    table_comment, table_rebuilt,
};

#[async_trait]
impl Reconstruct for MySql {
    async fn recreate(
        &self,
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
    async fn names(
        &self,
        inspector: &mut Inspector,
        unnamed: &Unnamed,
    ) -> Result<BTreeSet<Named>, sqlx::Error> {
        let on = unnamed_table(unnamed);
        let place = format!(
            "table_schema = {} AND table_name = {}",
            database(on),
            lit(&on.name)
        );
        let indexes = format!(
            "SELECT CAST(index_name AS CHAR) FROM information_schema.statistics WHERE {place}"
        );
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
    async fn drop_unnamed(
        &self,
        inspector: &mut Inspector,
        unnamed: &Unnamed,
        name: &str,
    ) -> Result<String, NotRecreated> {
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
