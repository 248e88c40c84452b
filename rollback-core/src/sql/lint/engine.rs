//! The linter's run over a folder: each migration's up against the schema
//! the earlier ups built, its down against the schema its up left, each
//! statement through every family's checks, then lint-ignores and the
//! configured severities.

use std::collections::{BTreeMap, BTreeSet};

use sqlparser::ast;
use sqlparser::parser::Parser;

use super::families;
use super::ignore::{self, Ignore};
use super::rule::{Level, Severity};
use super::schema::{Schema, column_key, key_of};
use super::scope::{Created, Direction, Hits, Scope, StatementView, leading_words};
use crate::migration::{Migration, MigrationSet};
use crate::script::{Script, read_directives};
use crate::sql::analysis::{AnalyzedStatement, Effect, StatementClass, analyze_script};
use crate::sql::dialect::{Dialect, parser_dialect};

/// How to lint: the database, and the levels set per rule code.
#[derive(Debug, Clone)]
pub struct LintOptions {
    dialect: Dialect,
    levels: BTreeMap<&'static str, Level>,
}

impl LintOptions {
    /// Every rule at its default severity, for `dialect`.
    pub fn new(dialect: Dialect) -> LintOptions {
        LintOptions {
            dialect,
            levels: BTreeMap::new(),
        }
    }

    /// Sets the level of the rule `code`; an unknown code is an error that
    /// names it.
    pub fn set_level(&mut self, code: &str, level: Level) -> Result<(), String> {
        let rule = families::rule(code).ok_or_else(|| format!("unknown lint rule `{code}`"))?;
        self.levels.insert(rule.code, level);
        Ok(())
    }

    fn severity(&self, code: &'static str) -> Option<Severity> {
        match self.levels.get(code) {
            Some(Level::Off) => None,
            Some(Level::On(severity)) => Some(*severity),
            None => families::rule(code).map(|rule| rule.severity),
        }
    }
}

/// One thing the linter found.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    /// The rule's code.
    pub code: &'static str,
    /// Its severity, as configured.
    pub severity: Severity,
    /// The file, as the migration set names it.
    pub path: String,
    /// The 1-based line of the file where the statement starts.
    pub line: usize,
    /// What the statement does, in its own names.
    pub message: String,
    /// What to do instead (the rule's advice).
    pub fix: &'static str,
}

/// Lints the migrations of `set` that `selected` accepts. Every migration is
/// read, selected or not, so that a table an older migration created counts
/// as existing. Never panics, whatever the SQL.
pub fn lint(
    set: &MigrationSet,
    options: &LintOptions,
    selected: &dyn Fn(&Migration) -> bool,
) -> Vec<Finding> {
    let dialect = options.dialect;
    let mut schema = Schema::default();
    let mut findings = Vec::new();
    for migration in set.migrations() {
        let up = walk(migration.up(), Direction::Up, &schema, None, dialect);
        if selected(migration) {
            let down = walk(
                migration.down(),
                Direction::Down,
                &up.schema,
                Some(&up.created),
                dialect,
            );
            let mut found = |path: &str, script: &Script, hits: Vec<LineHit>| {
                for hit in hits {
                    if let Some(severity) = options.severity(hit.code) {
                        findings.push(Finding {
                            code: hit.code,
                            severity,
                            path: path.to_owned(),
                            line: script.first_line() as usize - 1 + hit.line,
                            message: hit.message,
                            fix: families::rule(hit.code).map_or("", |rule| rule.fix),
                        });
                    }
                }
            };
            found(migration.up_path(), migration.up(), up.hits);
            found(migration.down_path(), migration.down(), down.hits);
            found(
                migration.down_path(),
                migration.down(),
                irreversible_without_reason(migration),
            );
        }
        schema = up.schema;
    }
    findings
}

/// A finding before its file and severity are known.
#[derive(Debug)]
struct LineHit {
    line: usize,
    code: &'static str,
    message: String,
}

/// What walking a script leaves.
struct Walked {
    schema: Schema,
    created: Created,
    hits: Vec<LineHit>,
}

/// RB004: `-- rollback:irreversible` with no reason, or an empty down
/// accepted as irreversible.
fn irreversible_without_reason(migration: &Migration) -> Vec<LineHit> {
    if migration.irreversible().is_none() {
        return Vec::new();
    }
    let down = migration.down().sql();
    let directive = read_directives(down).ok().and_then(|d| d.irreversible);
    let message = match directive.as_deref() {
        Some("") => "`-- rollback:irreversible` gives no reason",
        Some(_) => return Vec::new(),
        None => "the down script is empty: the migration is irreversible without a reason",
    };
    let line = down
        .lines()
        .position(|line| line.contains("rollback:irreversible"))
        .map_or(1, |index| index + 1);
    vec![LineHit {
        line,
        code: "RB004",
        message: message.to_owned(),
    }]
}

