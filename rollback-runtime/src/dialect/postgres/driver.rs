//! PostgreSQL: transactional DDL, so every migration is one transaction with
//! its tracking row, and a failure leaves nothing behind.
//!
//! The run lock is a session-level `pg_advisory_lock` on the dedicated
//! connection, waited for at most the lock timeout through PostgreSQL's own
//! `lock_timeout`. That setting stays on for the run: a migration statement
//! that queues behind an application's table lock gives up after the same
//! time instead of stalling every query that queues behind it in turn.
//! No-transaction scripts (`CREATE INDEX CONCURRENTLY`) run with the
//! connection in autocommit, their tracking row marked dirty around them.

use std::borrow::Cow;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rollback_core::sql::{Dialect, TableName};
use sqlx::postgres::PgConnectOptions;
use sqlx::{AssertSqlSafe, Postgres};

use crate::dialect::backup_tables::BackupTables;
use crate::dialect::catalog::Catalog;
use crate::dialect::connection::{MigrationConnection, connect_options};
use crate::dialect::driver::lock_error;
use crate::dialect::driver::{Driver, Limit};
use crate::dialect::literals::LiteralStyle;
use crate::dialect::options::ConnectOptions;
use crate::dialect::quote;
use crate::dialect::statements::CatalogSql;
use crate::dialect::statements::{BackendSql, SELECT_APPLIED, TrackingSql};
use crate::dialect::statements::{BackupSql, NEXT_ID, SELECT_BACKUPS, SELECT_ITEMS};
use crate::dialect::tracking::TrackingTables;
use crate::error::{Error, Result};
use crate::records::{StepRecord, TrackingChange};
use crate::url::DatabaseUrl;

/// The advisory lock's key: the same in every process of every version of
/// the tool, so that they exclude each other. Advisory locks are scoped to one
/// database, so one key serves them all.
const LOCK_KEY: i64 = 0x726f_6c6c_6261_636b; // "rollback"

/// `lock_not_available`: a lock wait ran past `lock_timeout`.
const LOCK_NOT_AVAILABLE: &str = "55P03";

/// `query_canceled`: a statement ran past `statement_timeout`.
const QUERY_CANCELED: &str = "57014";

/// The schema a query's first parameter names, else the connection's own.
macro_rules! schema {
    () => {
        "COALESCE($1, current_schema())"
    };
}

