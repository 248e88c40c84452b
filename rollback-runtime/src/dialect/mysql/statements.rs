//! The tracking, catalog and backup-catalog SQL MySQL's connection runs
//! (see `dialect::statements` for what each statement must do).

use crate::dialect::statements::{
    BackendSql, CatalogSql, INSERT_LOG_QUESTION_MARKS, SELECT_APPLIED, TrackingSql,
    with_question_marks,
};

/// The database a query's first parameter names, else the connection's own.
macro_rules! schema {
    () => {
        "COALESCE(?, DATABASE())"
    };
}

/// `upsert_applied` up to its values, for the prepared form and the literal one.
macro_rules! replace_applied {
    () => {
        "REPLACE INTO _rollback_migrations
            (version, name, checksum_algorithm, up_checksum, down_checksum, down_sql,
             applied_at, execution_ms, dirty, tool_version)
         VALUES "
    };
}

/// `upsert_progress` up to its values, for the prepared form and the literal one.
macro_rules! replace_progress {
    () => {
        "REPLACE INTO _rollback_progress
            (version, script, statement_index, statement_count, checksum)
         VALUES "
    };
}

/// `insert_log` up to its values (the prepared form is the shared
/// `INSERT_LOG_QUESTION_MARKS`).
macro_rules! insert_log {
    () => {
        "INSERT INTO _rollback_log
            (operation, version, name, started_at, finished_at, outcome, error, rows_backed_up, actor)
         VALUES "
    };
}

pub(super) static SQL: BackendSql = BackendSql {
    tracking: TRACKING,
    catalog: CatalogSql {
        columns: concat!(
            "SELECT column_name AS name,
                    CAST(extra LIKE '%GENERATED%' OR extra LIKE '%PERSISTENT%' AS SIGNED) AS generated,
                    CAST(0 AS SIGNED) AS identity_always, column_type AS type_name,
                    CAST(0 AS SIGNED) AS user_type
             FROM information_schema.columns WHERE table_schema = ",
            schema!(),
            " AND table_name = ? ORDER BY ordinal_position"
        ),
        keys: concat!(
            "SELECT s.index_name AS key_name, s.column_name AS column_name
             FROM information_schema.statistics s WHERE s.table_schema = ",
            schema!(),
            " AND s.table_name = ? AND s.non_unique = 0
               AND NOT EXISTS (SELECT 1 FROM information_schema.statistics u
                               JOIN information_schema.columns c
                                 ON c.table_schema = u.table_schema AND c.table_name = u.table_name
                                AND c.column_name = u.column_name
                               WHERE u.table_schema = s.table_schema AND u.table_name = s.table_name
                                 AND u.index_name = s.index_name AND c.is_nullable = 'YES')
             ORDER BY s.index_name = 'PRIMARY' DESC, s.index_name, s.seq_in_index"
        ),
        referencing: concat!(
            "SELECT DISTINCT table_name FROM information_schema.key_column_usage
             WHERE referenced_table_schema = ",
            schema!(),
            " AND referenced_table_name = ? AND table_name <> referenced_table_name ORDER BY 1"
        ),
        indexes: concat!(
            "SELECT DISTINCT index_name FROM information_schema.statistics WHERE table_schema = ",
            schema!(),
            " AND table_name = ? ORDER BY 1"
        ),
        // MariaDB keeps no view dependencies: a view whose definition names
        // the table (as the server writes it, in backquotes) is taken to read it.
        views: concat!(
            "SELECT table_name FROM information_schema.views WHERE table_schema = ",
            schema!(),
            " AND view_definition LIKE CONCAT('%`', ?, '`%') ORDER BY 1"
        ),
        size: concat!(
            "SELECT CAST(COALESCE(SUM(data_length + index_length), 0) AS SIGNED)
             FROM information_schema.tables WHERE table_schema = ",
            schema!(),
            " AND table_name = ?"
        ),
        presence: concat!(
            "SELECT CAST(1 AS SIGNED) FROM information_schema.tables WHERE table_schema = ",
            schema!(),
            " AND table_name = ?"
        ),
        schema_tables: "SELECT table_name FROM information_schema.tables
             WHERE table_schema = ? AND table_type = 'BASE TABLE' AND ? IS NOT NULL ORDER BY 1",
    },
    backups: with_question_marks(
        "CREATE TABLE IF NOT EXISTS _rollback_backups (
                id BIGINT NOT NULL PRIMARY KEY,
                version VARCHAR(255) NOT NULL,
                name TEXT NOT NULL,
                created_at DATETIME(6) NOT NULL,
                row_count BIGINT NOT NULL,
                byte_count BIGINT NOT NULL,
                restored_at DATETIME(6)
            ) CHARACTER SET utf8mb4;
            CREATE TABLE IF NOT EXISTS _rollback_backup_items (
                backup_id BIGINT NOT NULL,
                position BIGINT NOT NULL,
                kind VARCHAR(16) NOT NULL,
                source_schema VARCHAR(255),
                source_table VARCHAR(255) NOT NULL,
                source_column VARCHAR(255),
                key_columns TEXT NOT NULL,
                backup_schema VARCHAR(255),
                backup_table VARCHAR(255) NOT NULL,
                row_count BIGINT NOT NULL,
                PRIMARY KEY (backup_id, position)
            ) CHARACTER SET utf8mb4;",
        "SELECT COUNT(*) FROM information_schema.tables
             WHERE table_schema = DATABASE() AND table_name IN ('_rollback_backups', '_rollback_backup_items')",
    ),
};

