//! The tracking, catalog and backup-catalog SQL SQLite's connection runs
//! (see `dialect::statements` for what each statement must do).

use crate::dialect::statements::{
    BackendSql, CatalogSql, INSERT_LOG_QUESTION_MARKS, SELECT_APPLIED, TrackingSql,
    with_question_marks,
};

pub(super) static SQL: BackendSql = BackendSql {
    tracking: TRACKING,
    catalog: CatalogSql {
        columns: "SELECT name, hidden IN (2, 3) AS generated, 0 AS identity_always,
                    type AS type_name, 0 AS user_type
             FROM pragma_table_xinfo(?2) ORDER BY cid",
        keys: "SELECT 'PRIMARY' AS key_name, name AS column_name FROM pragma_table_info(?2)
             WHERE pk > 0 ORDER BY pk",
        referencing: "SELECT DISTINCT m.name FROM sqlite_master AS m, pragma_foreign_key_list(m.name) AS f
             WHERE m.type = 'table' AND f.\"table\" = ?2 COLLATE NOCASE AND m.name <> ?2 COLLATE NOCASE
             ORDER BY 1",
        indexes: "SELECT name FROM sqlite_master
             WHERE type = 'index' AND tbl_name = ?2 COLLATE NOCASE ORDER BY 1",
        // SQLite records no dependencies: a view that names the table in its
        // definition is taken to read it.
        views: "SELECT name FROM sqlite_master
             WHERE type = 'view' AND instr(lower(sql), lower(?2)) > 0 ORDER BY 1",
        size: "SELECT COALESCE(SUM(pgsize), 0) FROM dbstat
             WHERE name IN (SELECT name FROM sqlite_master WHERE tbl_name = ?2 COLLATE NOCASE)",
        presence: "SELECT 1 FROM pragma_table_info(?2) LIMIT 1",
        schema_tables: "SELECT name FROM sqlite_master
             WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
               AND ?1 = 'main' AND ?2 IS NOT NULL ORDER BY 1",
    },
    backups: with_question_marks(
        "CREATE TABLE IF NOT EXISTS _rollback_backups (
                id INTEGER PRIMARY KEY,
                version TEXT NOT NULL,
                name TEXT NOT NULL,
                created_at TEXT NOT NULL,
                row_count INTEGER NOT NULL,
                byte_count INTEGER NOT NULL,
                restored_at TEXT
            );
            CREATE TABLE IF NOT EXISTS _rollback_backup_items (
                backup_id INTEGER NOT NULL,
                position INTEGER NOT NULL,
                kind TEXT NOT NULL,
                source_schema TEXT,
                source_table TEXT NOT NULL,
                source_column TEXT,
                key_columns TEXT NOT NULL,
                backup_schema TEXT,
                backup_table TEXT NOT NULL,
                row_count INTEGER NOT NULL,
                PRIMARY KEY (backup_id, position)
            );",
        "SELECT count(*) FROM sqlite_master WHERE type = 'table'
             AND name IN ('_rollback_backups', '_rollback_backup_items')",
    ),
};

const TRACKING: TrackingSql = TrackingSql {
    create: "CREATE TABLE IF NOT EXISTS _rollback_migrations (
            version TEXT PRIMARY KEY NOT NULL,
            name TEXT NOT NULL,
            checksum_algorithm TEXT NOT NULL,
            up_checksum TEXT NOT NULL,
            down_checksum TEXT NOT NULL,
            down_sql TEXT NOT NULL,
            applied_at TEXT NOT NULL,
            execution_ms INTEGER NOT NULL,
            dirty INTEGER NOT NULL DEFAULT 0,
            tool_version TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS _rollback_log (
            id INTEGER PRIMARY KEY,
            operation TEXT NOT NULL,
            version TEXT NOT NULL,
            name TEXT NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT NOT NULL,
            outcome TEXT NOT NULL,
            error TEXT,
            rows_backed_up INTEGER NOT NULL DEFAULT 0,
            actor TEXT NOT NULL
        );",
    exists: "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '_rollback_migrations'",
    select_applied: SELECT_APPLIED,
    select_applied_list: "SELECT COUNT(*), group_concat(version || ' ' || up_checksum || ' ' || dirty || ' ' || name, '\n') FROM _rollback_migrations",
    // SQLite gives a missing table the generic SQLITE_ERROR: only the message tells.
    missing_table: |error| error.message().starts_with("no such table"),
    upsert_applied: "INSERT OR REPLACE INTO _rollback_migrations
            (version, name, checksum_algorithm, up_checksum, down_checksum, down_sql,
             applied_at, execution_ms, dirty, tool_version)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    delete_applied: "DELETE FROM _rollback_migrations WHERE version = ?",
    insert_log: INSERT_LOG_QUESTION_MARKS,
    select_log: "SELECT * FROM (SELECT * FROM _rollback_log ORDER BY id DESC LIMIT ?) AS newest ORDER BY id",
    create_progress: "CREATE TABLE IF NOT EXISTS _rollback_progress (
            version TEXT PRIMARY KEY NOT NULL,
            script TEXT NOT NULL,
            statement_index INTEGER NOT NULL,
            statement_count INTEGER NOT NULL,
            checksum TEXT NOT NULL
        )",
    upsert_progress: "INSERT OR REPLACE INTO _rollback_progress
            (version, script, statement_index, statement_count, checksum) VALUES (?, ?, ?, ?, ?)",
    delete_progress: "DELETE FROM _rollback_progress WHERE version = ?",
};
