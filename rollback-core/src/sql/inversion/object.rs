//! Named objects that statements create, drop, rename or comment on, and
//! their inverses, shared by the statements the parser reads and those read
//! word by word (see [`super::unparsed`]).

use sqlparser::ast::{ArgMode, ObjectName, OperateFunctionArg};

use super::inverse::{Need, Unnamed};
use super::kind::Kind;
use super::scope::Scope;
use super::step::Step;
use crate::sql::dialect::Dialect;
use crate::sql::name::{TableName, table_name};

/// A named object a statement creates or drops, with what its `DROP` needs.
#[derive(Debug)]
pub(super) struct Object {
    pub(super) kind: Kind,
    /// As the statement writes it, quotes kept.
    pub(super) name: ObjectName,
    /// The table it belongs to, where the statement names one (an index,
    /// a trigger, a policy).
    pub(super) table: Option<ObjectName>,
    /// A routine's argument types, where the statement lists them.
    pub(super) arguments: Option<String>,
}

impl Object {
    pub(super) fn new(kind: Kind, name: ObjectName) -> Object {
        Object {
            kind,
            name,
            table: None,
            arguments: None,
        }
    }

    pub(super) fn on(self, table: ObjectName) -> Object {
        Object {
            table: Some(table),
            ..self
        }
    }

    /// An index of `table`. In PostgreSQL an index lives in its table's
    /// schema: an unqualified name gets the table's, so that its `DROP`
    /// finds it whatever the search path.
    pub(super) fn index(name: ObjectName, table: ObjectName, dialect: Dialect) -> Object {
        let name = match (dialect, name.0.as_slice(), table.0.split_last()) {
            (Dialect::Postgres, [own], Some((_, schema))) if !schema.is_empty() => {
                let mut parts = schema.to_vec();
                parts.push(own.clone());
                ObjectName(parts)
            }
            _ => name,
        };
        Object::new(Kind::Index, name).on(table)
    }

    /// A function or procedure with its argument list, where given.
    pub(super) fn routine(
        name: ObjectName,
        arguments: Option<&[OperateFunctionArg]>,
        procedure: bool,
    ) -> Object {
        let kind = if procedure {
            Kind::Procedure
        } else {
            Kind::Function
        };
        Object {
            arguments: arguments.map(|arguments| argument_types(arguments, procedure)),
            ..Object::new(kind, name)
        }
    }

    fn folded(&self, dialect: Dialect) -> TableName {
        table_name(&self.name, dialect)
    }

    fn folded_table(&self, dialect: Dialect) -> Option<TableName> {
        self.table.as_ref().map(|table| table_name(table, dialect))
    }

    /// What the runtime reads to put the object back; `None` for kinds it
    /// cannot read (statistics).
    pub(super) fn need(&self, dialect: Dialect) -> Option<Need> {
        let name = self.folded(dialect);
        let table = self.folded_table(dialect);
        Some(match self.kind {
            Kind::Table => Need::Table { table: name },
            Kind::View | Kind::MaterializedView => Need::View {
                view: name,
                materialized: self.kind == Kind::MaterializedView,
            },
            Kind::Index => Need::Index { index: name, table },
            Kind::Sequence => Need::Sequence { sequence: name },
            Kind::Type | Kind::Domain => Need::Type { name },
            Kind::Schema => Need::Schema { name: name.name },
            Kind::Extension => Need::Extension { name: name.name },
            Kind::Function | Kind::Procedure => Need::Routine {
                name,
                arguments: self.arguments.clone(),
                procedure: self.kind == Kind::Procedure,
            },
            Kind::Trigger => Need::Trigger { name, table },
            Kind::Policy => Need::Policy {
                name: name.name,
                table: table?,
            },
            Kind::Statistics => return None,
        })
    }

    /// The statement that drops the object: `IF EXISTS` wherever the
    /// dialect has it, so that a down run after a partial up goes through.
    fn drop_sql(&self, dialect: Dialect) -> String {
        let keyword = self.kind.keyword();
        let name = &self.name;
        match (self.kind, &self.table, dialect) {
            (Kind::Index, Some(table), Dialect::MySql) => format!("DROP INDEX {name} ON {table}"),
            (Kind::Trigger, Some(table), Dialect::Postgres) | (Kind::Policy, Some(table), _) => {
                format!("DROP {keyword} IF EXISTS {name} ON {table}")
            }
            (Kind::Function | Kind::Procedure, _, Dialect::Postgres) => match &self.arguments {
                Some(arguments) => format!("DROP {keyword} IF EXISTS {name}({arguments})"),
                None => format!("DROP {keyword} IF EXISTS {name}"),
            },
            _ => format!("DROP {keyword} IF EXISTS {name}"),
        }
    }
}

