//! Rollback plans: what a rollback will run, what each statement destroys
//! according to the live database, what will be backed up first, and about
//! how long it will take. The plan is what a person confirms, what `plan`
//! prints for a reviewer, and what decides the backups of the run itself.

use std::time::Duration;

use rollback_core::sql::{AnalyzedStatement, Effect, StatementClass, TableName, analyze_script};
use serde::Serialize;

use crate::backup::{BackupKind, BackupTarget};
use crate::dialect::quote;
use crate::dialect::{ColumnInfo, Driver, Presence, spelling};
use crate::error::{Error, Result};
use crate::records::AppliedMigration;
use crate::state::DownScript;

/// Everything a rollback will do, read from the database without changing it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct RollbackPlan {
    /// The database, password masked.
    pub database: String,
    /// Its dialect.
    pub dialect: String,
    /// The migrations to revert, in the order they will be reverted.
    pub migrations: Vec<PlannedRevert>,
    /// The irreversible migration where the range stops, if it does.
    pub stops_at: Option<PlanStop>,
    /// Whether the data the downs destroy will be backed up first.
    pub backup: bool,
    /// Who can read the copies, when there are backups.
    pub backup_readers: Option<String>,
    /// How long the copies are kept (the backup retention), in seconds in
    /// JSON; until someone prunes them when `None`.
    #[serde(serialize_with = "seconds")]
    pub backup_retention: Option<Duration>,
    /// The estimated duration of the whole rollback.
    pub estimated_ms: i64,
}

/// A retention as whole seconds.
fn seconds<S: serde::Serializer>(
    retention: &Option<Duration>,
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    serializer.serialize_some(&retention.map(|retention| retention.as_secs()))
}

impl RollbackPlan {
    /// Whether a person must confirm: some statement destroys or changes
    /// data, or could not be classified (and so is treated as destructive).
    pub fn needs_confirmation(&self) -> bool {
        self.migrations
            .iter()
            .any(PlannedRevert::needs_confirmation)
    }
}

/// An irreversible migration that stops a range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct PlanStop {
    /// The version.
    pub version: String,
    /// The name.
    pub name: String,
    /// The reason its down gives.
    pub reason: String,
}

/// One migration of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct PlannedRevert {
    /// The version.
    pub version: String,
    /// The name.
    pub name: String,
    /// Where the down comes from: its file, or the copy stored at apply time.
    pub source: String,
    /// Whether the down runs outside a transaction.
    pub no_transaction: bool,
    /// The down's statements, in the order they run.
    pub statements: Vec<PlannedStatement>,
    /// How long its up took when it was applied.
    pub up_ms: i64,
    /// The estimated duration of the revert, backup included.
    pub estimated_ms: i64,
    /// What will be copied before the down runs (none with `--no-backup`).
    pub backups: Vec<BackupTarget>,
    /// What the down destroys that no backup can hold (definitions, sequence
    /// positions), for the reviewer.
    pub not_backed_up: Vec<String>,
}

impl PlannedRevert {
    /// Whether this migration's down needs a person's confirmation.
    pub fn needs_confirmation(&self) -> bool {
        self.statements
            .iter()
            .any(|statement| statement.class != StatementClass::Schema)
    }

    /// Rows the backups will copy.
    pub fn rows_to_back_up(&self) -> i64 {
        let mut rows = 0;
        for target in &self.backups {
            rows += self
                .statements
                .iter()
                .flat_map(|statement| &statement.impact)
                .find_map(|impact| impact.rows_of(target))
                .unwrap_or(0);
        }
        rows
    }
}

/// One statement of a planned down.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct PlannedStatement {
    /// The statement.
    pub sql: String,
    /// Its line in the down script.
    pub line: usize,
    /// What it does to the data.
    pub class: StatementClass,
    /// Why the parser could not classify it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unclassified_reason: Option<String>,
    /// What it destroys, in live figures.
    pub impact: Vec<Impact>,
}