const TRACKING: TrackingSql = TrackingSql {
    create: "CREATE TABLE IF NOT EXISTS _rollback_migrations (
            version VARCHAR(255) NOT NULL PRIMARY KEY,
            name TEXT NOT NULL,
            checksum_algorithm VARCHAR(32) NOT NULL,
            up_checksum VARCHAR(128) NOT NULL,
            down_checksum VARCHAR(128) NOT NULL,
            down_sql LONGTEXT NOT NULL,
            applied_at DATETIME(6) NOT NULL,
            execution_ms BIGINT NOT NULL,
            dirty BOOLEAN NOT NULL DEFAULT FALSE,
            tool_version VARCHAR(64) NOT NULL
        ) CHARACTER SET utf8mb4;
        CREATE TABLE IF NOT EXISTS _rollback_log (
            id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
            operation VARCHAR(16) NOT NULL,
            version VARCHAR(255) NOT NULL,
            name TEXT NOT NULL,
            started_at DATETIME(6) NOT NULL,
            finished_at DATETIME(6) NOT NULL,
            outcome VARCHAR(16) NOT NULL,
            error MEDIUMTEXT,
            rows_backed_up BIGINT NOT NULL DEFAULT 0,
            actor VARCHAR(255) NOT NULL
        ) CHARACTER SET utf8mb4;",
    exists: "SELECT COUNT(*) FROM information_schema.tables
         WHERE table_schema = DATABASE() AND table_name = '_rollback_migrations'",
    select_applied: SELECT_APPLIED,
    // The server cuts GROUP_CONCAT at `group_concat_max_len`, which
    // `MySqlDriver::open` raises; a list cut short by `max_allowed_packet`
    // all the same no longer matches its count, and the rows are read.
    select_applied_list: "SELECT COUNT(*), GROUP_CONCAT(version, ' ', up_checksum, ' ', IF(dirty, '1', '0'), ' ', name SEPARATOR '\n') FROM _rollback_migrations",
    // ER_NO_SUCH_TABLE
    missing_table: |error| error.code().as_deref() == Some("42S02"),
    upsert_applied: concat!(replace_applied!(), "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
    delete_applied: "DELETE FROM _rollback_migrations WHERE version = ?",
    insert_log: INSERT_LOG_QUESTION_MARKS,
    select_log: "SELECT * FROM (SELECT * FROM _rollback_log ORDER BY id DESC LIMIT ?) AS newest ORDER BY id",
    create_progress: "CREATE TABLE IF NOT EXISTS _rollback_progress (
            version VARCHAR(255) NOT NULL PRIMARY KEY,
            script VARCHAR(8) NOT NULL,
            statement_index BIGINT NOT NULL,
            statement_count BIGINT NOT NULL,
            checksum VARCHAR(128) NOT NULL
        ) CHARACTER SET utf8mb4",
    upsert_progress: concat!(replace_progress!(), "(?, ?, ?, ?, ?)"),
    delete_progress: "DELETE FROM _rollback_progress WHERE version = ?",
};

/// `upsert_progress` up to its values, for a marker written as literals.
pub(super) const REPLACE_PROGRESS: &str = replace_progress!();

/// `upsert_applied` up to its values, for a record written as literals.
pub(super) const REPLACE_APPLIED: &str = replace_applied!();

/// `insert_log` up to its values, for a record written as literals.
pub(super) const INSERT_LOG: &str = insert_log!();
