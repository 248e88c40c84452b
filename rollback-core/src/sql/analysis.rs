//! What each statement of a script does to the data, read with sqlparser in
//! the database's dialect, so that a rollback plan can say what it destroys,
//! ask for confirmation and back it up first (DESIGN §5).
//!
//! The analysis is honest rather than clever: a statement the parser cannot
//! read, or a kind this module does not know, is [`StatementClass::Unclassified`]
//! and callers treat it as destructive. A false "unclassified" costs a
//! confirmation; a false "harmless" costs data. The one exception is a short
//! list of statement kinds sqlparser 0.63 cannot read whose every form is
//! harmless, recognized by their first words (see [`unparsed`]).

use std::fmt;

use sqlparser::ast::{
    self, AlterColumnOperation, AlterTableOperation, AssignmentTarget, DropBehavior, FromTable,
    Ident, MergeAction, ObjectName, ObjectNamePart, ObjectType, OnConflictAction, OnInsert, Query,
    ReferentialAction, RenameTableNameKind, SetExpr, SqliteOnConflict, TableFactor, TableObject,
    TableWithJoins, UpdateTableFromKind,
};
use sqlparser::dialect::{
    Dialect as ParserDialect, MySqlDialect, PostgreSqlDialect, SQLiteDialect,
};
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, Tokenizer};

use super::{Dialect, split};

/// Why a statement is unclassified when the parser read it but its kind is
/// not one this module knows.
const UNKNOWN_KIND: &str = "not a statement kind cargo-rollback knows";

/// Why a statement that runs code kept elsewhere (`CALL`, `EXECUTE`, `DO`) is
/// unclassified: that code may drop or delete anything.
pub(super) fn runs_hidden_code(what: &str) -> String {
    format!("{what} runs code that is not in the statement, which may drop or delete anything")
}

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
    fn rank(self) -> u8 {
        match self {
            StatementClass::Schema => 0,
            StatementClass::Data => 1,
            StatementClass::Destructive => 2,
            StatementClass::Unclassified => 3,
        }
    }
}

/// A table as the database names it: quotes removed; unquoted identifiers
/// folded the way the database folds them (PostgreSQL: lowercase; SQLite and
/// MySQL: as written), so that two spellings of one table compare equal.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct TableName {
    /// The schema (or MySQL database) the name was qualified with, if any.
    pub schema: Option<String>,
    /// The table's own name.
    pub name: String,
}

impl fmt::Display for TableName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.schema {
            Some(schema) => write!(f, "{schema}.{}", self.name),
            None => f.write_str(&self.name),
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

/// Splits `script` with `split` and analyzes each statement in `dialect`; then
/// applies the script-level RebuildTable rule. Never panics, whatever the input.
pub fn analyze_script(script: &str, dialect: Dialect) -> Vec<AnalyzedStatement> {
    let mut shapes = Vec::new();
    let mut analyzed = Vec::new();
    for statement in split(script, dialect) {
        let verdict = analyze(statement.sql, dialect);
        shapes.push(verdict.shapes);
        analyzed.push(AnalyzedStatement {
            sql: statement.sql.to_string(),
            line: statement.line,
            class: verdict.class,
            effects: verdict.effects,
            unclassified_reason: verdict.reason,
        });
    }
    apply_rebuilds(&mut analyzed, &shapes, dialect);
    analyzed
}

/// Analyzes one statement (no script-level rules). Text with no statement at
/// all (only comments) is [`StatementClass::Schema`] with no effects: it loses
/// nothing.
pub fn analyze_statement(
    sql: &str,
    dialect: Dialect,
) -> (StatementClass, Vec<Effect>, Option<String>) {
    let verdict = analyze(sql, dialect);
    (verdict.class, verdict.effects, verdict.reason)
}

/// Parses `sql` and merges the verdicts of the statements in it (one, after
/// `split`); what the parser cannot read goes to [`unparsed`].
fn analyze(sql: &str, dialect: Dialect) -> Verdict {
    match Parser::parse_sql(parser_dialect(dialect), sql) {
        Ok(statements) => statements
            .iter()
            .map(|statement| classify(statement, dialect))
            .fold(Verdict::schema(), Verdict::merge),
        Err(error) => {
            unparsed(sql, dialect).unwrap_or_else(|| Verdict::unclassified(error.to_string()))
        }
    }
}

/// sqlparser's dialect for the database's, for parsing and tokenizing.
pub(super) fn parser_dialect(dialect: Dialect) -> &'static dyn ParserDialect {
    match dialect {
        Dialect::Sqlite => &SQLiteDialect {},
        Dialect::Postgres => &PostgreSqlDialect {},
        Dialect::MySql => &MySqlDialect {},
    }
}

/// The verdict on a statement the parser rejected, when its first words name
/// a kind that is harmless in every form and that sqlparser 0.63 does not
/// read (at all, or in the form found in real migrations). The text must be
/// one statement: no `;` before its end. Case by case:
///
/// - `PRAGMA` (SQLite): sqlparser reads `PRAGMA foreign_keys = 1` but not
///   `= ON`/`OFF`; a pragma sets or reads a setting and changes no row.
/// - `SET …`, `RESET …` (`SET CONSTRAINTS ALL DEFERRED`): session settings.
/// - `COMMENT ON …` (`COMMENT ON FUNCTION f(int)`, `ON CONSTRAINT`): only a description.
/// - `REINDEX …`: rebuilds indexes from the rows, never the other way round.
/// - `CREATE …`: creating loses nothing (sequences with options in another
///   order, functions with `COST`, PostgreSQL 18's named `NOT NULL`
///   constraints, `CREATE STATISTICS`, `CREATE RULE`), except `CREATE OR
///   REPLACE TABLE` (or `TEMPORARY …`), which drops a table and stays unclassified.
/// - `ALTER TRIGGER`, `ALTER INDEX`, `ALTER VIEW`, `ALTER MATERIALIZED VIEW`,
///   `ALTER STATISTICS`: renames, owners, options, none of which loses data.
/// - `ALTER SEQUENCE` (`OWNED BY`, `RENAME TO`), unless it says `RESTART`,
///   which loses the sequence's position.
/// - `DROP INDEX` (`CONCURRENTLY`), `DROP STATISTICS`, `DROP RULE`.
/// - `PREPARE` (MySQL's `PREPARE s FROM @sql`): compiles, runs nothing.
/// - `REFRESH MATERIALIZED VIEW`: [`Data`](StatementClass::Data), it recomputes
///   rows the view derives from its tables.
/// - `DO` stays unclassified, with the reason that it runs code: a `DO`
///   block can do anything.
///
/// `ALTER TABLE` is not on the list, whatever the parser trips on (`ALTER
/// CONSTRAINT`, `SET SCHEMA`, MySQL's `ENGINE=`): the same statement may drop
/// a column.
fn unparsed(sql: &str, dialect: Dialect) -> Option<Verdict> {
    let words = single_statement_words(sql, dialect)?;
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    let leading = &words[..words
        .iter()
        .position(|word| word.is_empty())
        .unwrap_or(words.len())];
    match leading {
        ["DO", ..] => Some(Verdict::unclassified(runs_hidden_code("DO"))),
        ["PRAGMA", ..] if dialect == Dialect::Sqlite => Some(Verdict::schema()),
        [
            "CREATE",
            "OR",
            "REPLACE",
            "TABLE" | "TEMPORARY" | "TEMP",
            ..,
        ] => None,
        ["ALTER", "SEQUENCE", ..] if words.contains(&"RESTART") => None,
        ["SET" | "RESET" | "REINDEX" | "CREATE" | "PREPARE", ..]
        | ["COMMENT", "ON", ..]
        | [
            "ALTER",
            "TRIGGER" | "INDEX" | "VIEW" | "STATISTICS" | "SEQUENCE",
            ..,
        ]
        | ["ALTER", "MATERIALIZED", "VIEW", ..]
        | ["DROP", "INDEX" | "STATISTICS" | "RULE", ..] => Some(Verdict::schema()),
        ["REFRESH", "MATERIALIZED", "VIEW", ..] => Some(Verdict::data(Vec::new())),
        _ => None,
    }
}

