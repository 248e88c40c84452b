//! postgres: what a need recreates, built from `pg_catalog`. PostgreSQL has
//! no `SHOW CREATE TABLE`: tables and columns are written out from
//! `pg_attribute`, everything else from the server's own renderings
//! (`pg_get_constraintdef`, `pg_get_indexdef`, `pg_get_triggerdef`,
//! `pg_get_viewdef`, `pg_get_functiondef`), which keep function bodies as
//! written. Names are rendered by `regclass`, `regtype` and `regprocedure`,
//! which quote them and qualify those outside the search path.

mod catalog;
mod literal;
mod objects;
mod tables;

use std::collections::BTreeSet;

use async_trait::async_trait;
use rollback_core::sql::{Need, Unnamed};

use super::spelling::Postgres;
use crate::dialect::inspector::Inspector;
use crate::dialect::quote::{ident, table};
use crate::dialect::reconstruct::{
    Named, NotRecreated, Reconstruct, Recreated, cell, delete_inserted, group_keys, unnamed_table,
};
use literal::{PG, lit};

#[async_trait]
impl Reconstruct for Postgres {
    async fn recreate(
        &self,
        inspector: &mut Inspector,
        need: &Need,
    ) -> Result<Recreated, NotRecreated> {
        match need {
            Need::Table { table } => tables::table(inspector, table).await,
            Need::TableRebuild {
                table,
                rows_from,
                kept_columns,
            } => tables::table_rebuilt(inspector, table, rows_from, kept_columns).await,
            Need::Column { table, column } => {
                tables::dropped_column(inspector, table, column).await
            }
            Need::ColumnDefinition {
                table,
                column,
                now_named,
                changes,
            } => {
                let now_named = now_named.as_deref().unwrap_or(column);
                tables::column_definition(inspector, table, column, now_named, *changes).await
            }
            Need::Index { index, .. } => tables::index(inspector, index).await,
            Need::Constraint { table, name } => {
                match tables::constraint(inspector, table, name).await? {
                    Some(recreated) => Ok(recreated),
                    None => objects::domain_constraint(inspector, table, name).await,
                }
            }
            Need::RowSecurity { table } => tables::row_security(inspector, table).await,
            // PostgreSQL refers to a table by its OID: a rename rewrites no text.
            Need::References { .. } => Ok(Recreated::default()),
            Need::InsertedRows {
                table: name,
                columns,
                rows,
            } => {
                let keys = unique_keys(inspector, name).await?;
                delete_inserted(&Postgres, name, columns, rows, &keys)
            }
            Need::TableComment { .. } => Err(NotRecreated::Unsupported(
                "PostgreSQL's table comments are set by COMMENT ON".to_owned(),
            )),
            Need::Policy { name, table } => tables::policy(inspector, table, name).await,
            Need::Trigger { name, table } => tables::trigger(inspector, name, table.as_ref()).await,
            Need::View { view, .. } => objects::view(inspector, view).await,
            Need::Sequence { sequence } => objects::sequence(inspector, sequence).await,
            Need::Type { name } => objects::type_(inspector, name).await,
            Need::Routine {
                name,
                arguments,
                procedure,
            } => objects::routine(inspector, name, arguments.as_deref(), *procedure).await,
            Need::Schema { name } => objects::schema(inspector, name).await,
            Need::Extension { name } => objects::extension(inspector, name).await,
            Need::Comment {
                object_kind,
                object,
            } => objects::comment(inspector, object_kind, object).await,
            Need::RebuildRename { .. } => Err(NotRecreated::Unsupported(
                "PostgreSQL rebuilds no table by renaming a copy in its place".to_owned(),
            )),
        }
    }

    /// The names of the table's constraints or indexes (unqualified: an index
    /// lives in its table's schema).
    async fn names(
        &self,
        inspector: &mut Inspector,
        unnamed: &Unnamed,
    ) -> Result<BTreeSet<Named>, sqlx::Error> {
        let relation = format!("to_regclass({})", lit(&table(PG, unnamed_table(unnamed))));
        let sql = match unnamed {
            Unnamed::Constraint { .. } => format!(
                "SELECT oid::text, conname::text FROM pg_constraint
                 WHERE conrelid = {relation} AND contype IN ('p', 'u', 'f', 'c', 'x')"
            ),
            Unnamed::Index { .. } => format!(
                "SELECT c.oid::text, c.relname::text FROM pg_index AS i JOIN pg_class AS c ON c.oid = i.indexrelid
                 WHERE i.indrelid = {relation}"
            ),
        };
        Ok(inspector
            .rows(&sql)
            .await?
            .iter()
            .map(|row| Named {
                identity: cell(row, 0),
                name: cell(row, 1),
            })
            .collect())
    }

    async fn drop_unnamed(
        &self,
        _inspector: &mut Inspector,
        unnamed: &Unnamed,
        name: &str,
    ) -> Result<String, NotRecreated> {
        Ok(drop_statement(unnamed, name))
    }
}

/// The table's unique keys, each its columns, its primary key first: its
/// unique indexes that are not partial, without expressions or `INCLUDE`d
/// columns.
async fn unique_keys(
    inspector: &mut Inspector,
    name: &rollback_core::sql::TableName,
) -> Result<Vec<Vec<String>>, sqlx::Error> {
    let sql = format!(
        "SELECT i.indexrelid::text, a.attname::text
         FROM pg_index AS i, unnest(i.indkey) WITH ORDINALITY AS k (attnum, n), pg_attribute AS a
         WHERE i.indrelid = to_regclass({}) AND i.indisunique AND i.indpred IS NULL
           AND i.indexprs IS NULL AND k.n <= i.indnkeyatts
           AND a.attrelid = i.indrelid AND a.attnum = k.attnum
         ORDER BY i.indisprimary DESC, i.indexrelid, k.n",
        lit(&table(PG, name))
    );
    Ok(group_keys(&inspector.rows(&sql).await?))
}

/// `ALTER TABLE t DROP CONSTRAINT name`, or `DROP INDEX name` in the
/// table's schema.
fn drop_statement(unnamed: &Unnamed, name: &str) -> String {
    match unnamed {
        Unnamed::Constraint { table: on } => format!(
            "ALTER TABLE {} DROP CONSTRAINT {}",
            table(PG, on),
            ident(PG, name)
        ),
        Unnamed::Index { table: on } => match &on.schema {
            Some(schema) => format!("DROP INDEX {}.{}", ident(PG, schema), ident(PG, name)),
            None => format!("DROP INDEX {}", ident(PG, name)),
        },
    }
}