/// The types of a routine's arguments, as PostgreSQL's `DROP FUNCTION`
/// identifies it: a function's `OUT` arguments are not part of it, a
/// procedure's are.
fn argument_types(arguments: &[OperateFunctionArg], procedure: bool) -> String {
    arguments
        .iter()
        .filter(|argument| procedure || argument.mode != Some(ArgMode::Out))
        .map(|argument| argument.data_type.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// How a `CREATE` treats an object that is already there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Creation {
    /// Plain `CREATE`: the object is new (else the statement fails).
    New,
    /// `CREATE OR REPLACE`: the object is new or replaced.
    OrReplace,
    /// `CREATE … IF NOT EXISTS`: the object is new or left as it was.
    IfNotExists,
}

impl Creation {
    /// The creation a statement's `OR REPLACE` (or `OR ALTER`) and `IF NOT
    /// EXISTS` flags say.
    pub(super) fn of(or_replace: bool, if_not_exists: bool) -> Creation {
        match (or_replace, if_not_exists) {
            (true, _) => Creation::OrReplace,
            (false, true) => Creation::IfNotExists,
            (false, false) => Creation::New,
        }
    }
}

/// The undoing of a `CREATE`: its `DROP`; nothing when it belongs to a table
/// the up creates; for a `CREATE OR REPLACE` the object as it was (see
/// [`InversePart::Recreate`](super::inverse::InversePart::Recreate) for one that did
/// not exist); for `IF NOT EXISTS` the `DROP`, only if it was missing. Only
/// a plain `CREATE` tells that the object is the up's own: what later
/// statements do to a replaced or kept object must be undone.
pub(super) fn create(object: Object, creation: Creation, scope: &mut Scope) -> Step {
    let dialect = scope.dialect();
    let name = object.folded(dialect);
    let existed = scope.created(object.kind, &name);
    if creation == Creation::New {
        scope.create(object.kind, name.clone());
    }
    if let Some(reason) = on_created_table(&object, scope) {
        return Step::skip(reason);
    }
    if creation != Creation::New
        && let Some(reason) = existed
    {
        return Step::skip(reason);
    }
    match (creation, object.need(dialect)) {
        (Creation::OrReplace, Some(need)) => Step::recreate(need),
        (Creation::IfNotExists, Some(need)) => Step::if_missing(object.drop_sql(dialect), need),
        _ => Step::sql(object.drop_sql(dialect)),
    }
}

/// PostgreSQL's `CREATE INDEX ON t (…)`: the database names the index.
pub(super) fn create_unnamed_index(table: &ObjectName, scope: &Scope) -> Step {
    let table = table_name(table, scope.dialect());
    match scope.on_created_table(&table) {
        Some(reason) => Step::skip(reason),
        None => Step::drop_unnamed(Unnamed::Index { table }),
    }
}

/// The undoing of a `DROP`: the object read back from the schema, or, for a
/// table dropped as half of a rebuild, the rebuild reversed.
pub(super) fn drop(object: Object, scope: &mut Scope) -> Step {
    let dialect = scope.dialect();
    if let Some(reason) = on_created_table(&object, scope) {
        return Step::skip(reason);
    }
    let name = object.folded(dialect);
    scope.forget(object.kind, &name);
    if object.kind == Kind::Table
        && let Some(rebuild) = scope.rebuild_of(&name)
    {
        return Step::recreate(Need::TableRebuild {
            table: name,
            rows_from: rebuild.renamed.clone(),
            kept_columns: rebuild.kept_columns.clone(),
        });
    }
    match object.need(dialect) {
        Some(need) => Step::recreate(need),
        None => Step::cannot(format!(
            "cargo-rollback cannot read a dropped {} back",
            object.kind
        )),
    }
}

/// Why a statement on `object` needs no undoing: it belongs to a table the
/// up creates.
fn on_created_table(object: &Object, scope: &Scope) -> Option<String> {
    let table = object.folded_table(scope.dialect())?;
    scope.on_created_table(&table)
}

/// `ALTER <kind> new [ON table] RENAME TO old`, the inverse of renaming
/// `old` to `new`. An unqualified new name stays in the old one's schema.
pub(super) fn rename_back(
    kind: Kind,
    old: &ObjectName,
    new: &ObjectName,
    on: Option<&ObjectName>,
) -> String {
    let (renamed, back) = reverse_names(old, new);
    let on = on.map(|table| format!(" ON {table}")).unwrap_or_default();
    format!("ALTER {} {renamed}{on} RENAME TO {back}", kind.keyword())
}

/// What undoes renaming `old` to `new`: the object's name after the rename,
/// and the name to give it back (its last part, unless `new` is qualified).
pub(super) fn reverse_names(old: &ObjectName, new: &ObjectName) -> (ObjectName, String) {
    if new.0.len() > 1 {
        (new.clone(), old.to_string())
    } else {
        (sibling(old, new), last_part(old))
    }
}

/// `name` with its last part replaced by `last`'s last part.
fn sibling(name: &ObjectName, last: &ObjectName) -> ObjectName {
    let mut parts = name.0.clone();
    parts.pop();
    parts.extend(last.0.last().cloned());
    ObjectName(parts)
}

/// The last part of a name, quotes kept.
fn last_part(name: &ObjectName) -> String {
    name.0.last().map(ToString::to_string).unwrap_or_default()
}

/// The undoing of `COMMENT ON <object_kind> <written>`: the comment it had,
/// unless the object is created by the up (`named`, of kind `object_kind`)
/// or belongs to a table the up creates (`on`: a column's table, a
/// constraint's).
pub(super) fn comment(
    object_kind: &str,
    written: String,
    named: &ObjectName,
    on: Option<&ObjectName>,
    scope: &Scope,
) -> Step {
    let dialect = scope.dialect();
    if let Some(reason) = on.and_then(|table| scope.on_created_table(&table_name(table, dialect))) {
        return Step::skip(reason);
    }
    let name = table_name(named, dialect);
    if let Some(reason) =
        Kind::from_keyword(object_kind).and_then(|kind| scope.created(kind, &name))
    {
        return Step::skip(reason);
    }
    Step::recreate(Need::Comment {
        object_kind: object_kind.to_string(),
        object: written,
    })
}