static SQL: BackendSql = BackendSql {
    tracking: TRACKING,
    catalog: CatalogSql {
        columns: concat!(
            "SELECT a.attname::text AS name, (a.attgenerated <> '')::int::int8 AS generated,
                    (a.attidentity = 'a')::int::int8 AS identity_always,
                    pg_catalog.format_type(a.atttypid, a.atttypmod) AS type_name,
                    (COALESCE(e.typnamespace, t.typnamespace) <> 'pg_catalog'::regnamespace)::int::int8 AS user_type
             FROM pg_catalog.pg_attribute a
             JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
             LEFT JOIN pg_catalog.pg_type e ON e.oid = t.typelem AND t.typcategory = 'A'
             WHERE n.nspname = ",
            schema!(),
            " AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped
             ORDER BY a.attnum"
        ),
        keys: concat!(
            "SELECT ci.relname::text AS key_name, a.attname::text AS column_name
             FROM pg_catalog.pg_index i
             JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
             JOIN pg_catalog.pg_class ci ON ci.oid = i.indexrelid
             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) ON true
             JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
             WHERE n.nspname = ",
            schema!(),
            " AND c.relname = $2
               AND (i.indisprimary OR (i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL
                    AND NOT EXISTS (SELECT 1 FROM unnest(i.indkey) AS u(attnum)
                                    JOIN pg_catalog.pg_attribute x ON x.attrelid = c.oid AND x.attnum = u.attnum
                                    WHERE NOT x.attnotnull)))
             ORDER BY i.indisprimary DESC, ci.relname, k.ord"
        ),
        referencing: concat!(
            "SELECT DISTINCT src.relname::text
             FROM pg_catalog.pg_constraint k
             JOIN pg_catalog.pg_class t ON t.oid = k.confrelid
             JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
             JOIN pg_catalog.pg_class src ON src.oid = k.conrelid
             WHERE k.contype = 'f' AND k.conrelid <> k.confrelid AND n.nspname = ",
            schema!(),
            " AND t.relname = $2 ORDER BY 1"
        ),
        indexes: concat!(
            "SELECT indexname::text FROM pg_catalog.pg_indexes WHERE schemaname = ",
            schema!(),
            " AND tablename = $2 ORDER BY 1"
        ),
        views: concat!(
            "SELECT DISTINCT v.relname::text
             FROM pg_catalog.pg_depend d
             JOIN pg_catalog.pg_rewrite r ON r.oid = d.objid
             JOIN pg_catalog.pg_class v ON v.oid = r.ev_class
             JOIN pg_catalog.pg_class t ON t.oid = d.refobjid
             JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
             WHERE v.oid <> t.oid AND n.nspname = ",
            schema!(),
            " AND t.relname = $2 ORDER BY 1"
        ),
        size: concat!(
            "SELECT pg_catalog.pg_total_relation_size(c.oid)::int8
             FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = ",
            schema!(),
            " AND c.relname = $2"
        ),
        presence: concat!(
            "SELECT (c.relkind <> 'r' OR pg_catalog.pg_relation_size(c.oid) > 0)::int::int8
             FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = ",
            schema!(),
            " AND c.relname = $2"
        ),
        schema_tables: "SELECT c.relname::text
             FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND $2::text IS NOT NULL ORDER BY 1",
    },
    backups: BackupSql {
        create: "CREATE SCHEMA IF NOT EXISTS _rollback_backup;
            CREATE TABLE IF NOT EXISTS _rollback_backups (
                id BIGINT PRIMARY KEY,
                version TEXT NOT NULL,
                name TEXT NOT NULL,
                created_at TIMESTAMPTZ NOT NULL,
                row_count BIGINT NOT NULL,
                byte_count BIGINT NOT NULL,
                restored_at TIMESTAMPTZ
            );
            CREATE TABLE IF NOT EXISTS _rollback_backup_items (
                backup_id BIGINT NOT NULL,
                position BIGINT NOT NULL,
                kind TEXT NOT NULL,
                source_schema TEXT,
                source_table TEXT NOT NULL,
                source_column TEXT,
                key_columns TEXT NOT NULL,
                backup_schema TEXT,
                backup_table TEXT NOT NULL,
                row_count BIGINT NOT NULL,
                PRIMARY KEY (backup_id, position)
            );",
        exists: "SELECT count(*) FROM pg_catalog.pg_class
             WHERE relname IN ('_rollback_backups', '_rollback_backup_items') AND relkind = 'r'
               AND pg_catalog.pg_table_is_visible(oid)",
        next_id: NEXT_ID,
        insert_backup: "INSERT INTO _rollback_backups
                (id, version, name, created_at, row_count, byte_count) VALUES ($1, $2, $3, $4, $5, $6)",
        insert_item: "INSERT INTO _rollback_backup_items
                (backup_id, position, kind, source_schema, source_table, source_column,
                 key_columns, backup_schema, backup_table, row_count)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        select_backups: SELECT_BACKUPS,
        select_items: SELECT_ITEMS,
        mark_restored: "UPDATE _rollback_backups SET restored_at = $1 WHERE id = $2",
        delete_items: "DELETE FROM _rollback_backup_items WHERE backup_id = $1",
        delete_backup: "DELETE FROM _rollback_backups WHERE id = $1",
    },
};

/// The tracking statements, as macros so that the combined ones
/// (`…_logged`) are built from the same text.
/// `upsert_applied` up to its values, for the prepared form and the literal one.
macro_rules! insert_applied {
    () => {
        "INSERT INTO _rollback_migrations
            (version, name, checksum_algorithm, up_checksum, down_checksum, down_sql,
             applied_at, execution_ms, dirty, tool_version)
         VALUES "
    };
}

/// `upsert_applied` after its values.
macro_rules! on_conflict_update {
    () => {
        " ON CONFLICT (version) DO UPDATE SET
            name = EXCLUDED.name,
            checksum_algorithm = EXCLUDED.checksum_algorithm,
            up_checksum = EXCLUDED.up_checksum,
            down_checksum = EXCLUDED.down_checksum,
            down_sql = EXCLUDED.down_sql,
            applied_at = EXCLUDED.applied_at,
            execution_ms = EXCLUDED.execution_ms,
            dirty = EXCLUDED.dirty,
            tool_version = EXCLUDED.tool_version"
    };
}

