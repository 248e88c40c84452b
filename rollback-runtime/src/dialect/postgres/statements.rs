//! The tracking, catalog and backup-catalog SQL PostgreSQL's connection
//! runs (see `dialect::statements` for what each statement must do).

use crate::dialect::statements::{
    BackendSql, BackupSql, CatalogSql, NEXT_ID, SELECT_APPLIED, SELECT_BACKUPS, SELECT_ITEMS,
    TrackingSql,
};

/// The schema a query's first parameter names, else the connection's own.
macro_rules! schema {
    () => {
        "COALESCE($1, current_schema())"
    };
}

pub(super) static SQL: BackendSql = BackendSql {
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
    create_progress: "CREATE TABLE IF NOT EXISTS _rollback_progress (
            version TEXT PRIMARY KEY,
            script TEXT NOT NULL,
            statement_index BIGINT NOT NULL,
            statement_count BIGINT NOT NULL,
            checksum TEXT NOT NULL
        )",
    upsert_progress: "INSERT INTO _rollback_progress
            (version, script, statement_index, statement_count, checksum) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (version) DO UPDATE SET script = EXCLUDED.script,
            statement_index = EXCLUDED.statement_index,
            statement_count = EXCLUDED.statement_count, checksum = EXCLUDED.checksum",
    delete_progress: "DELETE FROM _rollback_progress WHERE version = $1",
};

/// `upsert_applied` up to its values, for a record written as literals.
pub(super) const INSERT_APPLIED: &str = insert_applied!();

/// `upsert_applied` after its values, for a record written as literals.
pub(super) const ON_CONFLICT_UPDATE: &str = on_conflict_update!();

/// `insert_log` up to its values, for a record written as literals.
pub(super) const INSERT_LOG: &str = insert_log!();