/// The significant tokens of `sql` as words: each unquoted word upper-cased,
/// anything else (a quoted name, a literal, punctuation) as an empty string.
/// `None` when the tokenizer cannot read `sql` or when it holds more than one
/// statement (a `;` before the end).
fn single_statement_words(sql: &str, dialect: Dialect) -> Option<Vec<String>> {
    let word = |token: &Token| match token {
        Token::Word(word) if word.quote_style.is_none() => word.value.to_ascii_uppercase(),
        _ => String::new(),
    };
    Some(
        single_statement_tokens(sql, dialect)?
            .iter()
            .map(word)
            .collect(),
    )
}

/// The tokens of `sql` but whitespace, comments and a final `;`. `None` when
/// the tokenizer cannot read `sql` or when it holds more than one statement
/// (a `;` before the end).
pub(super) fn single_statement_tokens(sql: &str, dialect: Dialect) -> Option<Vec<Token>> {
    let mut significant: Vec<Token> = Tokenizer::new(parser_dialect(dialect), sql)
        .tokenize()
        .ok()?
        .into_iter()
        .filter(|token| !matches!(token, Token::Whitespace(_) | Token::EOF))
        .collect();
    if significant.last() == Some(&Token::SemiColon) {
        significant.pop();
    }
    if significant.contains(&Token::SemiColon) {
        return None;
    }
    Some(significant)
}

/// What the script-level rules need to know of a statement beyond its effects.
#[derive(Debug)]
enum Shape {
    /// `CREATE TABLE table (columns…)`, columns folded.
    CreateTable {
        table: TableName,
        columns: Vec<String>,
    },
    /// A table renamed, by `ALTER TABLE … RENAME TO` or MySQL's `RENAME TABLE`.
    Rename { from: TableName, to: TableName },
}

/// The class, effects and shapes of one parsed statement, merged across the
/// parts of an `ALTER TABLE` or the statements of one text.
#[derive(Debug)]
struct Verdict {
    class: StatementClass,
    effects: Vec<Effect>,
    reason: Option<String>,
    shapes: Vec<Shape>,
}

impl Verdict {
    fn new(class: StatementClass, effects: Vec<Effect>) -> Verdict {
        Verdict {
            class,
            effects,
            reason: None,
            shapes: Vec::new(),
        }
    }

    /// Harmless, and what merging starts from.
    fn schema() -> Verdict {
        Verdict::new(StatementClass::Schema, Vec::new())
    }

    fn destructive(effects: Vec<Effect>) -> Verdict {
        Verdict::new(StatementClass::Destructive, effects)
    }

    fn data(effects: Vec<Effect>) -> Verdict {
        Verdict::new(StatementClass::Data, effects)
    }

    fn unclassified(reason: impl Into<String>) -> Verdict {
        Verdict {
            reason: Some(reason.into()),
            ..Verdict::new(StatementClass::Unclassified, Vec::new())
        }
    }

    fn with_shape(mut self, shape: Shape) -> Verdict {
        self.shapes.push(shape);
        self
    }

    /// The worst class wins; effects and shapes add up; the first reason for
    /// being unclassified is kept.
    fn merge(mut self, other: Verdict) -> Verdict {
        if other.class.rank() > self.class.rank() {
            self.class = other.class;
        }
        self.effects.extend(other.effects);
        self.shapes.extend(other.shapes);
        self.reason = self.reason.or(other.reason);
        self
    }
}

/// The verdict on one parsed statement. The kinds listed are those the three
/// dialects produce in migrations; anything else is unknown, hence unclassified.
fn classify(statement: &ast::Statement, dialect: Dialect) -> Verdict {
    use ast::Statement as S;
    match statement {
        S::CreateTable(create) => create_table(create, dialect),
        S::AlterTable(alter) => alter_table(alter, dialect),
        S::Drop {
            object_type,
            names,
            cascade,
            ..
        } => drop_objects(*object_type, names, *cascade, dialect),
        S::DropFunction(function) => {
            cascading(function.drop_behavior == Some(DropBehavior::Cascade))
        }
        S::DropProcedure { drop_behavior, .. } => {
            cascading(*drop_behavior == Some(DropBehavior::Cascade))
        }
        S::DropExtension(extension) => {
            cascading(extension.cascade_or_restrict == Some(ReferentialAction::Cascade))
        }
        S::DropDomain(_) => Verdict::destructive(Vec::new()),
        S::Truncate(truncate) => Verdict::destructive(
            truncate
                .table_names
                .iter()
                .map(|target| Effect::Truncate {
                    table: table_name(&target.name, dialect),
                })
                .collect(),
        ),
        S::RenameTable(renames) => renames
            .iter()
            .map(|rename| {
                let from = table_name(&rename.old_name, dialect);
                let to = renamed_to(&from, &rename.new_name, dialect);
                Verdict::schema().with_shape(Shape::Rename { from, to })
            })
            .fold(Verdict::schema(), Verdict::merge),
        S::StartTransaction { statements, .. } => statements
            .iter()
            .map(|inner| classify(inner, dialect))
            .fold(Verdict::schema(), Verdict::merge),
        S::Query(query) => query_verdict(query, dialect),
        S::Insert(insert) => Verdict::data(insert_effects(insert, dialect)),
        S::Update(update) => Verdict::data(update_effects(update, dialect)),
        S::Delete(delete) => Verdict::data(delete_effects(delete, dialect)),
        S::Merge(merge) => Verdict::data(merge_effects(merge, dialect)),
        S::Copy { .. } | S::LoadData { .. } => Verdict::data(Vec::new()),
        S::Call(_) => Verdict::unclassified(runs_hidden_code("CALL")),
        S::Execute { .. } => Verdict::unclassified(runs_hidden_code("EXECUTE")),
        _ if is_harmless(statement) => Verdict::schema(),
        _ => Verdict::unclassified(UNKNOWN_KIND),
    }
}