/// What a destructive statement destroys, as the database holds it now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Impact {
    /// A table dropped with everything in it.
    Table {
        /// The table.
        table: String,
        /// Rows it holds.
        rows: i64,
        /// Tables whose foreign keys point at it.
        referenced_by: Vec<String>,
        /// Its indexes, dropped with it.
        indexes: Vec<String>,
        /// Views that read it.
        views: Vec<String>,
    },
    /// A column dropped or retyped.
    Column {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// Rows of the table.
        rows: i64,
        /// Values that are not NULL.
        non_null: i64,
    },
    /// Rows removed or changed (TRUNCATE, DELETE, UPDATE): the table's rows now.
    Rows {
        /// The table.
        table: String,
        /// Rows it holds.
        rows: i64,
    },
    /// A view dropped: its definition goes, no data.
    View {
        /// The view.
        view: String,
    },
    /// A schema dropped, with the tables it holds.
    Schema {
        /// The schema.
        schema: String,
        /// Its tables.
        tables: Vec<String>,
    },
    /// A table or column the statement names that does not exist now (an
    /// earlier statement creates it, or the statement says IF EXISTS).
    Absent {
        /// The object.
        object: String,
    },
}

impl Impact {
    /// The rows a backup of `target` copies, if this impact is about it.
    fn rows_of(&self, target: &BackupTarget) -> Option<i64> {
        let name = target.table.to_string();
        match (self, &target.column) {
            (Impact::Table { table, rows, .. } | Impact::Rows { table, rows }, None)
                if *table == name =>
            {
                Some(*rows)
            }
            (
                Impact::Column {
                    table,
                    column,
                    rows,
                    ..
                },
                Some(target_column),
            ) if *table == name && column == target_column => Some(*rows),
            _ => None,
        }
    }
}

/// Plans the revert of one migration with `down`, reading live figures from
/// the database.
pub(crate) async fn plan_down(
    driver: &mut dyn Driver,
    row: &AppliedMigration,
    down: &DownScript,
    source: String,
    backup: bool,
) -> Result<PlannedRevert> {
    let dialect = driver.dialect();
    let analyzed = analyze_script(&down.sql, dialect);
    let mut statements = Vec::new();
    for statement in &analyzed {
        let mut impact = Vec::new();
        for effect in &statement.effects {
            impact.extend(describe(driver, effect).await?);
        }
        statements.push(PlannedStatement {
            sql: statement.sql.clone(),
            line: statement.line + down.first_line as usize - 1,
            class: statement.class,
            unclassified_reason: statement.unclassified_reason.clone(),
            impact,
        });
    }
    let backups = if backup {
        backup_targets(driver, &analyzed).await?
    } else {
        Vec::new()
    };
    let not_backed_up = analyzed
        .iter()
        .flat_map(|statement| &statement.effects)
        .filter_map(not_backed_up)
        .collect();
    let mut plan = PlannedRevert {
        version: row.version.clone(),
        name: row.name.clone(),
        source,
        no_transaction: down.no_transaction,
        statements,
        up_ms: row.execution_ms,
        estimated_ms: 0,
        backups,
        not_backed_up,
    };
    plan.estimated_ms = row.execution_ms.max(1)
        + plan.rows_to_back_up() * 1000 / spelling(dialect).rows_per_second();
    Ok(plan)
}

/// What no backup holds: definitions the up script has anyway.
fn not_backed_up(effect: &Effect) -> Option<String> {
    match effect {
        Effect::DropView { view, materialized } => Some(if *materialized {
            format!("materialized view {view} (the up recreates it and its data)")
        } else {
            format!("view {view} (its definition is in the up script)")
        }),
        _ => None,
    }
}