fn walk(
    script: &Script,
    direction: Direction,
    schema: &Schema,
    up: Option<&Created>,
    dialect: Dialect,
) -> Walked {
    let analyzed = analyze_script(script.sql(), dialect);
    let parsed: Vec<Result<Vec<ast::Statement>, String>> = analyzed
        .iter()
        .map(|statement| {
            Parser::parse_sql(parser_dialect(dialect), &statement.sql)
                .map_err(|error| error.to_string())
        })
        .collect();
    let mut scope = Scope {
        dialect,
        direction,
        no_transaction: script.no_transaction(),
        schema: schema.clone(),
        created: Default::default(),
        created_indexes: Default::default(),
        rebuilt: rebuilt_tables(&analyzed),
        dropped: dropped_tables(&analyzed),
        renamed_from: Default::default(),
        renamed_into: renamed_columns(&parsed, dialect),
        says_no_transaction: read_directives(script.sql()).is_ok_and(|d| d.no_transaction),
        foreign_keys_off: false,
        up,
    };
    let mut created = Created::default();
    let mut hits = Vec::new();
    let mut views = Vec::new();
    for (statement, parsed) in analyzed.iter().zip(&parsed) {
        let words = leading_words(&statement.sql, dialect);
        let each: Vec<Option<&ast::Statement>> = match parsed {
            Ok(statements) => statements.iter().map(Some).collect(),
            Err(_) if statement.class != StatementClass::Unclassified => vec![None],
            Err(error) => {
                hits.push(LineHit {
                    line: statement.line,
                    code: "RB001",
                    message: format!("the parser cannot read it ({error}); rules that need its structure skipped it"),
                });
                vec![None]
            }
        };
        for parsed in each {
            let view = StatementView {
                parsed,
                words: words.clone(),
                effects: &statement.effects,
            };
            let mut found = Hits::default();
            families::check(&view, &scope, &mut found);
            hits.extend(found.0.into_iter().map(|(code, message)| LineHit {
                line: statement.line,
                code,
                message,
            }));
            match parsed {
                Some(parsed) => record(parsed, &mut scope, &mut created),
                None => record_unparsed_create(&view, &mut scope, &mut created),
            }
            if view.starts_with(&["PRAGMA", "FOREIGN_KEYS"]) {
                scope.foreign_keys_off = view
                    .words
                    .get(2)
                    .is_some_and(|value| matches!(value.as_str(), "OFF" | "FALSE" | "NO"))
                    || statement.sql.trim_end().ends_with('0');
            }
            views.push(view);
        }
    }
    let mut found = Hits::default();
    families::check_script(&views, &scope, &mut found);
    let first_line = analyzed.first().map_or(1, |statement| statement.line);
    hits.extend(found.0.into_iter().map(|(code, message)| LineHit {
        line: first_line,
        code,
        message,
    }));
    let hits = apply_ignores(hits, &ignore::read(script.sql()), &analyzed);
    Walked {
        schema: scope.schema,
        created,
        hits,
    }
}

/// The tables the script rebuilds (SQLite's copy and rename).
fn rebuilt_tables(analyzed: &[AnalyzedStatement]) -> BTreeSet<String> {
    analyzed
        .iter()
        .flat_map(|statement| &statement.effects)
        .filter_map(|effect| match effect {
            Effect::RebuildTable { table, .. } => Some(super::schema::key(table)),
            _ => None,
        })
        .collect()
}

/// The tables the script drops.
fn dropped_tables(analyzed: &[AnalyzedStatement]) -> BTreeSet<String> {
    analyzed
        .iter()
        .flat_map(|statement| &statement.effects)
        .filter_map(|effect| match effect {
            Effect::DropTable { table } => Some(super::schema::key(table)),
            _ => None,
        })
        .collect()
}

/// Every (table, column) a `RENAME COLUMN … TO column` of the script targets.
fn renamed_columns(
    parsed: &[Result<Vec<ast::Statement>, String>],
    dialect: Dialect,
) -> BTreeSet<(String, String)> {
    let mut renamed = BTreeSet::new();
    for statement in parsed.iter().flatten().flatten() {
        let ast::Statement::AlterTable(alter) = statement else {
            continue;
        };
        for operation in &alter.operations {
            if let ast::AlterTableOperation::RenameColumn {
                new_column_name, ..
            } = operation
            {
                renamed.insert((
                    key_of(&alter.name, dialect),
                    column_key(new_column_name, dialect),
                ));
            }
        }
    }
    renamed
}