/// Kinds that change the schema or the session and lose nothing stored.
fn is_harmless(statement: &ast::Statement) -> bool {
    use ast::Statement as S;
    matches!(
        statement,
        S::CreateView(_)
            | S::CreateVirtualTable { .. }
            | S::CreateIndex(_)
            | S::CreateRole(_)
            | S::CreateUser(_)
            | S::CreatePolicy(_)
            | S::CreateExtension(_)
            | S::CreateCollation(_)
            | S::CreateSchema { .. }
            | S::CreateDatabase { .. }
            | S::CreateFunction(_)
            | S::CreateTrigger(_)
            | S::CreateProcedure { .. }
            | S::CreateSequence { .. }
            | S::CreateDomain(_)
            | S::CreateType { .. }
            | S::CreateOperator(_)
            | S::CreateOperatorFamily(_)
            | S::CreateOperatorClass(_)
            | S::CreateTextSearch(_)
            | S::AlterSchema(_)
            | S::AlterIndex { .. }
            | S::AlterView { .. }
            | S::AlterFunction(_)
            | S::AlterType(_)
            | S::AlterCollation(_)
            | S::AlterOperator(_)
            | S::AlterOperatorFamily(_)
            | S::AlterOperatorClass(_)
            | S::AlterTextSearch(_)
            | S::AlterRole { .. }
            | S::AlterUser(_)
            | S::AlterPolicy(_)
            | S::DropTrigger(_)
            | S::DropPolicy(_)
            | S::DropOperator(_)
            | S::DropOperatorFamily(_)
            | S::DropOperatorClass(_)
            | S::Comment { .. }
            | S::Grant(_)
            | S::Revoke(_)
            | S::Set(_)
            | S::Reset(_)
            | S::Discard { .. }
            | S::Pragma { .. }
            | S::AttachDatabase { .. }
            | S::Use(_)
            | S::Commit { .. }
            | S::Rollback { .. }
            | S::Savepoint { .. }
            | S::ReleaseSavepoint { .. }
            | S::Analyze(_)
            | S::Vacuum(_)
            | S::Prepare { .. }
            | S::Deallocate { .. }
            | S::Lock(_)
            | S::LockTables { .. }
            | S::UnlockTables
            | S::LISTEN { .. }
            | S::UNLISTEN { .. }
            | S::NOTIFY { .. }
    )
}

/// A drop of a kind that is harmless alone and destructive with `CASCADE`
/// (see [`StatementClass::Schema`]).
fn cascading(cascade: bool) -> Verdict {
    if cascade {
        Verdict::destructive(Vec::new())
    } else {
        Verdict::schema()
    }
}

/// `CREATE TABLE` is harmless, except MariaDB's `CREATE OR REPLACE TABLE`,
/// which drops the table it replaces.
fn create_table(create: &ast::CreateTable, dialect: Dialect) -> Verdict {
    let table = table_name(&create.name, dialect);
    let columns = create
        .columns
        .iter()
        .map(|column| fold(&column.name, dialect))
        .collect();
    let verdict = if create.or_replace {
        Verdict::destructive(vec![Effect::DropTable {
            table: table.clone(),
        }])
    } else {
        Verdict::schema()
    };
    verdict.with_shape(Shape::CreateTable { table, columns })
}

/// `DROP <kind> names…`, with one effect per name where the kind has one.
fn drop_objects(
    kind: ObjectType,
    names: &[ObjectName],
    cascade: bool,
    dialect: Dialect,
) -> Verdict {
    let effect = |name: &ObjectName| {
        let table = table_name(name, dialect);
        match kind {
            ObjectType::Table => Some(Effect::DropTable { table }),
            ObjectType::View | ObjectType::MaterializedView => Some(Effect::DropView {
                view: table,
                materialized: kind == ObjectType::MaterializedView,
            }),
            ObjectType::Schema => Some(Effect::DropSchema {
                schema: table.name,
                cascade,
            }),
            _ => None,
        }
    };
    match kind {
        ObjectType::Index | ObjectType::Role | ObjectType::User => Verdict::schema(),
        ObjectType::Collation => cascading(cascade),
        ObjectType::Table
        | ObjectType::View
        | ObjectType::MaterializedView
        | ObjectType::Schema
        | ObjectType::Database
        | ObjectType::Sequence
        | ObjectType::Type => Verdict::destructive(names.iter().filter_map(effect).collect()),
        ObjectType::Stage | ObjectType::Stream | ObjectType::Warehouse => {
            Verdict::unclassified(UNKNOWN_KIND)
        }
    }
}

/// `ALTER TABLE`: each operation judged on its own, then merged.
fn alter_table(alter: &ast::AlterTable, dialect: Dialect) -> Verdict {
    let table = table_name(&alter.name, dialect);
    alter
        .operations
        .iter()
        .map(|operation| alter_operation(&table, operation, dialect))
        .fold(Verdict::schema(), Verdict::merge)
}

fn alter_operation(
    table: &TableName,
    operation: &AlterTableOperation,
    dialect: Dialect,
) -> Verdict {
    use AlterTableOperation as A;
    let column_effect = |column: &Ident, drop: bool| {
        let column = fold(column, dialect);
        let table = table.clone();
        if drop {
            Effect::DropColumn { table, column }
        } else {
            Effect::ChangeColumnType { table, column }
        }
    };
    match operation {
        A::DropColumn { column_names, .. } => Verdict::destructive(
            column_names
                .iter()
                .map(|column| column_effect(column, true))
                .collect(),
        ),
        A::AlterColumn {
            column_name,
            op: AlterColumnOperation::SetDataType { .. },
        } => Verdict::destructive(vec![column_effect(column_name, false)]),
        A::ModifyColumn { col_name, .. } => {
            Verdict::destructive(vec![column_effect(col_name, false)])
        }
        A::ChangeColumn { old_name, .. } => {
            Verdict::destructive(vec![column_effect(old_name, false)])
        }
        A::DropPartitions { .. } => Verdict::destructive(Vec::new()),
        A::RenameTable { table_name } => {
            let (RenameTableNameKind::As(to) | RenameTableNameKind::To(to)) = table_name;
            Verdict::schema().with_shape(Shape::Rename {
                from: table.clone(),
                to: renamed_to(table, to, dialect),
            })
        }
        A::AlterColumn { .. }
        | A::AddConstraint { .. }
        | A::AddColumn { .. }
        | A::DropConstraint { .. }
        | A::DropPrimaryKey { .. }
        | A::DropForeignKey { .. }
        | A::DropIndex { .. }
        | A::RenameColumn { .. }
        | A::RenameConstraint { .. }
        | A::ValidateConstraint { .. }
        | A::EnableRowLevelSecurity
        | A::DisableRowLevelSecurity
        | A::ForceRowLevelSecurity
        | A::NoForceRowLevelSecurity
        | A::EnableTrigger { .. }
        | A::DisableTrigger { .. }
        | A::EnableAlwaysTrigger { .. }
        | A::EnableReplicaTrigger { .. }
        | A::EnableRule { .. }
        | A::DisableRule { .. }
        | A::EnableAlwaysRule { .. }
        | A::EnableReplicaRule { .. }
        | A::ReplicaIdentity { .. }
        | A::OwnerTo { .. }
        | A::SetLogged
        | A::SetUnlogged
        | A::AttachPartition { .. }
        | A::DetachPartition { .. }
        | A::AddPartitions { .. }
        | A::Algorithm { .. }
        | A::Lock { .. }
        | A::AutoIncrement { .. }
        | A::SetOptionsParens { .. } => Verdict::schema(),
        _ => Verdict::unclassified(UNKNOWN_KIND),
    }
}

/// `SELECT`, `VALUES`, `WITH …`: data, plus what PostgreSQL's data-modifying
/// `WITH` parts and a `WITH … UPDATE/DELETE` body do.
fn query_verdict(query: &Query, dialect: Dialect) -> Verdict {
    let parts = query
        .with
        .iter()
        .flat_map(|with| &with.cte_tables)
        .map(|cte| query_verdict(&cte.query, dialect));
    parts
        .fold(Verdict::data(Vec::new()), Verdict::merge)
        .merge(set_expr_verdict(&query.body, dialect))
}

fn set_expr_verdict(body: &SetExpr, dialect: Dialect) -> Verdict {
    match body {
        SetExpr::Insert(statement)
        | SetExpr::Update(statement)
        | SetExpr::Delete(statement)
        | SetExpr::Merge(statement) => classify(statement, dialect),
        SetExpr::Query(query) => query_verdict(query, dialect),
        SetExpr::SetOperation { left, right, .. } => {
            set_expr_verdict(left, dialect).merge(set_expr_verdict(right, dialect))
        }
        SetExpr::Select(_) | SetExpr::Values(_) | SetExpr::Table(_) => Verdict::data(Vec::new()),
    }
}