/// The live figures behind one effect.
async fn describe(driver: &mut dyn Driver, effect: &Effect) -> Result<Vec<Impact>> {
    let reading = "reading the catalog for the plan";
    Ok(match effect {
        Effect::DropTable { table } => {
            if !exists(driver, table).await? {
                return Ok(vec![absent(table, None)]);
            }
            let catalog = driver.catalog();
            let referenced_by = catalog
                .referencing_tables(table)
                .await
                .map_err(Error::database(reading))?;
            let indexes = catalog
                .indexes(table)
                .await
                .map_err(Error::database(reading))?;
            let views = catalog
                .views(table)
                .await
                .map_err(Error::database(reading))?;
            vec![Impact::Table {
                table: table.to_string(),
                rows: count_rows(driver, table).await?,
                referenced_by,
                indexes,
                views,
            }]
        }
        Effect::DropColumn { table, column } | Effect::ChangeColumnType { table, column } => {
            vec![column_impact(driver, table, column).await?]
        }
        Effect::RebuildTable {
            table,
            kept_columns,
        } => {
            let mut impacts = Vec::new();
            for column in lost_columns(driver, table, kept_columns).await? {
                impacts.push(column_impact(driver, table, &column).await?);
            }
            impacts
        }
        Effect::Truncate { table }
        | Effect::DeleteRows { table }
        | Effect::UpdateRows { table } => {
            if !exists(driver, table).await? {
                return Ok(vec![absent(table, None)]);
            }
            vec![Impact::Rows {
                table: table.to_string(),
                rows: count_rows(driver, table).await?,
            }]
        }
        Effect::DropView { view, .. } => vec![Impact::View {
            view: view.to_string(),
        }],
        Effect::DropSchema { schema, .. } => vec![Impact::Schema {
            schema: schema.clone(),
            tables: driver
                .catalog()
                .schema_tables(schema)
                .await
                .map_err(Error::database(reading))?,
        }],
    })
}

async fn column_impact(driver: &mut dyn Driver, table: &TableName, column: &str) -> Result<Impact> {
    if !has_column(driver, table, column).await? {
        return Ok(absent(table, Some(column)));
    }
    let dialect = driver.dialect();
    let non_null = driver
        .catalog()
        .count(&format!(
            "SELECT COUNT({}) FROM {}",
            quote::ident(dialect, column),
            quote::table(dialect, table)
        ))
        .await
        .map_err(Error::database("reading the catalog for the plan"))?;
    Ok(Impact::Column {
        table: table.to_string(),
        column: column.to_owned(),
        rows: count_rows(driver, table).await?,
        non_null,
    })
}

fn absent(table: &TableName, column: Option<&str>) -> Impact {
    Impact::Absent {
        object: match column {
            Some(column) => format!("column {table}.{column}"),
            None => format!("table {table}"),
        },
    }
}

async fn live_columns(driver: &mut dyn Driver, table: &TableName) -> Result<Vec<ColumnInfo>> {
    driver
        .catalog()
        .columns(table)
        .await
        .map_err(Error::database("reading the catalog"))
}

async fn exists(driver: &mut dyn Driver, table: &TableName) -> Result<bool> {
    let presence = driver
        .catalog()
        .presence(table)
        .await
        .map_err(Error::database("reading the catalog"))?;
    Ok(presence != Presence::Missing)
}

async fn has_column(driver: &mut dyn Driver, table: &TableName, column: &str) -> Result<bool> {
    let fold_case = spelling(driver.dialect()).catalog_names_fold_case();
    Ok(live_columns(driver, table)
        .await?
        .iter()
        .any(|live| same_name(fold_case, &live.name, column)))
}

async fn count_rows(driver: &mut dyn Driver, table: &TableName) -> Result<i64> {
    let dialect = driver.dialect();
    driver
        .catalog()
        .count(&format!(
            "SELECT COUNT(*) FROM {}",
            quote::table(dialect, table)
        ))
        .await
        .map_err(Error::database("counting rows for the plan"))
}

/// Names compared as the catalog compares them: without regard to case
/// (SQLite), else as stored.
fn same_name(fold_case: bool, a: &str, b: &str) -> bool {
    if fold_case {
        a.eq_ignore_ascii_case(b)
    } else {
        a == b
    }
}