/// `insert_log` up to its VALUES list, whose placeholders depend on what
/// comes before it.
macro_rules! insert_log {
    () => {
        "INSERT INTO _rollback_log
            (operation, version, name, started_at, finished_at, outcome, error, rows_backed_up, actor)
         VALUES "
    };
}

const TRACKING: TrackingSql = TrackingSql {
    create: "CREATE TABLE IF NOT EXISTS _rollback_migrations (
            version TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            checksum_algorithm TEXT NOT NULL,
            up_checksum TEXT NOT NULL,
            down_checksum TEXT NOT NULL,
            down_sql TEXT NOT NULL,
            applied_at TIMESTAMPTZ NOT NULL,
            execution_ms BIGINT NOT NULL,
            dirty BOOLEAN NOT NULL DEFAULT FALSE,
            tool_version TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS _rollback_log (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            operation TEXT NOT NULL,
            version TEXT NOT NULL,
            name TEXT NOT NULL,
            started_at TIMESTAMPTZ NOT NULL,
            finished_at TIMESTAMPTZ NOT NULL,
            outcome TEXT NOT NULL,
            error TEXT,
            rows_backed_up BIGINT NOT NULL DEFAULT 0,
            actor TEXT NOT NULL
        );",
    exists: "SELECT count(*) FROM pg_catalog.pg_class
         WHERE relname = '_rollback_migrations' AND relkind = 'r'
           AND pg_catalog.pg_table_is_visible(oid)",
    select_applied: SELECT_APPLIED,
    select_applied_list: "SELECT COUNT(*), string_agg(version || ' ' || up_checksum || ' ' || CASE WHEN dirty THEN '1' ELSE '0' END || ' ' || name, '\n') FROM _rollback_migrations",
    // undefined_table
    missing_table: |error| error.code().as_deref() == Some("42P01"),
    upsert_applied: concat!(
        insert_applied!(),
        "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        on_conflict_update!()
    ),
    delete_applied: "DELETE FROM _rollback_migrations WHERE version = $1",
    insert_log: concat!(insert_log!(), "($1, $2, $3, $4, $5, $6, $7, $8, $9)"),
    select_log: "SELECT * FROM (SELECT * FROM _rollback_log ORDER BY id DESC LIMIT $1) AS newest ORDER BY id",
};

pub(crate) struct PostgresDriver {
    conn: MigrationConnection<Postgres>,
    lock_timeout: Duration,
    statement_timeout: Option<Duration>,
    locked: bool,
    /// Whether the run is one transaction that `unlock` rolls back, each
    /// migration a savepoint inside it.
    rehearsing: bool,
    /// The opening of a step (`BEGIN`, or a rehearsal's savepoint) that
    /// `begin_script_step` held back, to go out with the next statement.
    unsent_opening: Option<&'static str>,
}

impl PostgresDriver {
    pub(crate) async fn connect(
        url: &DatabaseUrl,
        options: &ConnectOptions,
    ) -> Result<PostgresDriver> {
        PostgresDriver::open(connect_options(url)?, url, options).await
    }

    /// Opens a dedicated connection with an application's pool options.
    pub(crate) async fn open(
        connect_options: PgConnectOptions,
        url: &DatabaseUrl,
        options: &ConnectOptions,
    ) -> Result<PostgresDriver> {
        // At least one millisecond: PostgreSQL reads 0 as "wait for ever".
        let millis = options.lock_timeout.as_millis().max(1);
        let mut settings = format!("SET lock_timeout = {millis}");
        if let Some(timeout) = options.statement_timeout {
            let millis = timeout.as_millis().max(1);
            settings.push_str(&format!("; SET statement_timeout = {millis}"));
        }
        let conn =
            MigrationConnection::open(&connect_options, &settings, url, options, &SQL).await?;
        Ok(PostgresDriver {
            conn,
            lock_timeout: options.lock_timeout,
            statement_timeout: options.statement_timeout,
            locked: false,
            rehearsing: false,
            unsent_opening: None,
        })
    }
}