/// An insert changes existing rows when it is an upsert (`ON CONFLICT DO
/// UPDATE`, `ON DUPLICATE KEY UPDATE`) and deletes them when it replaces
/// (`REPLACE INTO`, `INSERT OR REPLACE`).
fn insert_effects(insert: &ast::Insert, dialect: Dialect) -> Vec<Effect> {
    let TableObject::TableName(name) = &insert.table else {
        return Vec::new();
    };
    let table = table_name(name, dialect);
    let replaces = insert.replace_into || insert.or == Some(SqliteOnConflict::Replace);
    let upserts = match &insert.on {
        Some(OnInsert::DuplicateKeyUpdate(_)) => true,
        Some(OnInsert::OnConflict(conflict)) => {
            matches!(conflict.action, OnConflictAction::DoUpdate(_))
        }
        _ => false,
    };
    let mut effects = Vec::new();
    if replaces {
        effects.push(Effect::DeleteRows {
            table: table.clone(),
        });
    }
    if upserts {
        effects.push(Effect::UpdateRows { table });
    }
    effects
}

/// The updated table, and with MySQL's multi-table `UPDATE a JOIN b … SET
/// b.x = …` every other table whose name or alias qualifies an assigned column.
pub(super) fn update_effects(update: &ast::Update, dialect: Dialect) -> Vec<Effect> {
    let mut sources = vec![&update.table];
    if let Some(UpdateTableFromKind::BeforeSet(from)) = &update.from {
        sources.extend(from);
    }
    let qualifiers: Vec<String> = update
        .assignments
        .iter()
        .flat_map(|assignment| match &assignment.target {
            AssignmentTarget::ColumnName(column) => std::slice::from_ref(column),
            AssignmentTarget::Tuple(columns) => columns.as_slice(),
        })
        .filter_map(|column| qualifier(column, dialect))
        .collect();
    let main = named_table(&update.table.relation, dialect).map(|(table, _)| table);
    let joined = sources
        .into_iter()
        .flat_map(factors)
        .filter_map(|factor| named_table(factor, dialect))
        .filter(|(table, alias)| {
            qualifiers
                .iter()
                .any(|q| *q == table.name || alias.as_ref() == Some(q))
        })
        .map(|(table, _)| table);
    let mut tables: Vec<TableName> = main.into_iter().collect();
    for table in joined {
        if !tables.contains(&table) {
            tables.push(table);
        }
    }
    tables
        .into_iter()
        .map(|table| Effect::UpdateRows { table })
        .collect()
}

/// The tables rows are deleted from: those listed before `FROM` (MySQL's
/// multi-table form, aliases resolved), else those after it, but not `USING`.
pub(super) fn delete_effects(delete: &ast::Delete, dialect: Dialect) -> Vec<Effect> {
    let (FromTable::WithFromKeyword(from) | FromTable::WithoutKeyword(from)) = &delete.from;
    let tables: Vec<TableName> = if delete.tables.is_empty() {
        from.iter()
            .filter_map(|source| named_table(&source.relation, dialect))
            .map(|(table, _)| table)
            .collect()
    } else {
        let known: Vec<(TableName, Option<String>)> = from
            .iter()
            .chain(delete.using.iter().flatten())
            .flat_map(factors)
            .filter_map(|factor| named_table(factor, dialect))
            .collect();
        delete
            .tables
            .iter()
            .map(|name| resolve_alias(table_name(name, dialect), &known))
            .collect()
    };
    tables
        .into_iter()
        .map(|table| Effect::DeleteRows { table })
        .collect()
}

/// `MERGE INTO t …`: what its `WHEN` clauses do to `t`.
fn merge_effects(merge: &ast::Merge, dialect: Dialect) -> Vec<Effect> {
    let Some((table, _)) = named_table(&merge.table, dialect) else {
        return Vec::new();
    };
    let does = |wanted: fn(&MergeAction) -> bool| {
        merge.clauses.iter().any(|clause| wanted(&clause.action))
    };
    let mut effects = Vec::new();
    if does(|action| matches!(action, MergeAction::Update(_))) {
        effects.push(Effect::UpdateRows {
            table: table.clone(),
        });
    }
    if does(|action| matches!(action, MergeAction::Delete { .. })) {
        effects.push(Effect::DeleteRows { table });
    }
    effects
}

/// The table factors of a `FROM` item: its first relation and each joined one.
fn factors(source: &TableWithJoins) -> impl Iterator<Item = &TableFactor> {
    std::iter::once(&source.relation).chain(source.joins.iter().map(|join| &join.relation))
}

/// A named table of a `FROM` item, with its alias folded; `None` for
/// subqueries and table functions.
pub(super) fn named_table(
    factor: &TableFactor,
    dialect: Dialect,
) -> Option<(TableName, Option<String>)> {
    match factor {
        TableFactor::Table { name, alias, .. } => Some((
            table_name(name, dialect),
            alias.as_ref().map(|alias| fold(&alias.name, dialect)),
        )),
        _ => None,
    }
}

/// The table an unqualified name stands for when it is an alias of one of
/// `known`; the name itself otherwise.
fn resolve_alias(name: TableName, known: &[(TableName, Option<String>)]) -> TableName {
    if name.schema.is_some() {
        return name;
    }
    known
        .iter()
        .find(|(_, alias)| alias.as_ref() == Some(&name.name))
        .map_or(name, |(table, _)| table.clone())
}

/// The table part of a qualified column (`t.c`, `s.t.c`), folded.
fn qualifier(column: &ObjectName, dialect: Dialect) -> Option<String> {
    let parts = &column.0;
    let index = parts.len().checked_sub(2)?;
    parts.get(index).map(|part| fold_part(part, dialect))
}

/// An identifier as the database stores it. PostgreSQL folds unquoted names
/// to lower case, ASCII letters only (as it does in UTF-8 databases); SQLite
/// and MySQL keep them as written.
pub(super) fn fold(ident: &Ident, dialect: Dialect) -> String {
    match (ident.quote_style, dialect) {
        (None, Dialect::Postgres) => ident.value.to_ascii_lowercase(),
        _ => ident.value.clone(),
    }
}

/// One part of a dotted name; a part computed by a function (not in these
/// dialects) is kept as the parser prints it.
fn fold_part(part: &ObjectNamePart, dialect: Dialect) -> String {
    match part {
        ObjectNamePart::Identifier(ident) => fold(ident, dialect),
        ObjectNamePart::Function(_) => part.to_string(),
    }
}

/// `name`, `schema.name`, or `database.schema.name` (of which the last two
/// parts are kept).
pub(super) fn table_name(name: &ObjectName, dialect: Dialect) -> TableName {
    let mut parts = name.0.iter().rev().map(|part| fold_part(part, dialect));
    let own = parts.next().unwrap_or_default();
    TableName {
        schema: parts.next(),
        name: own,
    }
}

/// The full name a table gets from `RENAME TO to`: an unqualified new name
/// stays in the table's schema.
pub(super) fn renamed_to(from: &TableName, to: &ObjectName, dialect: Dialect) -> TableName {
    let mut to = table_name(to, dialect);
    if to.schema.is_none() {
        to.schema.clone_from(&from.schema);
    }
    to
}

