//! The SQL text each backend gives the shared connection code: its
//! tracking, catalog and backup-catalog statements, as one [`BackendSql`],
//! and the statements every backend spells alike.
#![cfg_attr(
    not(any(feature = "sqlite", feature = "postgres", feature = "mysql")),
    expect(dead_code, reason = "only the database backends run statements")
)]

/// One backend's spelling of the tracking statements.
///
/// Parameters are bound in the order of the column lists below; `select_*`
/// statements must return the columns under these names.
pub(crate) struct TrackingSql {
    /// Creates `_rollback_migrations` and `_rollback_log` if they do not exist.
    pub create: &'static str,
    /// One row, one integer column: how many tracking tables named
    /// `_rollback_migrations` the database has.
    pub exists: &'static str,
    /// Every row of `_rollback_migrations`.
    pub select_applied: &'static str,
    /// One row: the number of rows of `_rollback_migrations` and their
    /// [`AppliedList`] lines (`version up_checksum dirty name`, `dirty` as
    /// `0` or `1`, joined by newlines; NULL for no rows): what `up` decides
    /// with.
    pub select_applied_list: &'static str,
    /// Whether an error of `select_applied` (or `select_applied_list`)
    /// says the table does not exist, so that reading the applied set takes
    /// one round trip, not a look at the catalog first.
    pub missing_table: fn(&dyn sqlx::error::DatabaseError) -> bool,
    /// Inserts or replaces a row: version, name, checksum_algorithm,
    /// up_checksum, down_checksum, down_sql, applied_at, execution_ms, dirty,
    /// tool_version.
    pub upsert_applied: &'static str,
    /// Deletes the row of one version.
    pub delete_applied: &'static str,
    /// Inserts a log row: operation, version, name, started_at, finished_at,
    /// outcome, error, rows_backed_up, actor.
    pub insert_log: &'static str,
    /// The newest N log rows (N bound as an integer), oldest first.
    pub select_log: &'static str,
    /// Creates `_rollback_progress` if it does not exist: apart from the
    /// others, so that a database whose tracking tables an older version
    /// created gets it when it first needs it.
    pub create_progress: &'static str,
    /// Inserts or replaces a progress row: version, script, statement_index,
    /// statement_count, checksum.
    pub upsert_progress: &'static str,
    /// Deletes the progress row of one version.
    pub delete_progress: &'static str,
}

/// Everything a backend spells its own way, handed to
/// [`MigrationConnection::open`].
pub(crate) struct BackendSql {
    pub tracking: TrackingSql,
    pub catalog: CatalogSql,
    pub backups: BackupSql,
}

/// One backend's catalog queries. Each is bound with the table's schema
/// (`NULL` for the connection's current one) and then its name, in that
/// order, and may ignore either.
pub(crate) struct CatalogSql {
    /// The table's columns in order: `name`, `generated` (1 for a column
    /// whose value the database computes, which an `INSERT` cannot set) and
    /// `identity_always` (1 for PostgreSQL's `GENERATED ALWAYS AS IDENTITY`,
    /// which an `INSERT` sets only with `OVERRIDING SYSTEM VALUE`),
    /// `type_name` (the column's type as SQL spells it) and `user_type` (1
    /// for a type a migration defined, such as an enum, a domain or an
    /// extension's type).
    pub columns: &'static str,
    /// Columns of the keys that identify a row, as (`key_name`, `column_name`)
    /// rows: the primary key's first, then unique keys of non-null columns,
    /// each key's columns in order.
    pub keys: &'static str,
    /// Names of the other tables whose foreign keys point at the table.
    pub referencing: &'static str,
    /// Names of the table's indexes.
    pub indexes: &'static str,
    /// Names of the views that read the table.
    pub views: &'static str,
    /// One integer: bytes on disk of the table and its indexes.
    pub size: &'static str,
    /// One row when the table exists, holding 0 when the catalog alone shows
    /// that it has no row (PostgreSQL: a plain table with no page on disk)
    /// and 1 when only reading it can tell; no row when it does not exist.
    pub presence: &'static str,
    /// The tables of the schema that is bound first.
    pub schema_tables: &'static str,
}

