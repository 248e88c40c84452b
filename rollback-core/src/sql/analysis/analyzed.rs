//! What the analysis tells of a statement: its [`StatementClass`], its
//! [`Effect`]s, and the two together with its text as an
//! [`AnalyzedStatement`].

use crate::sql::name::TableName;

/// What running a statement does to the data, for plans, confirmation and backups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StatementClass {
    /// Changes the schema or the session and loses nothing stored: `CREATE …`,
    /// `ALTER TABLE ADD COLUMN/CONSTRAINT`, renames (table, column, index,
    /// constraint), `DROP INDEX/TRIGGER/FUNCTION/PROCEDURE/POLICY/RULE/EXTENSION/ROLE`
    /// and `ALTER TABLE DROP CONSTRAINT`, `SET/DROP NOT NULL`, `SET/DROP
    /// DEFAULT`, row level security switches, `COMMENT ON`, `GRANT`/`REVOKE`,
    /// session settings (`SET`, `RESET`, `PRAGMA`), transaction control,
    /// `ANALYZE`, `VACUUM`, `REINDEX`, locks, `LISTEN`/`NOTIFY`, `PREPARE`
    /// and `DEALLOCATE` (which run nothing). What these remove can be written
    /// again by the up from its own text. A `DROP … CASCADE` of an extension,
    /// function, procedure or collation is not here but [`Destructive`](Self::Destructive):
    /// PostgreSQL then drops the columns that use it (a `citext` column, a
    /// generated column).
    Schema,
    /// Destroys stored data or definitions the up cannot recreate with their
    /// contents: `DROP TABLE/VIEW/MATERIALIZED VIEW/SCHEMA/SEQUENCE/TYPE/DOMAIN/DATABASE`,
    /// `ALTER TABLE DROP COLUMN`, `ALTER COLUMN … TYPE` (MySQL `MODIFY`/`CHANGE
    /// COLUMN`, which always restate the type), `DROP PARTITION`, `TRUNCATE`,
    /// MariaDB's `CREATE OR REPLACE TABLE`.
    Destructive,
    /// Reads or changes rows: `INSERT`, `UPDATE`, `DELETE`, `MERGE`,
    /// `REPLACE`, `SELECT`, `VALUES`, `WITH`, `COPY`, `LOAD DATA`, `REFRESH
    /// MATERIALIZED VIEW`. Which rows
    /// an `UPDATE` or `DELETE` reaches is in its effects. `CALL` is not here:
    /// it is [`Unclassified`](Self::Unclassified), like `EXECUTE` and `DO`
    /// blocks, since the code it runs can do anything.
    Data,
    /// The parser could not read it, or it is a kind this module does not know:
    /// treated as destructive by callers.
    Unclassified,
}

impl StatementClass {
    /// How bad a class is, for merging: the worst class wins.
    pub(super) fn rank(self) -> u8 {
        match self {
            StatementClass::Schema => 0,
            StatementClass::Data => 1,
            StatementClass::Destructive => 2,
            StatementClass::Unclassified => 3,
        }
    }
}

/// What a statement does that a backup or a plan must know about.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Effect {
    /// The table and its rows are gone. Each table of a multi-table `DROP
    /// TABLE a, b` gets its own effect.
    DropTable {
        /// The dropped table.
        table: TableName,
    },
    /// The column and its values are gone.
    DropColumn {
        /// The table the column belonged to.
        table: TableName,
        /// The dropped column, folded like names.
        column: String,
    },
    /// The column's values are converted, which may truncate or round them.
    ChangeColumnType {
        /// The table of the column.
        table: TableName,
        /// The column as it was named before the statement.
        column: String,
    },
    /// Every row of the table is gone.
    Truncate {
        /// The emptied table.
        table: TableName,
    },
    /// Some rows of the table may be gone (`DELETE`, `REPLACE`, `INSERT OR
    /// REPLACE`, `MERGE … DELETE`).
    DeleteRows {
        /// The table rows are deleted from.
        table: TableName,
    },
    /// Some rows of the table may have new values (`UPDATE`, upserts, `MERGE
    /// … UPDATE`).
    UpdateRows {
        /// The updated table.
        table: TableName,
    },
    /// A view's definition is gone (with the rows of a materialized one).
    DropView {
        /// The dropped view.
        view: TableName,
        /// Whether it was a materialized view, which stores rows.
        materialized: bool,
    },
    /// A schema is gone; with `CASCADE`, everything in it.
    DropSchema {
        /// The dropped schema, folded like names.
        schema: String,
        /// Whether `CASCADE` drops the objects in it too.
        cascade: bool,
    },
    /// SQLite's way to change a table it cannot ALTER: `CREATE TABLE new (…)`,
    /// copy, `DROP TABLE old`, `ALTER TABLE new RENAME TO old`. Seen in one
    /// script, the DROP TABLE is reported as this instead of `DropTable`: the
    /// table survives with `kept_columns` (the columns of the new table's
    /// CREATE TABLE, folded like names); the columns of `table` that are not
    /// kept are dropped. The other order (`ALTER TABLE old RENAME TO tmp`,
    /// `CREATE TABLE old (…)`, copy, `DROP TABLE tmp`) is reported the same
    /// way, on `old`.
    RebuildTable {
        /// The table that is rebuilt, under the name it keeps.
        table: TableName,
        /// The columns it has afterwards.
        kept_columns: Vec<String>,
    },
}

/// One statement of a script with its class and effects.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AnalyzedStatement {
    /// The statement's text as `split` returns it (no trailing semicolon).
    pub sql: String,
    /// 1-based line in the script where it starts.
    pub line: usize,
    /// What running it does to the data.
    pub class: StatementClass,
    /// What a backup or a plan must know about it, in statement order.
    pub effects: Vec<Effect>,
    /// Why it is unclassified: the parser's message, "not a statement kind
    /// cargo-rollback knows", or that it runs code kept elsewhere (`CALL`,
    /// `EXECUTE`, `DO`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unclassified_reason: Option<String>,
}

/// Why a statement that runs code kept elsewhere (`CALL`, `EXECUTE`, `DO`) is
/// unclassified: that code may drop or delete anything.
pub(crate) fn runs_hidden_code(what: &str) -> String {
    format!("{what} runs code that is not in the statement, which may drop or delete anything")
}