/// Whether two names are one table. SQLite compares names without regard to
/// ASCII case, quoted or not; the others compare the folded names.
pub(super) fn same_table(a: &TableName, b: &TableName, dialect: Dialect) -> bool {
    let key = |name: &TableName| match dialect {
        Dialect::Sqlite => TableName {
            schema: name.schema.as_ref().map(|s| s.to_ascii_lowercase()),
            name: name.name.to_ascii_lowercase(),
        },
        Dialect::Postgres | Dialect::MySql => name.clone(),
    };
    key(a) == key(b)
}

/// Replaces the `DropTable` effects that are half of a table rebuild with
/// `RebuildTable` (see [`Effect::RebuildTable`]). The pattern is recognized in
/// every dialect: it means the same thing everywhere. A rebuild whose new
/// table has no column list (`CREATE TABLE new AS SELECT …`) keeps its
/// `DropTable`, since which columns survive is not known.
fn apply_rebuilds(analyzed: &mut [AnalyzedStatement], shapes: &[Vec<Shape>], dialect: Dialect) {
    let steps = rebuild_steps(shapes.iter().map(Vec::as_slice));
    for (index, statement) in analyzed.iter_mut().enumerate() {
        for effect in &mut statement.effects {
            let Effect::DropTable { table } = effect else {
                continue;
            };
            if let Some(rebuild) = rebuild(&steps, index, table, dialect) {
                *effect = rebuild.into_effect();
            }
        }
    }
}

/// A `DROP TABLE` that is half of a table rebuild (see
/// [`Effect::RebuildTable`]), with what undoing it needs beyond the effect:
/// which table the rebuild renames.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Rebuild {
    /// The rebuilt table, under the name it keeps (the effect's `table`).
    pub(super) table: TableName,
    /// The table the rebuild renames: the new table, renamed into place
    /// after the drop, or the old one, renamed away before it. Either way,
    /// the table that holds the rows once the rebuild is done.
    pub(super) renamed: TableName,
    /// The columns of the new table's `CREATE TABLE`, folded.
    pub(super) kept_columns: Vec<String>,
}

impl Rebuild {
    fn into_effect(self) -> Effect {
        Effect::RebuildTable {
            table: self.table,
            kept_columns: self.kept_columns,
        }
    }
}

/// Every table a `DROP TABLE` of `script` drops as half of a rebuild: the
/// statement's index (in `split` order), the dropped table as the statement
/// names it, and the rebuild. The same rule as [`analyze_script`]'s.
pub(super) fn rebuilds(script: &str, dialect: Dialect) -> Vec<(usize, TableName, Rebuild)> {
    let verdicts: Vec<Verdict> = split(script, dialect)
        .iter()
        .map(|statement| analyze(statement.sql, dialect))
        .collect();
    let steps = rebuild_steps(verdicts.iter().map(|verdict| verdict.shapes.as_slice()));
    let steps = &steps;
    verdicts
        .iter()
        .enumerate()
        .flat_map(|(index, verdict)| {
            verdict
                .effects
                .iter()
                .filter_map(move |effect| match effect {
                    Effect::DropTable { table } => rebuild(steps, index, table, dialect)
                        .map(|rebuild| (index, table.clone(), rebuild)),
                    _ => None,
                })
        })
        .collect()
}

/// The shapes of a script's statements, each with its statement's index.
fn rebuild_steps<'a>(shapes: impl Iterator<Item = &'a [Shape]>) -> Vec<(usize, &'a Shape)> {
    shapes
        .enumerate()
        .flat_map(|(index, shapes)| shapes.iter().map(move |shape| (index, shape)))
        .collect()
}

