//! What [`invert_script`](super::invert_script) answers: each up statement's
//! [`Inverse`], made of [`InversePart`]s, and the [`Need`]s and [`Unnamed`]
//! objects the runtime reads from the schema to write them.

use crate::sql::name::TableName;

/// One up statement and what undoes it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Inverse {
    /// 1-based line of the up where the statement starts.
    pub line: usize,
    /// The up statement, as `split` returns it.
    pub statement: String,
    /// What the down runs for it, in the order it runs them. Empty when the
    /// statement needs no undoing; `skipped` says why.
    pub parts: Vec<InversePart>,
    /// Why the statement needs no undoing: it changes only the session
    /// (`SET`, `PRAGMA`), reads (`SELECT`), or acts on an object the down
    /// drops anyway (an index on a table the up creates).
    pub skipped: Option<String>,
}

/// One step of a statement's inverse.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum InversePart {
    /// A statement of the down, complete, without its trailing `;`.
    Sql {
        /// The statement.
        sql: String,
    },
    /// Put back what the statement removes or changes, as it was just
    /// before the statement ran.
    ///
    /// When the object did not exist just before the statement (a `CREATE
    /// OR REPLACE` that created rather than replaced, a `DROP … IF EXISTS`
    /// of nothing), the down must leave it absent: the runtime drops it if
    /// it exists (`DROP VIEW IF EXISTS v`, `DROP FUNCTION IF EXISTS f(args)`
    /// with the need's `arguments`, `DROP TRIGGER IF EXISTS tr [ON t]`).
    Recreate {
        /// What to read from the schema before the statement.
        need: Need,
    },
    /// A statement of the down that applies only as the up found the
    /// object `need` names, decided when the up runs: `CREATE … IF NOT
    /// EXISTS` created it only if it was missing (`if_missing`), and the
    /// down drops it only then.
    Conditional {
        /// The statement, complete, without its trailing `;`.
        sql: String,
        /// The object whose presence decides.
        need: Need,
        /// Whether `sql` runs when the object was missing before the
        /// statement (else: when it was there).
        if_missing: bool,
    },
    /// Drop an object the statement creates without naming it, under the
    /// name the database gives it (read after the statement ran).
    DropUnnamed {
        /// What kind of object, on which table.
        unnamed: Unnamed,
    },
    /// Nothing can undo it; the down says so in a
    /// `-- rollback: cannot invert: <statement>` line.
    CannotInvert {
        /// Why, in a few words: "deleted rows cannot be brought back".
        reason: String,
    },
}