/// The live columns of a rebuilt table that its new definition does not keep.
async fn lost_columns(
    driver: &mut dyn Driver,
    table: &TableName,
    kept: &[String],
) -> Result<Vec<String>> {
    let fold_case = spelling(driver.dialect()).catalog_names_fold_case();
    Ok(live_columns(driver, table)
        .await?
        .into_iter()
        .map(|column| column.name)
        .filter(|name| !kept.iter().any(|keep| same_name(fold_case, keep, name)))
        .collect())
}

/// What to copy before a down with these statements runs: whole tables for
/// drops, truncates, deletes and updates; columns for column drops, type
/// changes and rebuilds that leave columns out. A table copied whole makes
/// copies of its columns needless.
pub(crate) async fn backup_targets(
    driver: &mut dyn Driver,
    analyzed: &[AnalyzedStatement],
) -> Result<Vec<BackupTarget>> {
    let mut targets = Vec::new();
    for effect in analyzed.iter().flat_map(|statement| &statement.effects) {
        match effect {
            Effect::DropTable { table }
            | Effect::Truncate { table }
            | Effect::DeleteRows { table }
            | Effect::UpdateRows { table } => targets.push(whole(table)),
            Effect::DropColumn { table, column } | Effect::ChangeColumnType { table, column } => {
                targets.push(column_target(table, column));
            }
            Effect::RebuildTable {
                table,
                kept_columns,
            } => {
                for column in lost_columns(driver, table, kept_columns).await? {
                    targets.push(column_target(table, &column));
                }
            }
            Effect::DropSchema { schema, .. } => {
                for name in driver
                    .catalog()
                    .schema_tables(schema)
                    .await
                    .map_err(Error::database("reading the catalog"))?
                {
                    targets.push(whole(&TableName {
                        schema: Some(schema.clone()),
                        name,
                    }));
                }
            }
            Effect::DropView { .. } => {}
        }
    }
    Ok(dedupe(targets))
}

fn whole(table: &TableName) -> BackupTarget {
    BackupTarget {
        kind: BackupKind::Table,
        table: table.clone(),
        column: None,
    }
}

fn column_target(table: &TableName, column: &str) -> BackupTarget {
    BackupTarget {
        kind: BackupKind::Column,
        table: table.clone(),
        column: Some(column.to_owned()),
    }
}

/// Each target once, in first-seen order; columns of a table that is copied
/// whole are left out.
fn dedupe(targets: Vec<BackupTarget>) -> Vec<BackupTarget> {
    let whole_tables: Vec<TableName> = targets
        .iter()
        .filter(|target| target.kind == BackupKind::Table)
        .map(|target| target.table.clone())
        .collect();
    let mut kept: Vec<BackupTarget> = Vec::new();
    for target in targets {
        let covered = target.kind == BackupKind::Column && whole_tables.contains(&target.table);
        if !covered && !kept.contains(&target) {
            kept.push(target);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(name: &str) -> TableName {
        TableName {
            schema: None,
            name: name.to_owned(),
        }
    }

    #[test]
    fn a_table_copied_whole_covers_its_columns_and_repeats_go() {
        let targets = vec![
            column_target(&table("orders"), "note"),
            whole(&table("orders")),
            column_target(&table("customers"), "email"),
            column_target(&table("customers"), "email"),
            whole(&table("orders")),
        ];
        assert_eq!(
            dedupe(targets),
            vec![
                whole(&table("orders")),
                column_target(&table("customers"), "email")
            ]
        );
    }

    #[test]
    fn impacts_give_the_rows_a_backup_copies() {
        let impact = Impact::Column {
            table: "orders".to_owned(),
            column: "note".to_owned(),
            rows: 10,
            non_null: 4,
        };
        assert_eq!(
            impact.rows_of(&column_target(&table("orders"), "note")),
            Some(10)
        );
        assert_eq!(impact.rows_of(&whole(&table("orders"))), None);
    }
}