impl PostgresDriver {
    /// What opens a step: a transaction, a savepoint inside the rehearsal's,
    /// or nothing for a no-transaction script (autocommit).
    fn step_opening(&self, no_transaction: bool) -> Option<&'static str> {
        match (self.rehearsing, no_transaction) {
            (true, _) => Some("SAVEPOINT _rollback_step"),
            (false, true) => None,
            (false, false) => Some("BEGIN"),
        }
    }

    /// `sql`, after the step's opening when that has not gone out yet. The
    /// two travel as one simple query, which runs them in order and stops
    /// at the first failure, as two round trips would.
    fn with_unsent_opening<'a>(&mut self, sql: &'a str) -> Cow<'a, str> {
        match self.unsent_opening.take() {
            Some(opening) => Cow::Owned(format!("{opening}; {sql}")),
            None => Cow::Borrowed(sql),
        }
    }

    /// The tracking, catalog and backup queries run inside the step: its
    /// opening must have gone out before them.
    fn debug_assert_opened(&self) {
        debug_assert!(
            self.unsent_opening.is_none(),
            "a query of the step would run before the step's {:?}",
            self.unsent_opening
        );
    }
}

#[async_trait]
impl Driver for PostgresDriver {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn transactional_ddl(&self) -> bool {
        true
    }

    async fn lock(&mut self) -> Result<()> {
        // Unprepared, as the unlock: each runs once a run, and a prepared
        // statement's first use costs a round trip more.
        sqlx::raw_sql(AssertSqlSafe(format!(
            "SELECT pg_advisory_lock({LOCK_KEY})"
        )))
        .execute(&mut self.conn.conn)
        .await
        .map_err(|error| lock_error(error, LOCK_NOT_AVAILABLE, self.lock_timeout))?;
        self.locked = true;
        Ok(())
    }

    async fn unlock(&mut self) -> Result<()> {
        if self.rehearsing {
            self.rehearsing = false;
            self.conn
                .execute("ROLLBACK")
                .await
                .map_err(Error::database("rolling the rehearsal back"))?;
        }
        if !self.locked {
            return Ok(());
        }
        self.locked = false;
        sqlx::raw_sql(AssertSqlSafe(format!(
            "SELECT pg_advisory_unlock({LOCK_KEY})"
        )))
        .execute(&mut self.conn.conn)
        .await
        .map(drop)
        .map_err(Error::database("releasing the migration lock"))
    }

    async fn begin_rehearsal(&mut self) -> Result<bool, sqlx::Error> {
        self.conn.execute("BEGIN").await?;
        self.rehearsing = true;
        Ok(true)
    }

    async fn begin_step(&mut self, no_transaction: bool) -> Result<(), sqlx::Error> {
        match self.step_opening(no_transaction) {
            Some(opening) => self.conn.execute(opening).await,
            None => Ok(()),
        }
    }

    async fn begin_script_step(&mut self, no_transaction: bool) -> Result<(), sqlx::Error> {
        self.unsent_opening = self.step_opening(no_transaction);
        Ok(())
    }

    /// The tracking change and the audit row as one statement (a
    /// data-modifying `WITH`), and the `COMMIT`, in one round trip: the
    /// values written in as literals, since a prepared statement cannot share
    /// a round trip. A failure of either ends the transaction, which the
    /// engine then rolls back.
    async fn finish_step(
        &mut self,
        no_transaction: bool,
        record: &StepRecord<'_>,
    ) -> Result<(), sqlx::Error> {
        let log = format!(
            concat!(insert_log!(), "{}"),
            LITERALS.log_values(record.entry)
        );
        let write = match record.change {
            TrackingChange::Unchanged => log,
            TrackingChange::Save(row) => format!(
                concat!(
                    "WITH applied AS (",
                    insert_applied!(),
                    "{}",
                    on_conflict_update!(),
                    ") {}"
                ),
                LITERALS.applied_values(row),
                log
            ),
            TrackingChange::Delete(version) => format!(
                "WITH applied AS ({}) {log}",
                LITERALS.delete_applied(version)
            ),
        };
        let end = match (self.rehearsing, no_transaction) {
            (true, _) => "; RELEASE _rollback_step",
            (false, true) => "",
            (false, false) => "; COMMIT",
        };
        let step_end = format!("{write}{end}");
        let sql = self.with_unsent_opening(&step_end);
        self.conn.execute(&sql).await
    }