/// Something an up statement removes or changes, to be read from the schema
/// just before the statement runs and written back by the down. Names are
/// folded as [`TableName`] folds them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Need {
    /// A dropped table: its columns, constraints, indexes, triggers,
    /// policies, row level security, comments (not its rows).
    Table {
        /// The table.
        table: TableName,
    },
    /// A table dropped as half of a table rebuild (SQLite's way to change a
    /// table it cannot `ALTER`; see [`Effect::RebuildTable`](crate::sql::analysis::analyzed::Effect::RebuildTable)),
    /// whose rows the down copies back rather than losing them. By the time
    /// the down runs this part, the earlier parts have put the rebuilt table
    /// under the name `rows_from`. The runtime emits, in this order:
    ///
    /// 1. `table` as [`Need::Table`] would, without its indexes and triggers
    ///    (definition read just before the statement);
    /// 2. `INSERT INTO table (c, …) SELECT c, … FROM rows_from`, for the
    ///    columns `c` of `table` (in its order) that are in `kept_columns`;
    /// 3. `DROP TABLE rows_from` (the down's later `DROP TABLE IF EXISTS` of
    ///    it then does nothing): its indexes and triggers may hold the names
    ///    of `table`'s;
    /// 4. `table`'s indexes and triggers.
    TableRebuild {
        /// The dropped table, as the `DROP TABLE` names it.
        table: TableName,
        /// The table that holds the rows when this part runs.
        rows_from: TableName,
        /// The columns of the rebuilt table, folded: those `table` had too
        /// are copied back.
        kept_columns: Vec<String>,
    },
    /// SQLite: the rename that put a rebuilt table in place of the one the
    /// up dropped (`ALTER TABLE new_t RENAME TO t`), undone by renaming
    /// `table` back to `back_to` while other tables' foreign keys to `table`
    /// keep naming it. `legacy_alter_table` keeps the views and triggers
    /// alone; with foreign keys on, SQLite rewrites those foreign keys on
    /// any rename, so the runtime then runs the whole down with foreign
    /// keys off, outside a transaction (SQLite's own rebuild procedure).
    RebuildRename {
        /// The rebuilt table, under the name the up gave it.
        table: TableName,
        /// The name it had while the up filled it.
        back_to: TableName,
    },
    /// A dropped column: its type, nullability, default, constraints and the
    /// indexes on it.
    Column {
        /// Its table.
        table: TableName,
        /// The column.
        column: String,
    },
    /// A column whose type, default or nullability the statement changes:
    /// all three as they were. `now_named` is its name after the statement
    /// when the statement also renames it (MySQL `CHANGE COLUMN old new …`).
    ColumnDefinition {
        /// Its table.
        table: TableName,
        /// The column as it was named before the statement.
        column: String,
        /// Its name afterwards, when the statement renames it.
        now_named: Option<String>,
        /// Which parts the statement changes.
        changes: ColumnChanges,
    },
    /// A dropped index (on `table` where the statement names it: MySQL's
    /// `DROP INDEX i ON t`, `ALTER TABLE t DROP INDEX i`).
    Index {
        /// The index.
        index: TableName,
        /// Its table, where the statement names it.
        table: Option<TableName>,
    },
    /// A dropped constraint (`ALTER TABLE t DROP CONSTRAINT c`, MySQL's
    /// `DROP FOREIGN KEY`, `DROP PRIMARY KEY` with `name` `PRIMARY`).
    Constraint {
        /// Its table.
        table: TableName,
        /// The constraint.
        name: String,
    },
    /// A dropped or replaced view (`DROP VIEW`, `CREATE OR REPLACE VIEW`
    /// of a view that exists).
    View {
        /// The view.
        view: TableName,
        /// Whether it is a materialized view.
        materialized: bool,
    },
    /// A dropped sequence, with its ownership.
    Sequence {
        /// The sequence.
        sequence: TableName,
    },
    /// A dropped type or domain (PostgreSQL), or one whose labels `ALTER TYPE`
    /// changes.
    Type {
        /// The type.
        name: TableName,
    },
    /// A dropped or replaced function or procedure (`CREATE OR REPLACE
    /// FUNCTION` of one that exists). `arguments` is the argument list as
    /// written (`integer, text`) where the statement gives one.
    Routine {
        /// The routine.
        name: TableName,
        /// Its arguments' types as written, where given.
        arguments: Option<String>,
        /// Whether it is a procedure rather than a function.
        procedure: bool,
    },
    /// A dropped or replaced trigger (`table` where the statement names it).
    Trigger {
        /// The trigger.
        name: TableName,
        /// Its table, where the statement names it.
        table: Option<TableName>,
    },
    /// A dropped policy.
    Policy {
        /// The policy.
        name: String,
        /// Its table.
        table: TableName,
    },
    /// A dropped schema (PostgreSQL) and, with `CASCADE`, what was in it.
    Schema {
        /// The schema.
        name: String,
    },
    /// A dropped extension (PostgreSQL).
    Extension {
        /// The extension.
        name: String,
    },
    /// The comment an object had before `COMMENT ON` replaced it.
    Comment {
        /// The object's kind as `COMMENT ON` spells it: `TABLE`, `COLUMN`, …
        object_kind: String,
        /// The object's name as written (`orders.status`).
        object: String,
    },
    /// A table's row level security switches before `ENABLE`/`DISABLE`/
    /// `FORCE`/`NO FORCE ROW LEVEL SECURITY`.
    RowSecurity {
        /// The table.
        table: TableName,
    },
    /// Rows a plain `INSERT … VALUES` adds to a table that was there before
    /// the up. The insert ran without conflict handling, so no row had the
    /// values of a unique key it gives in full: the runtime deletes the rows
    /// by the first such key of the table, and cannot invert the insert
    /// when the table has none.
    InsertedRows {
        /// The table.
        table: TableName,
        /// The columns the insert names, folded.
        columns: Vec<String>,
        /// Each row's values in `columns` order, as SQL literals; `None`
        /// for a value that is not one (an expression, `DEFAULT`, `NULL`).
        rows: Vec<Vec<Option<String>>>,
    },
    /// The comment MySQL's `ALTER TABLE t COMMENT = '…'` replaces.
    TableComment {
        /// The table.
        table: TableName,
    },
    /// The definitions that name a table SQLite is about to rename: its
    /// indexes and triggers, the views and triggers that mention it. SQLite
    /// rewrites their text with the new name quoted, so renaming back leaves
    /// `ON "t"` where the schema said `ON t`: the down puts each text back
    /// after renaming back. Other databases keep no such text.
    References {
        /// The table, under its name before the rename.
        table: TableName,
    },
}

/// Which of a column's definition a statement changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct ColumnChanges {
    /// Its type (`ALTER COLUMN … TYPE`, MySQL `MODIFY`/`CHANGE`).
    pub data_type: bool,
    /// Its default (`SET DEFAULT`, `DROP DEFAULT`).
    pub default: bool,
    /// Its nullability (`SET NOT NULL`, `DROP NOT NULL`).
    pub not_null: bool,
    /// Whether its identity is generated `ALWAYS` or `BY DEFAULT`
    /// (PostgreSQL's `SET GENERATED …`).
    pub identity: bool,
}

/// An object a statement creates without naming it, which the database names.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Unnamed {
    /// `ALTER TABLE t ADD CHECK (…)`, `ADD FOREIGN KEY …`, `ADD UNIQUE …`.
    Constraint {
        /// The table.
        table: TableName,
    },
    /// PostgreSQL's `CREATE INDEX ON t (…)`, MySQL's `ALTER TABLE t ADD
    /// INDEX (…)`.
    Index {
        /// The table.
        table: TableName,
    },
}