/// One backend's spelling of the backup catalog statements; parameters are
/// bound in the order the comments give.
pub(crate) struct BackupSql {
    /// Creates both tables if they do not exist.
    pub create: &'static str,
    /// One row, one integer: how many of the two tables exist.
    pub exists: &'static str,
    /// One integer: the id the next backup gets.
    pub next_id: &'static str,
    /// id, version, name, created_at, row_count, byte_count.
    pub insert_backup: &'static str,
    /// backup_id, position, kind, source_schema, source_table,
    /// source_column, key_columns, backup_schema, backup_table, row_count.
    pub insert_item: &'static str,
    /// Every backup row, by id.
    pub select_backups: &'static str,
    /// Every item row, by backup id and position.
    pub select_items: &'static str,
    /// restored_at, id.
    pub mark_restored: &'static str,
    /// id: the items of one backup.
    pub delete_items: &'static str,
    /// id: the backup row.
    pub delete_backup: &'static str,
}

/// `select_applied` where the column names need no quoting.
pub(crate) const SELECT_APPLIED: &str = "SELECT version, name, checksum_algorithm, up_checksum, \
     down_checksum, down_sql, applied_at, execution_ms, dirty, tool_version FROM _rollback_migrations";

/// `select_progress` in SQL every database speaks.
pub(crate) const SELECT_PROGRESS: &str = "SELECT version, script, statement_index, statement_count, \
     checksum FROM _rollback_progress";

/// `insert_log` with `?` placeholders (SQLite, MySQL).
#[cfg(any(feature = "sqlite", feature = "mysql"))]
pub(crate) const INSERT_LOG_QUESTION_MARKS: &str = "INSERT INTO _rollback_log \
     (operation, version, name, started_at, finished_at, outcome, error, rows_backed_up, actor) \
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

/// `select_backups` where the column names need no quoting.
pub(crate) const SELECT_BACKUPS: &str = "SELECT id, version, name, created_at, row_count, \
     byte_count, restored_at FROM _rollback_backups ORDER BY id";

/// `select_items` where the column names need no quoting.
pub(crate) const SELECT_ITEMS: &str = "SELECT backup_id, position, kind, source_schema, \
     source_table, source_column, key_columns, backup_schema, backup_table, row_count \
     FROM _rollback_backup_items ORDER BY backup_id, position";

/// `next_id` in SQL every database speaks.
pub(crate) const NEXT_ID: &str = "SELECT COALESCE(MAX(id), 0) + 1 FROM _rollback_backups";

/// The backup catalog statements of a backend that writes `?` placeholders
/// (SQLite, MySQL): only creating the tables and finding them differ.
#[cfg(any(feature = "sqlite", feature = "mysql"))]
pub(crate) const fn with_question_marks(create: &'static str, exists: &'static str) -> BackupSql {
    BackupSql {
        create,
        exists,
        next_id: NEXT_ID,
        insert_backup: "INSERT INTO _rollback_backups \
             (id, version, name, created_at, row_count, byte_count) VALUES (?, ?, ?, ?, ?, ?)",
        insert_item: "INSERT INTO _rollback_backup_items \
             (backup_id, position, kind, source_schema, source_table, source_column, key_columns, \
              backup_schema, backup_table, row_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        select_backups: SELECT_BACKUPS,
        select_items: SELECT_ITEMS,
        mark_restored: "UPDATE _rollback_backups SET restored_at = ? WHERE id = ?",
        delete_items: "DELETE FROM _rollback_backup_items WHERE backup_id = ?",
        delete_backup: "DELETE FROM _rollback_backups WHERE id = ?",
    }
}