    async fn rollback_step(&mut self, no_transaction: bool) -> Result<(), sqlx::Error> {
        if self.unsent_opening.take().is_some() {
            return Ok(());
        }
        match (self.rehearsing, no_transaction) {
            (true, _) => {
                self.conn.execute("ROLLBACK TO _rollback_step").await?;
                self.conn.execute("RELEASE _rollback_step").await
            }
            (false, true) => Ok(()),
            (false, false) => self.conn.execute("ROLLBACK").await,
        }
    }

    async fn execute(&mut self, statement: &str) -> Result<(), sqlx::Error> {
        let sql = self.with_unsent_opening(statement);
        self.conn.execute(&sql).await
    }

    async fn execute_counting(&mut self, statement: &str) -> Result<u64, sqlx::Error> {
        let sql = self.with_unsent_opening(statement);
        let result = sqlx::raw_sql(AssertSqlSafe(sql.into_owned()))
            .execute(&mut self.conn.conn)
            .await?;
        Ok(result.rows_affected())
    }

    fn cancelled_by(&self, error: &sqlx::Error) -> Option<Limit> {
        match error.as_database_error()?.code()?.as_ref() {
            QUERY_CANCELED => self.statement_timeout.map(Limit::Statement),
            LOCK_NOT_AVAILABLE => Some(Limit::Lock(self.lock_timeout)),
            _ => None,
        }
    }

    async fn after_rows_restored(&mut self, table: &TableName) -> Result<(), sqlx::Error> {
        let qualified = quote::literal(Dialect::Postgres, &quote::table(Dialect::Postgres, table));
        let sequences: Vec<(String, String)> = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT a.attname::text, pg_catalog.pg_get_serial_sequence({qualified}, a.attname)::text
             FROM pg_catalog.pg_attribute a
             WHERE a.attrelid = {qualified}::regclass AND a.attnum > 0 AND NOT a.attisdropped
               AND pg_catalog.pg_get_serial_sequence({qualified}, a.attname) IS NOT NULL"
        )))
        .fetch_all(&mut self.conn.conn)
        .await?;
        for (column, sequence) in sequences {
            let column = quote::ident(Dialect::Postgres, &column);
            self.conn
                .execute(&format!(
                    "SELECT pg_catalog.setval({}, COALESCE((SELECT MAX({column}) FROM {}), 0) + 1, false)",
                    quote::literal(Dialect::Postgres, &sequence),
                    quote::table(Dialect::Postgres, table)
                ))
                .await?;
        }
        Ok(())
    }

    fn tracking(&mut self) -> &mut dyn TrackingTables {
        self.debug_assert_opened();
        &mut self.conn
    }

    fn catalog(&mut self) -> &mut dyn Catalog {
        self.debug_assert_opened();
        &mut self.conn
    }

    fn backups(&mut self) -> &mut dyn BackupTables {
        self.debug_assert_opened();
        &mut self.conn
    }

    async fn close(self: Box<Self>) {
        self.conn.close().await;
    }
}

/// How the PostgreSQL driver writes a step's record in.
const LITERALS: LiteralStyle = LiteralStyle {
    text: text_literal,
    time: timestamp_literal,
};

/// A string as an escape string literal (`E'…'`, quotes and backslashes
/// doubled), read the same whatever `standard_conforming_strings` says.
fn text_literal(value: &str) -> String {
    let mut literal = String::with_capacity(value.len() + 3);
    literal.push_str("E'");
    for c in value.chars() {
        if c == '\'' || c == '\\' {
            literal.push(c);
        }
        literal.push(c);
    }
    literal.push('\'');
    literal
}

/// A `TIMESTAMPTZ` literal in UTC, to the microsecond (PostgreSQL's
/// precision), the value sqlx binds for a `DateTime<Utc>`.
fn timestamp_literal(value: DateTime<Utc>) -> String {
    value.format("'%Y-%m-%d %H:%M:%S%.6f+00'").to_string()
}