/// The rebuild that the drop of `dropped` at statement `at` belongs to, if any.
fn rebuild(
    steps: &[(usize, &Shape)],
    at: usize,
    dropped: &TableName,
    dialect: Dialect,
) -> Option<Rebuild> {
    let created_before = |table: &TableName, before: usize| {
        steps.iter().rev().find_map(|(index, shape)| match shape {
            Shape::CreateTable {
                table: created,
                columns,
            } if *index < before && same_table(created, table, dialect) => Some(columns.clone()),
            _ => None,
        })
    };
    let created_after = |table: &TableName, after: usize| {
        steps.iter().find_map(|(index, shape)| match shape {
            Shape::CreateTable {
                table: created,
                columns,
            } if *index > after && same_table(created, table, dialect) => Some(columns.clone()),
            _ => None,
        })
    };
    steps.iter().find_map(|(index, shape)| {
        let Shape::Rename { from, to } = shape else {
            return None;
        };
        let kept_columns = if *index > at && same_table(to, dropped, dialect) {
            created_before(from, *index)
        } else if *index < at && same_table(to, dropped, dialect) {
            created_after(from, *index)
        } else {
            None
        }?;
        let table = if *index > at { dropped } else { from };
        (!kept_columns.is_empty()).then(|| Rebuild {
            table: table.clone(),
            renamed: from.clone(),
            kept_columns,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Dialect; 3] = [Dialect::Sqlite, Dialect::Postgres, Dialect::MySql];

    fn class(sql: &str, dialect: Dialect) -> StatementClass {
        analyze_statement(sql, dialect).0
    }

    fn effects(sql: &str, dialect: Dialect) -> Vec<Effect> {
        analyze_statement(sql, dialect).1
    }

    fn reason(sql: &str, dialect: Dialect) -> String {
        analyze_statement(sql, dialect).2.unwrap_or_default()
    }

    fn table(name: &str) -> TableName {
        TableName {
            schema: None,
            name: name.to_string(),
        }
    }

    fn qualified(schema: &str, name: &str) -> TableName {
        TableName {
            schema: Some(schema.to_string()),
            name: name.to_string(),
        }
    }

    fn drop_table(name: &str) -> Effect {
        Effect::DropTable { table: table(name) }
    }

    fn drop_column(name: &str, column: &str) -> Effect {
        Effect::DropColumn {
            table: table(name),
            column: column.to_string(),
        }
    }

    fn change_type(name: &str, column: &str) -> Effect {
        Effect::ChangeColumnType {
            table: table(name),
            column: column.to_string(),
        }
    }

    #[track_caller]
    fn assert_class(dialect: Dialect, expected: StatementClass, statements: &[&str]) {
        for sql in statements {
            let (class, _, reason) = analyze_statement(sql, dialect);
            assert_eq!(class, expected, "{} `{sql}`: {reason:?}", dialect.as_str());
        }
    }

    #[test]
    fn schema_statements_in_every_dialect() {
        for dialect in ALL {
            assert_class(
                dialect,
                StatementClass::Schema,
                &[
                    "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)",
                    "CREATE INDEX i ON t (name)",
                    "CREATE VIEW v AS SELECT id FROM t",
                    "ALTER TABLE t ADD COLUMN c INT",
                    "ALTER TABLE t RENAME TO u",
                    "ALTER TABLE t RENAME COLUMN a TO b",
                    "DROP TRIGGER tr",
                    "BEGIN",
                    "COMMIT",
                    "SAVEPOINT s",
                ],
            );
        }
    }

    #[test]
    fn schema_statements_of_postgres() {
        assert_class(
            Dialect::Postgres,
            StatementClass::Schema,
            &[
                "ALTER TABLE t ADD CONSTRAINT c UNIQUE (a)",
                "ALTER TABLE t ALTER COLUMN c SET NOT NULL",
                "ALTER TABLE t ALTER COLUMN c DROP NOT NULL",
                "ALTER TABLE t ALTER COLUMN c SET DEFAULT 0",
                "ALTER TABLE t ALTER c DROP DEFAULT",
                "ALTER TABLE t DROP CONSTRAINT c",
                "ALTER TABLE t RENAME CONSTRAINT a TO b",
                "ALTER TABLE t ENABLE ROW LEVEL SECURITY",
                "ALTER TABLE t DISABLE ROW LEVEL SECURITY",
                "ALTER INDEX i RENAME TO j",
                "DROP INDEX IF EXISTS i",
                "DROP FUNCTION IF EXISTS f(int)",
                "DROP PROCEDURE p",
                "DROP POLICY p ON t",
                "DROP EXTENSION citext",
                "DROP TRIGGER tr ON t",
                "CREATE EXTENSION IF NOT EXISTS citext",
                "CREATE TYPE mood AS ENUM ('sad', 'happy')",
                "ALTER TYPE mood ADD VALUE 'ok'",
                "COMMENT ON TABLE t IS 'users'",
                "GRANT SELECT ON t TO reader",
                "REVOKE ALL ON t FROM reader",
                "SET search_path TO public",
                "SET LOCAL lock_timeout = '1s'",
                "START TRANSACTION ISOLATION LEVEL SERIALIZABLE",
                "CREATE FUNCTION f() RETURNS trigger AS $$ BEGIN RETURN NEW; END $$ LANGUAGE plpgsql",
            ],
        );
    }

    #[test]
    fn schema_statements_of_mysql_and_sqlite() {
        assert_class(
            Dialect::MySql,
            StatementClass::Schema,
            &[
                "DROP INDEX i ON t",
                "RENAME TABLE a TO b",
                "ALTER TABLE t DROP FOREIGN KEY fk",
                "ALTER TABLE t DROP PRIMARY KEY",
                "ALTER TABLE t DROP INDEX i",
                "SET FOREIGN_KEY_CHECKS = 0",
                "START TRANSACTION",
                "LOCK TABLES t WRITE",
                "DEALLOCATE PREPARE stmt",
            ],
        );
        assert_class(
            Dialect::Sqlite,
            StatementClass::Schema,
            &[
                "PRAGMA foreign_keys = 1",
                "PRAGMA foreign_keys",
                "DROP INDEX i",
                "BEGIN IMMEDIATE",
                "END TRANSACTION",
                "VACUUM",
                "CREATE TRIGGER tr AFTER INSERT ON a BEGIN UPDATE a SET n = 1; END",
            ],
        );
    }

    #[test]
    fn drop_table_in_every_dialect() {
        for dialect in ALL {
            assert_eq!(
                analyze_statement("DROP TABLE users", dialect),
                (StatementClass::Destructive, vec![drop_table("users")], None)
            );
            assert_eq!(
                effects("DROP TABLE IF EXISTS a, b", dialect),
                [drop_table("a"), drop_table("b")]
            );
        }
    }

    #[test]
    fn postgres_multi_table_drop_with_cascade_folds_names() {
        assert_eq!(
            effects(
                r#"DROP TABLE IF EXISTS a, "B", Sales.Orders CASCADE"#,
                Dialect::Postgres
            ),
            [
                drop_table("a"),
                drop_table("B"),
                Effect::DropTable {
                    table: qualified("sales", "orders")
                },
            ]
        );
    }

    #[test]
    fn identifiers_fold_the_way_the_database_does() {
        assert_eq!(
            effects("DROP TABLE Users", Dialect::Postgres),
            [drop_table("users")]
        );
        assert_eq!(
            effects("DROP TABLE Users", Dialect::Sqlite),
            [drop_table("Users")]
        );
        assert_eq!(
            effects("DROP TABLE `Users`", Dialect::MySql),
            [drop_table("Users")]
        );
        assert_eq!(
            effects(
                r#"ALTER TABLE "Users" DROP COLUMN "eMail""#,
                Dialect::Postgres
            ),
            [drop_column("Users", "eMail")]
        );
        assert_eq!(
            effects("ALTER TABLE [t] DROP COLUMN [c]", Dialect::Sqlite),
            [drop_column("t", "c")]
        );
    }

    #[test]
    fn names_with_three_parts_keep_the_last_two() {
        assert_eq!(
            effects("DROP TABLE db.sch.tbl", Dialect::Postgres),
            [Effect::DropTable {
                table: qualified("sch", "tbl")
            }]
        );
        assert_eq!(qualified("sch", "tbl").to_string(), "sch.tbl");
        assert_eq!(table("tbl").to_string(), "tbl");
    }

    #[test]
    fn drop_column_in_every_dialect() {
        for dialect in ALL {
            assert_eq!(
                analyze_statement("ALTER TABLE t DROP COLUMN c", dialect),
                (
                    StatementClass::Destructive,
                    vec![drop_column("t", "c")],
                    None
                )
            );
        }
        assert_eq!(
            effects("ALTER TABLE t DROP c", Dialect::MySql),
            [drop_column("t", "c")]
        );
    }

    #[test]
    fn postgres_type_changes() {
        for sql in [
            "ALTER TABLE t ALTER COLUMN c TYPE bigint",
            "ALTER TABLE t ALTER c SET DATA TYPE text USING c::text",
        ] {
            assert_eq!(
                analyze_statement(sql, Dialect::Postgres),
                (
                    StatementClass::Destructive,
                    vec![change_type("t", "c")],
                    None
                )
            );
        }
    }

    #[test]
    fn mysql_type_changes_name_the_old_column() {
        for sql in [
            "ALTER TABLE t MODIFY c INT NOT NULL",
            "ALTER TABLE t MODIFY COLUMN c BIGINT",
        ] {
            assert_eq!(effects(sql, Dialect::MySql), [change_type("t", "c")]);
        }
        for sql in [
            "ALTER TABLE t CHANGE old new INT",
            "ALTER TABLE t CHANGE COLUMN `old` new INT",
        ] {
            assert_eq!(effects(sql, Dialect::MySql), [change_type("t", "old")]);
        }
    }

    #[test]
    fn every_operation_of_an_alter_table_is_reported() {
        let (class, effects, _) = analyze_statement(
            "ALTER TABLE ONLY t ALTER COLUMN a TYPE bigint, DROP COLUMN b, ADD COLUMN c int, DROP COLUMN d",
            Dialect::Postgres,
        );
        assert_eq!(class, StatementClass::Destructive);
        assert_eq!(
            effects,
            [
                change_type("t", "a"),
                drop_column("t", "b"),
                drop_column("t", "d")
            ]
        );
        assert_eq!(
            class_and_effects(
                "ALTER TABLE t ADD COLUMN a INT, ADD COLUMN b INT",
                Dialect::MySql
            ),
            (StatementClass::Schema, Vec::new())
        );
    }

    fn class_and_effects(sql: &str, dialect: Dialect) -> (StatementClass, Vec<Effect>) {
        let (class, effects, _) = analyze_statement(sql, dialect);
        (class, effects)
    }

    #[test]
    fn other_destructive_drops() {
        assert_class(
            Dialect::Postgres,
            StatementClass::Destructive,
            &[
                "DROP SEQUENCE s",
                "DROP TYPE mood",
                "DROP DOMAIN d",
                "DROP DATABASE d",
                "DROP EXTENSION citext CASCADE",
                "DROP FUNCTION f CASCADE",
            ],
        );
        assert_eq!(
            effects("DROP VIEW IF EXISTS v, w", Dialect::Postgres),
            [
                Effect::DropView {
                    view: table("v"),
                    materialized: false
                },
                Effect::DropView {
                    view: table("w"),
                    materialized: false
                },
            ]
        );
        assert_eq!(
            effects("DROP MATERIALIZED VIEW m", Dialect::Postgres),
            [Effect::DropView {
                view: table("m"),
                materialized: true
            }]
        );
        assert_eq!(
            effects("DROP SCHEMA Utils CASCADE", Dialect::Postgres),
            [Effect::DropSchema {
                schema: "utils".to_string(),
                cascade: true
            }]
        );
        assert_eq!(
            effects("DROP SCHEMA s", Dialect::Postgres),
            [Effect::DropSchema {
                schema: "s".to_string(),
                cascade: false
            }]
        );
        assert_eq!(
            effects("DROP VIEW v", Dialect::Sqlite),
            [Effect::DropView {
                view: table("v"),
                materialized: false
            }]
        );
    }

    #[test]
    fn truncate() {
        assert_eq!(
            analyze_statement("TRUNCATE a, b RESTART IDENTITY CASCADE", Dialect::Postgres),
            (
                StatementClass::Destructive,
                vec![
                    Effect::Truncate { table: table("a") },
                    Effect::Truncate { table: table("b") }
                ],
                None
            )
        );
        assert_eq!(
            effects("TRUNCATE TABLE t", Dialect::MySql),
            [Effect::Truncate { table: table("t") }]
        );
    }

    #[test]
    fn mariadb_create_or_replace_table_drops_the_old_one() {
        assert_eq!(
            class_and_effects("CREATE OR REPLACE TABLE t (id INT)", Dialect::MySql),
            (StatementClass::Destructive, vec![drop_table("t")])
        );
    }

    #[test]
    fn data_statements_in_every_dialect() {
        for dialect in ALL {
            assert_class(
                dialect,
                StatementClass::Data,
                &[
                    "INSERT INTO t (a) VALUES (1)",
                    "INSERT INTO t SELECT * FROM u",
                    "SELECT 1",
                    "WITH x AS (SELECT 1) SELECT * FROM x",
                ],
            );
            assert_eq!(
                analyze_statement("DELETE FROM t WHERE id = 1", dialect),
                (
                    StatementClass::Data,
                    vec![Effect::DeleteRows { table: table("t") }],
                    None
                )
            );
            assert_eq!(
                effects("UPDATE t SET a = 1", dialect),
                [Effect::UpdateRows { table: table("t") }]
            );
        }
        assert_class(
            Dialect::Postgres,
            StatementClass::Data,
            &["VALUES (1)", "COPY t FROM STDIN"],
        );
    }

    #[test]
    fn upserts_and_replaces_touch_existing_rows() {
        assert_eq!(
            effects(
                "INSERT INTO t VALUES (1) ON CONFLICT (id) DO UPDATE SET a = 1",
                Dialect::Postgres
            ),
            [Effect::UpdateRows { table: table("t") }]
        );
        assert!(
            effects(
                "INSERT INTO t VALUES (1) ON CONFLICT DO NOTHING",
                Dialect::Postgres
            )
            .is_empty()
        );
        assert_eq!(
            effects(
                "INSERT INTO t VALUES (1) ON DUPLICATE KEY UPDATE a = 1",
                Dialect::MySql
            ),
            [Effect::UpdateRows { table: table("t") }]
        );
        assert_eq!(
            class_and_effects("REPLACE INTO t VALUES (1)", Dialect::MySql),
            (
                StatementClass::Data,
                vec![Effect::DeleteRows { table: table("t") }]
            )
        );
        assert_eq!(
            effects("INSERT OR REPLACE INTO t VALUES (1)", Dialect::Sqlite),
            [Effect::DeleteRows { table: table("t") }]
        );
    }

    #[test]
    fn data_modifying_parts_of_queries() {
        assert_eq!(
            effects(
                "WITH d AS (DELETE FROM t RETURNING *) INSERT INTO u SELECT * FROM d",
                Dialect::Postgres
            ),
            [Effect::DeleteRows { table: table("t") }]
        );
        assert_eq!(
            effects("WITH x AS (SELECT 1) UPDATE t SET a = 1", Dialect::Postgres),
            [Effect::UpdateRows { table: table("t") }]
        );
        assert_eq!(
            effects("DELETE FROM t USING u WHERE t.id = u.id", Dialect::Postgres),
            [Effect::DeleteRows { table: table("t") }]
        );
        assert_eq!(
            effects(
                "UPDATE t SET a = 1 FROM u WHERE t.id = u.id",
                Dialect::Postgres
            ),
            [Effect::UpdateRows { table: table("t") }]
        );
        assert_eq!(
            effects(
                "MERGE INTO t USING u ON t.id = u.id WHEN MATCHED THEN UPDATE SET a = 1 WHEN NOT MATCHED THEN INSERT VALUES (1)",
                Dialect::Postgres
            ),
            [Effect::UpdateRows { table: table("t") }]
        );
    }

    #[test]
    fn mysql_multi_table_deletes_and_updates() {
        assert_eq!(
            effects("DELETE a FROM t AS a JOIN u ON a.id = u.id", Dialect::MySql),
            [Effect::DeleteRows { table: table("t") }]
        );
        assert_eq!(
            effects(
                "DELETE t1, t2 FROM t1 JOIN t2 ON t1.id = t2.id",
                Dialect::MySql
            ),
            [
                Effect::DeleteRows { table: table("t1") },
                Effect::DeleteRows { table: table("t2") }
            ]
        );
        assert_eq!(
            effects(
                "UPDATE t1 AS a JOIN t2 AS b ON a.id = b.id SET b.x = 1",
                Dialect::MySql
            ),
            [
                Effect::UpdateRows { table: table("t1") },
                Effect::UpdateRows { table: table("t2") }
            ]
        );
    }

    #[test]
    fn code_run_from_elsewhere_is_unclassified() {
        for (sql, dialect) in [
            ("CALL p()", Dialect::MySql),
            ("CALL p()", Dialect::Postgres),
            ("EXECUTE stmt", Dialect::MySql),
            ("DO $$ BEGIN DELETE FROM t; END $$", Dialect::Postgres),
        ] {
            let (class, effects, reason) = analyze_statement(sql, dialect);
            assert_eq!(class, StatementClass::Unclassified, "{sql}");
            assert!(effects.is_empty());
            assert!(
                reason.is_some_and(|reason| reason.contains("runs code")),
                "{sql}"
            );
        }
    }

    #[test]
    fn unreadable_statements_are_unclassified_with_the_parsers_reason() {
        for dialect in ALL {
            for sql in [
                "DROP TABLE",
                "garbage here",
                "SELECT 'unterminated",
                "ALTER TABLE t DROP COLUMN",
                "((((",
            ] {
                let (class, effects, reason) = analyze_statement(sql, dialect);
                assert_eq!(class, StatementClass::Unclassified, "{sql}");
                assert!(effects.is_empty());
                assert!(
                    reason
                        .as_deref()
                        .is_some_and(|r| r.starts_with("sql parser error")),
                    "{sql}: {reason:?}"
                );
            }
        }
    }

    #[test]
    fn known_kinds_the_module_does_not_judge_are_unclassified() {
        assert_eq!(
            reason("EXPLAIN SELECT 1", Dialect::Postgres),
            "not a statement kind cargo-rollback knows"
        );
    }

    #[test]
    fn harmless_kinds_sqlparser_cannot_read() {
        assert_class(
            Dialect::Sqlite,
            StatementClass::Schema,
            &[
                "PRAGMA foreign_keys = OFF",
                "PRAGMA legacy_alter_table=ON",
                "REINDEX",
            ],
        );
        assert_class(
            Dialect::Postgres,
            StatementClass::Schema,
            &[
                "SET CONSTRAINTS ALL DEFERRED",
                "COMMENT ON FUNCTION f(int4) IS 'x'",
                "comment on constraint c on t is 'x'",
                "REINDEX TABLE t",
                "CREATE statistics s ON a, b FROM t",
                "DROP STATISTICS s",
                "CREATE SEQUENCE s START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1",
                "CREATE TABLE t (id int, CONSTRAINT t_id_not_null NOT NULL id)",
                "CREATE RULE r AS ON INSERT TO t DO INSTEAD NOTHING",
                "ALTER SEQUENCE s OWNED BY t.id",
                "ALTER SEQUENCE s\n    RENAME TO u",
                "ALTER TRIGGER tr ON t RENAME TO tr2",
                "ALTER INDEX IF EXISTS i RENAME TO j",
                "ALTER VIEW v RENAME TO w",
                "DROP INDEX CONCURRENTLY IF EXISTS i",
                "DROP RULE r ON t",
                "-- why\nREINDEX TABLE t;",
            ],
        );
        assert_class(
            Dialect::Postgres,
            StatementClass::Data,
            &["REFRESH MATERIALIZED VIEW m"],
        );
        assert_class(
            Dialect::MySql,
            StatementClass::Schema,
            &["PREPARE stmt FROM @sql"],
        );
    }

    #[test]
    fn the_harmless_list_is_narrow() {
        for (sql, dialect) in [
            ("ALTER SEQUENCE s RESTART WITH 1", Dialect::Postgres),
            (
                "ALTER TABLE t ALTER CONSTRAINT c DEFERRABLE",
                Dialect::Postgres,
            ),
            ("ALTER TABLE t ENGINE = InnoDB", Dialect::MySql),
            ("REINDEX TABLE t; DROP TABLE u", Dialect::Postgres),
            ("PRAGMA foreign_keys = OFF", Dialect::Postgres),
            (
                "CREATE OR REPLACE TABLE t (id INT) SELECT 1 x y",
                Dialect::MySql,
            ),
            ("SELECT", Dialect::Postgres),
        ] {
            assert_eq!(class(sql, dialect), StatementClass::Unclassified, "{sql}");
        }
    }

    #[test]
    fn the_worst_class_of_several_statements_wins() {
        let (worst, effects, reason) = analyze_statement(
            "CREATE TABLE a (id int); DROP TABLE b; SELECT 1",
            Dialect::Sqlite,
        );
        assert_eq!(worst, StatementClass::Destructive);
        assert_eq!(effects, [drop_table("b")]);
        assert_eq!(reason, None);
        assert_eq!(
            class("DELETE FROM t; CALL p()", Dialect::MySql),
            StatementClass::Unclassified
        );
        assert_eq!(
            analyze_statement("-- nothing", Dialect::Postgres),
            (StatementClass::Schema, Vec::new(), None)
        );
    }

    #[test]
    fn scripts_keep_text_and_lines() {
        let analyzed = analyze_script(
            "-- seed\nINSERT INTO t VALUES (1);\n\nDROP TABLE t;\nnonsense",
            Dialect::Sqlite,
        );
        let summary: Vec<_> = analyzed
            .iter()
            .map(|s| (s.sql.as_str(), s.line, s.class))
            .collect();
        assert_eq!(
            summary,
            [
                ("INSERT INTO t VALUES (1)", 2, StatementClass::Data),
                ("DROP TABLE t", 4, StatementClass::Destructive),
                ("nonsense", 5, StatementClass::Unclassified),
            ]
        );
    }

    const REBUILD: &str = "PRAGMA foreign_keys = OFF;
CREATE TABLE users_new (id INTEGER PRIMARY KEY, \"Name\" TEXT);
INSERT INTO users_new SELECT id, name FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
PRAGMA foreign_keys = ON;";

    #[test]
    fn sqlite_rebuild_replaces_the_drop_table() {
        let analyzed = analyze_script(REBUILD, Dialect::Sqlite);
        let classes: Vec<_> = analyzed.iter().map(|s| s.class).collect();
        assert_eq!(
            classes,
            [
                StatementClass::Schema,
                StatementClass::Schema,
                StatementClass::Data,
                StatementClass::Destructive,
                StatementClass::Schema,
                StatementClass::Schema,
            ]
        );
        assert_eq!(
            analyzed[3].effects,
            [Effect::RebuildTable {
                table: table("users"),
                kept_columns: vec!["id".to_string(), "Name".to_string()],
            }]
        );
        assert_eq!(
            analyze_statement("DROP TABLE users", Dialect::Sqlite).1,
            [drop_table("users")],
            "no script-level rule for one statement"
        );
    }

    #[test]
    fn rebuild_names_match_after_folding() {
        let script = "CREATE TABLE Users_New (id int, Email text);
DROP TABLE USERS;
ALTER TABLE users_new RENAME TO \"users\";";
        assert_eq!(
            effects_of(script, Dialect::Postgres),
            [Effect::RebuildTable {
                table: table("users"),
                kept_columns: vec!["id".to_string(), "email".to_string()],
            }]
        );
        assert_eq!(
            effects_of(script, Dialect::Sqlite),
            [Effect::RebuildTable {
                table: table("USERS"),
                kept_columns: vec!["id".to_string(), "Email".to_string()],
            }]
        );
    }

    fn effects_of(script: &str, dialect: Dialect) -> Vec<Effect> {
        analyze_script(script, dialect)
            .into_iter()
            .flat_map(|s| s.effects)
            .collect()
    }

    #[test]
    fn rebuild_renaming_the_old_table_away_first() {
        let script = "ALTER TABLE ciphers RENAME TO oldCiphers;
CREATE TABLE ciphers (uuid TEXT PRIMARY KEY, data TEXT);
INSERT INTO ciphers SELECT uuid, data FROM oldCiphers;
DROP TABLE oldCiphers;";
        assert_eq!(
            effects_of(script, Dialect::Sqlite),
            [Effect::RebuildTable {
                table: table("ciphers"),
                kept_columns: vec!["uuid".to_string(), "data".to_string()],
            }]
        );
        let mysql = "RENAME TABLE ciphers TO oldCiphers;
CREATE TABLE ciphers (uuid TEXT, data TEXT);
DROP TABLE oldCiphers, other;";
        assert_eq!(
            effects_of(mysql, Dialect::MySql),
            [
                Effect::RebuildTable {
                    table: table("ciphers"),
                    kept_columns: vec!["uuid".to_string(), "data".to_string()],
                },
                drop_table("other"),
            ]
        );
    }

    #[test]
    fn not_a_rebuild() {
        for script in [
            // No new table renamed into place.
            "CREATE TABLE users_new (id int); DROP TABLE users;",
            // Renamed into place, but never created here.
            "DROP TABLE users; ALTER TABLE users_new RENAME TO users;",
            // Renamed before the drop: the drop removes the renamed table.
            "CREATE TABLE users_new (id int); ALTER TABLE users_new RENAME TO users; DROP TABLE users;",
            // A new table with no column list: what survives is not known.
            "CREATE TABLE users_new AS SELECT * FROM users; DROP TABLE users; ALTER TABLE users_new RENAME TO users;",
        ] {
            assert!(
                effects_of(script, Dialect::Sqlite).contains(&drop_table("users")),
                "{script}"
            );
        }
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let nested = format!("SELECT {}1{}", "(".repeat(5000), ")".repeat(5000));
        for dialect in ALL {
            assert_eq!(class(&nested, dialect), StatementClass::Unclassified);
        }
    }
}