/// A `CREATE TABLE` the parser cannot read still creates its table: what
/// the script does to it afterwards is to a new table.
fn record_unparsed_create(view: &StatementView<'_>, scope: &mut Scope<'_>, created: &mut Created) {
    if !view.starts_with(&["CREATE", "TABLE"]) {
        return;
    }
    let name = if view.starts_with(&["CREATE", "TABLE", "IF", "NOT", "EXISTS"]) {
        view.words.get(5)
    } else {
        view.words.get(2)
    };
    if let Some(name) = name {
        let table = name.to_lowercase();
        scope.created.insert(table.clone());
        created.tables.insert(table);
    }
}

/// Updates the scope with what a statement created, after its checks ran.
fn record(statement: &ast::Statement, scope: &mut Scope<'_>, created: &mut Created) {
    use ast::Statement as S;
    let dialect = scope.dialect;
    match statement {
        S::CreateTable(create) => {
            let table = key_of(&create.name, dialect);
            scope.created.insert(table.clone());
            created.tables.insert(table);
        }
        S::CreateIndex(index) => {
            if let Some(name) = &index.name {
                scope
                    .created_indexes
                    .insert(name.to_string().to_lowercase());
            }
        }
        S::CreateSchema { schema_name, .. } => {
            created
                .schemas
                .insert(schema_name.to_string().to_lowercase());
        }
        S::AlterTable(alter) => {
            let table = key_of(&alter.name, dialect);
            for operation in &alter.operations {
                match operation {
                    ast::AlterTableOperation::AddColumn { column_def, .. } => {
                        created
                            .columns
                            .insert((table.clone(), column_key(&column_def.name, dialect)));
                    }
                    ast::AlterTableOperation::RenameTable { table_name } => {
                        let (ast::RenameTableNameKind::As(to) | ast::RenameTableNameKind::To(to)) =
                            table_name;
                        let to = key_of(to, dialect);
                        scope.renamed_from.insert(to.clone(), table.clone());
                        if scope.created.contains(&table) {
                            scope.created.insert(to.clone());
                            created.tables.insert(to.clone());
                        }
                        created.columns = std::mem::take(&mut created.columns)
                            .into_iter()
                            .map(|(owner, column)| {
                                (if owner == table { to.clone() } else { owner }, column)
                            })
                            .collect();
                    }
                    _ => {}
                }
            }
        }
        S::RenameTable(renames) => {
            for rename in renames {
                scope.renamed_from.insert(
                    key_of(&rename.new_name, dialect),
                    key_of(&rename.old_name, dialect),
                );
            }
        }
        _ => {}
    }
    scope.schema.apply(statement, dialect);
}

/// Drops the hits a lint-ignore with a reason silences, and adds the
/// directives' own findings (RB002, RB003), which nothing silences. A
/// directive applies to the first statement that starts after it.
fn apply_ignores(
    hits: Vec<LineHit>,
    ignores: &[Ignore],
    analyzed: &[AnalyzedStatement],
) -> Vec<LineHit> {
    let mut kept: Vec<LineHit> = Vec::new();
    for directive in ignores {
        for code in &directive.codes {
            if families::rule(code).is_none() {
                kept.push(LineHit {
                    line: directive.line,
                    code: "RB003",
                    message: format!("lint-ignore names `{code}`, which is no rule's code"),
                });
            }
        }
        if directive.reason.is_empty() {
            kept.push(LineHit {
                line: directive.line,
                code: "RB002",
                message: format!(
                    "lint-ignore {} gives no reason, so it silences nothing",
                    directive.codes.join(",")
                ),
            });
        }
    }
    let silenced = |hit: &LineHit| {
        let target = analyzed
            .iter()
            .position(|statement| statement.line >= hit.line)
            .unwrap_or(0);
        let after = target
            .checked_sub(1)
            .map_or(0, |previous| analyzed[previous].line);
        ignores.iter().any(|directive| {
            !directive.reason.is_empty()
                && directive.line > after
                && directive.line < hit.line
                && directive.codes.iter().any(|code| code == hit.code)
        })
    };
    kept.extend(hits.into_iter().filter(|hit| !silenced(hit)));
    kept.sort_by_key(|hit| hit.line);
    kept
}
