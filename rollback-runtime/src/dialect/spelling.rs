//! The SQL text one database spells its own way, as generic code asks for
//! it: pure functions, so that each dialect's spelling is unit-tested without
//! a server. What every database spells alike is the trait's default.

use rollback_core::sql::Dialect;

use super::snapshot::CatalogQueries;
use crate::schema::Snapshot;

/// A generated sentinel value (see `verify::sentinels`) and whether `=` on
/// it finds its row again (exact on integers and text; on JSON, floats and
/// times it may not be).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SentinelValue {
    pub sql: String,
    pub identifies: bool,
}

impl SentinelValue {
    /// A value that does not identify its row.
    pub(crate) fn loose(sql: impl Into<String>) -> SentinelValue {
        SentinelValue {
            sql: sql.into(),
            identifies: false,
        }
    }
}

/// How one database spells what the generic code writes: backup copies and
/// restores, a plan's estimates, verify's sentinel rows and fingerprints,
/// `generate`'s fallback drops, the queries behind a schema snapshot.
pub(crate) trait Spelling: Send + Sync {
    /// The dialect, for quoting (see `dialect::quote`) and the SQL analysis.
    fn dialect(&self) -> Dialect;

    /// The longest identifier, in bytes, the database keeps whole.
    fn identifier_limit(&self) -> usize {
        64
    }

    /// Whether two column names as the catalog and a script spell them are
    /// the same column: the servers' catalogs keep the case a name was
    /// created with, which `ALTER TABLE` may spell otherwise.
    fn same_column(&self, a: &str, b: &str) -> bool {
        a.eq_ignore_ascii_case(b)
    }

    /// Whether the live catalog's column names compare without regard to
    /// case (SQLite), else exactly as stored.
    fn catalog_names_fold_case(&self) -> bool {
        false
    }

    /// A rough number of rows per second the database copies on modest
    /// hardware: a plan's estimate, not a promise.
    fn rows_per_second(&self) -> i64;

    /// The schema backups live in, where the database has schemas for them;
    /// elsewhere a copy is a prefixed table beside its source.
    fn backup_schema(&self) -> Option<&'static str> {
        None
    }

    /// The statement that creates `database` to keep copies apart from the
    /// data they copy, where the database's grants are per database
    /// (MySQL); `None` where copies cannot live in another database.
    fn backup_database(&self, _database: &str) -> Option<String> {
        None
    }

    /// The statements, run before each backup, that close the backup schema
    /// and catalog to every role but their owner; none where grants cannot
    /// open them to anyone the data's own grants would not.
    fn seal_backups(&self) -> Vec<String> {
        Vec::new()
    }

    /// Who can read the copies, for the plan a person confirms: copies in
    /// `database` when one is set, else where [`Spelling::backup_schema`]
    /// puts them.
    fn backup_readers(&self, database: Option<&str>) -> String;

    /// The key of a table without a primary key, where the database has
    /// one of its own (SQLite's `rowid`).
    fn implicit_row_key(&self) -> Option<&'static str> {
        None
    }

    /// Whether copied values of a column are cast to the column's type (text
    /// for types a migration defined, so that a copy never stops a down from
    /// dropping the type; PostgreSQL).
    fn casts_copied_values(&self) -> bool {
        false
    }

    /// The statements that create `copy` from `select`; the last one's count
    /// is the rows copied. One `CREATE TABLE … AS SELECT` by default.
    fn copy_statements(&self, copy: &str, select: &str) -> Vec<String> {
        vec![format!("CREATE TABLE {copy} AS {select}")]
    }

    /// `UPDATE target AS t … SET column = value` for the rows of `copy AS b`
    /// that `matches`: `UPDATE … FROM` by default.
    fn update_from(
        &self,
        target: &str,
        copy: &str,
        column: &str,
        value: &str,
        matches: &str,
    ) -> String {
        format!("UPDATE {target} AS t SET {column} = {value} FROM {copy} AS b WHERE {matches}")
    }

    /// What an `INSERT … SELECT` adds so that identity columns take the
    /// values it gives (PostgreSQL's `OVERRIDING SYSTEM VALUE`).
    fn overriding_identity(&self) -> &'static str {
        ""
    }

    /// `DROP FUNCTION`/`DROP PROCEDURE` for a routine a script created, with
    /// its argument list where the database needs it to find the routine.
    fn drop_routine(&self, kind: &str, name: &str, _arguments: Option<&str>) -> String {
        format!("DROP {kind} IF EXISTS {name}")
    }

    /// `DROP TRIGGER` for a trigger a script created on `table`, names quoted.
    fn drop_trigger(&self, qualified_name: &str, _name: &str, _table: Option<&str>) -> String {
        format!("DROP TRIGGER IF EXISTS {qualified_name}")
    }

    /// The `FROM` target for a table as a [`Snapshot`] names it.
    fn snapshot_table(&self, name: &str) -> String {
        super::quote::ident(self.dialect(), name)
    }

    /// A sentinel value for a column type only this database has (an enum,
    /// an array), when `kind` is one.
    fn special_sentinel(&self, _kind: &str, _schema: &Snapshot) -> Option<Option<SentinelValue>> {
        None
    }

    /// The literal `true` is spelled with.
    fn true_literal(&self) -> &'static str {
        "1"
    }

    /// Whether a column of any declared type takes text (SQLite's type
    /// affinity), so that a sentinel can always be made.
    fn any_type_takes_text(&self) -> bool {
        false
    }

    /// Whether the database ignores `statement` inside a transaction, where
    /// the engine runs a migration: `generate`'s capture, which runs the up
    /// outside one, leaves it out to see what the engine will.
    fn ignored_in_transaction(&self, _statement: &str) -> bool {
        false
    }

    /// `rows:digest` of a table's whole contents in a stable row order,
    /// from its quoted name and quoted columns.
    fn fingerprint(&self, table: &str, columns: &[String]) -> String;

    /// `expression` as text, for reading another tool's tracking table with
    /// the text-row reader.
    fn text_of(&self, expression: &str) -> String {
        format!("CAST({expression} AS TEXT)")
    }

    /// The bytes of a binary `expression` as hexadecimal text (either case).
    fn hex_of(&self, expression: &str) -> String {
        format!("hex({expression})")
    }

    /// The queries a [`Snapshot`] of the schema is read with.
    fn snapshot_queries(&self) -> &'static CatalogQueries;
}
