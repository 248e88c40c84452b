//! The inverse of one statement the parser reads, by kind.

use sqlparser::ast::{
    self, AlterFunctionKind, AlterFunctionOperation, AlterIndexOperation, AlterPolicyOperation,
    AlterTypeOperation, CommentObject, Grant, ObjectName, ObjectNamePart, ObjectType, Revoke,
    SchemaName,
};
use sqlparser::parser::Parser;

use super::inverse::Need;
use super::kind::Kind;
use super::object::{self, Creation, Object};
use super::scope::Scope;
use super::step::{SESSION, Step, UNKNOWN_KIND};
use super::{alter, data, mysql_forms, unparsed};
use crate::sql::analysis::analyzed::runs_hidden_code;
use crate::sql::analysis::rows::changes_in;
use crate::sql::dialect::parser_dialect;
use crate::sql::name::{renamed_to, table_name};

/// Why transaction control needs no undoing.
const TRANSACTION: &str = "transaction control";

/// The undoing of `sql`, one statement as `split` returns it. Text the
/// parser cannot read is read word by word (see [`unparsed`]) or cannot be
/// inverted, with the parser's message as the reason.
pub(super) fn invert(sql: &str, scope: &mut Scope) -> Step {
    match Parser::parse_sql(parser_dialect(scope.dialect()), sql) {
        Ok(statements) => Step::reversed(
            statements
                .iter()
                .map(|statement| invert_parsed(statement, scope))
                .collect(),
        ),
        Err(error) => mysql_forms::readable_equivalent(sql, scope.dialect())
            .and_then(|equivalent| {
                Parser::parse_sql(parser_dialect(scope.dialect()), &equivalent).ok()
            })
            .map(|statements| {
                Step::reversed(
                    statements
                        .iter()
                        .map(|statement| invert_parsed(statement, scope))
                        .collect(),
                )
            })
            .or_else(|| unparsed::invert(sql, scope))
            .unwrap_or_else(|| Step::cannot(error.to_string())),
    }
}

/// The undoing of one parsed statement.
fn invert_parsed(statement: &ast::Statement, scope: &mut Scope) -> Step {
    use ast::Statement as S;
    match statement {
        S::Query(query) => query_changes(query, scope),
        S::AlterTable(alter) => alter::alter_table(alter, scope),
        S::AlterIndex {
            name,
            operation: AlterIndexOperation::RenameIndex { index_name },
        } => Step::sql(object::rename_back(Kind::Index, name, index_name, None)),
        S::AlterType(alter) => alter_type(alter, scope),
        S::AlterView { name, .. } => alter_view(name, scope),
        S::AlterFunction(alter) => alter_function(alter, scope),
        S::AlterPolicy(alter) => alter_policy(alter, scope),
        S::RenameTable(renames) => Step::reversed(
            renames
                .iter()
                .map(|rename| alter::rename_table(&rename.old_name, &rename.new_name, scope))
                .collect(),
        ),
        S::Comment {
            object_type,
            object_name,
            ..
        } => comment(*object_type, object_name, scope),
        S::Grant(grant) => Step::sql(revoke_of(grant).to_string()),
        S::Revoke(revoke) => Step::sql(grant_of(revoke).to_string()),
        S::StartTransaction { statements, .. } if !statements.is_empty() => Step::reversed(
            statements
                .iter()
                .map(|inner| invert_parsed(inner, scope))
                .collect(),
        ),
        S::Call(_) => Step::cannot(runs_hidden_code("CALL")),
        S::Execute { .. } => Step::cannot(runs_hidden_code("EXECUTE")),
        _ => create(statement, scope)
            .or_else(|| drop(statement, scope))
            .or_else(|| data::invert(statement, scope))
            .or_else(|| skipped(statement).map(Step::skip))
            .unwrap_or_else(|| Step::cannot(UNKNOWN_KIND)),
    }
}

/// `SELECT`, `VALUES`, `WITH …`: nothing to undo, but for the statements
/// that change rows inside it (see [`changes_in`]).
fn query_changes(query: &ast::Query, scope: &mut Scope) -> Step {
    let changes = changes_in(query);
    if changes.is_empty() {
        return Step::skip("only reads");
    }
    Step::reversed(
        changes
            .into_iter()
            .map(|statement| invert_parsed(statement, scope))
            .collect(),
    )
}

/// The undoing of a `CREATE`; `None` for other kinds.
fn create(statement: &ast::Statement, scope: &mut Scope) -> Option<Step> {
    use ast::Statement as S;
    let dialect = scope.dialect();
    let (object, creation) = match statement {
        S::CreateTable(create) => (
            Object::new(Kind::Table, create.name.clone()),
            Creation::of(create.or_replace, create.if_not_exists),
        ),
        S::CreateVirtualTable {
            name,
            if_not_exists,
            ..
        } => (
            Object::new(Kind::Table, name.clone()),
            Creation::of(false, *if_not_exists),
        ),
        S::CreateIndex(create) => match &create.name {
            Some(name) => (
                Object::index(name.clone(), create.table_name.clone(), dialect),
                Creation::of(false, create.if_not_exists),
            ),
            None => return Some(object::create_unnamed_index(&create.table_name, scope)),
        },
        S::CreateView(create) => {
            let kind = if create.materialized {
                Kind::MaterializedView
            } else {
                Kind::View
            };
            (
                Object::new(kind, create.name.clone()),
                Creation::of(create.or_replace || create.or_alter, create.if_not_exists),
            )
        }
        S::CreateSequence {
            name,
            if_not_exists,
            ..
        } => (
            Object::new(Kind::Sequence, name.clone()),
            Creation::of(false, *if_not_exists),
        ),
        S::CreateType { name, .. } => (Object::new(Kind::Type, name.clone()), Creation::New),
        S::CreateDomain(create) => (
            Object::new(Kind::Domain, create.name.clone()),
            Creation::New,
        ),
        S::CreateSchema {
            schema_name,
            if_not_exists,
            ..
        } => (
            Object::new(Kind::Schema, schema_of(schema_name)),
            Creation::of(false, *if_not_exists),
        ),
        S::CreateExtension(create) => (
            Object::new(Kind::Extension, ObjectName::from(vec![create.name.clone()])),
            Creation::of(false, create.if_not_exists),
        ),
        S::CreateFunction(create) => (
            Object::routine(create.name.clone(), create.args.as_deref(), false),
            Creation::of(create.or_replace || create.or_alter, false),
        ),
        S::CreateProcedure {
            or_alter,
            name,
            params,
            ..
        } => {
            let arguments: Option<Vec<ast::OperateFunctionArg>> = params
                .as_ref()
                .map(|params| params.iter().map(procedure_argument).collect());
            (
                Object::routine(name.clone(), arguments.as_deref(), true),
                Creation::of(*or_alter, false),
            )
        }
        S::CreateTrigger(create) => (
            Object::new(Kind::Trigger, create.name.clone()).on(create.table_name.clone()),
            Creation::of(create.or_replace || create.or_alter, false),
        ),
        S::CreatePolicy(create) => (
            Object::new(Kind::Policy, ObjectName::from(vec![create.name.clone()]))
                .on(create.table_name.clone()),
            Creation::New,
        ),
        _ => return None,
    };
    Some(object::create(object, creation, scope))
}

/// A procedure's parameter as a function argument, for its signature.
fn procedure_argument(param: &ast::ProcedureParam) -> ast::OperateFunctionArg {
    ast::OperateFunctionArg {
        mode: param.mode.clone(),
        name: Some(param.name.clone()),
        data_type: param.data_type.clone(),
        default_expr: None,
    }
}

/// The schema `CREATE SCHEMA` creates: `AUTHORIZATION role` alone names it
/// after the role.
fn schema_of(schema_name: &SchemaName) -> ObjectName {
    match schema_name {
        SchemaName::Simple(name) | SchemaName::NamedAuthorization(name, _) => name.clone(),
        SchemaName::UnnamedAuthorization(role) => ObjectName::from(vec![role.clone()]),
    }
}

/// The undoing of a `DROP`; `None` for other kinds. The objects of one
/// `DROP` come back in the reverse order.
fn drop(statement: &ast::Statement, scope: &mut Scope) -> Option<Step> {
    use ast::Statement as S;
    let dialect = scope.dialect();
    let objects: Vec<Object> = match statement {
        S::Drop {
            object_type,
            names,
            table,
            ..
        } => {
            let kind = dropped_kind(*object_type)?;
            names
                .iter()
                .map(|name| match (kind, table) {
                    (Kind::Index, Some(table)) => {
                        Object::index(name.clone(), table.clone(), dialect)
                    }
                    _ => Object::new(kind, name.clone()),
                })
                .collect()
        }
        S::DropFunction(drop) => drop
            .func_desc
            .iter()
            .map(|desc| Object::routine(desc.name.clone(), desc.args.as_deref(), false))
            .collect(),
        S::DropProcedure { proc_desc, .. } => proc_desc
            .iter()
            .map(|desc| Object::routine(desc.name.clone(), desc.args.as_deref(), true))
            .collect(),
        S::DropTrigger(drop) => {
            let trigger = Object::new(Kind::Trigger, drop.trigger_name.clone());
            vec![match &drop.table_name {
                Some(table) => trigger.on(table.clone()),
                None => trigger,
            }]
        }
        S::DropPolicy(drop) => vec![
            Object::new(Kind::Policy, ObjectName::from(vec![drop.name.clone()]))
                .on(drop.table_name.clone()),
        ],
        S::DropExtension(drop) => drop
            .names
            .iter()
            .map(|name| Object::new(Kind::Extension, ObjectName::from(vec![name.clone()])))
            .collect(),
        S::DropDomain(drop) => vec![Object::new(Kind::Domain, drop.name.clone())],
        _ => return None,
    };
    Some(Step::reversed(
        objects
            .into_iter()
            .map(|object| object::drop(object, scope))
            .collect(),
    ))
}

/// The kind of a `DROP <kind>` that cargo-rollback can put back.
fn dropped_kind(object_type: ObjectType) -> Option<Kind> {
    Some(match object_type {
        ObjectType::Table => Kind::Table,
        ObjectType::View => Kind::View,
        ObjectType::MaterializedView => Kind::MaterializedView,
        ObjectType::Index => Kind::Index,
        ObjectType::Sequence => Kind::Sequence,
        ObjectType::Type => Kind::Type,
        ObjectType::Schema => Kind::Schema,
        _ => return None,
    })
}

/// `ALTER TYPE`: a rename, of the type or of a label, is undone by its
/// reverse (even of a type the up creates: the down drops it under its
/// first name); a new label cannot be, since PostgreSQL cannot remove one.
fn alter_type(alter: &ast::AlterType, scope: &mut Scope) -> Step {
    let name = table_name(&alter.name, scope.dialect());
    match &alter.operation {
        AlterTypeOperation::Rename(rename) => {
            let new_name = ObjectName::from(vec![rename.new_name.clone()]);
            scope.rename(
                Kind::Type,
                &name,
                renamed_to(&name, &new_name, scope.dialect()),
            );
            Step::sql(object::rename_back(
                Kind::Type,
                &alter.name,
                &new_name,
                None,
            ))
        }
        AlterTypeOperation::RenameValue(rename) => Step::sql(format!(
            "ALTER TYPE {} RENAME VALUE {} TO {}",
            alter.name, rename.to, rename.from
        )),
        AlterTypeOperation::AddValue(_) => match scope.created(Kind::Type, &name) {
            Some(reason) => Step::skip(reason),
            None => Step::cannot("PostgreSQL cannot remove a value from an enum type"),
        },
    }
}

/// MySQL's `ALTER VIEW v AS …`: the view as it was.
fn alter_view(name: &ObjectName, scope: &Scope) -> Step {
    let view = table_name(name, scope.dialect());
    match scope.created(Kind::View, &view) {
        Some(reason) => Step::skip(reason),
        None => Step::recreate(Need::View {
            view,
            materialized: false,
        }),
    }
}

/// `ALTER FUNCTION f(args) RENAME TO g`: undone by the reverse rename, with
/// the same arguments. Its other forms (owner, schema, options) do not say
/// what they replace.
fn alter_function(alter: &ast::AlterFunction, scope: &Scope) -> Step {
    let name = &alter.function.name;
    let (AlterFunctionKind::Function, AlterFunctionOperation::RenameTo { new_name }) =
        (&alter.kind, &alter.operation)
    else {
        return match scope.created(Kind::Function, &table_name(name, scope.dialect())) {
            Some(reason) => Step::skip(reason),
            None => Step::cannot(
                "the function's previous owner, schema or options are not in the statement",
            ),
        };
    };
    let Some(old) = name.0.last().and_then(ObjectNamePart::as_ident) else {
        return Step::cannot(UNKNOWN_KIND);
    };
    let (renamed, _) = object::reverse_names(name, &ObjectName::from(vec![new_name.clone()]));
    let back = ast::AlterFunction {
        function: ast::FunctionDesc {
            name: renamed,
            args: alter.function.args.clone(),
        },
        operation: AlterFunctionOperation::RenameTo {
            new_name: old.clone(),
        },
        ..alter.clone()
    };
    Step::sql(back.to_string())
}

/// `ALTER POLICY`: a rename is undone by its reverse; the policy's previous
/// roles and expressions are not in the statement.
fn alter_policy(alter: &ast::AlterPolicy, scope: &Scope) -> Step {
    if let Some(reason) = scope.on_created_table(&table_name(&alter.table_name, scope.dialect())) {
        return Step::skip(reason);
    }
    match &alter.operation {
        AlterPolicyOperation::Rename { new_name } => Step::sql(object::rename_back(
            Kind::Policy,
            &ObjectName::from(vec![alter.name.clone()]),
            &ObjectName::from(vec![new_name.clone()]),
            Some(&alter.table_name),
        )),
        AlterPolicyOperation::Apply { .. } => {
            Step::cannot("the policy's previous roles and expressions are not in the statement")
        }
    }
}

/// `COMMENT ON`: a column's or a table's comment belongs to its table.
fn comment(object_type: CommentObject, object_name: &ObjectName, scope: &Scope) -> Step {
    let parent = (object_type == CommentObject::Column).then(|| {
        let mut parts = object_name.0.clone();
        parts.pop();
        ObjectName(parts)
    });
    object::comment(
        &object_type.to_string(),
        object_name.to_string(),
        object_name,
        parent.as_ref(),
        scope,
    )
}

/// The `REVOKE` that takes back what `grant` gives.
fn revoke_of(grant: &Grant) -> Revoke {
    Revoke {
        grant_option_for: false,
        privileges: grant.privileges.clone(),
        objects: grant.objects.clone(),
        grantees: grant.grantees.clone(),
        granted_by: None,
        cascade: None,
    }
}

/// The `GRANT` that gives back what `revoke` takes (with the grant option
/// alone, when that is all it takes).
fn grant_of(revoke: &Revoke) -> Grant {
    Grant {
        privileges: revoke.privileges.clone(),
        objects: revoke.objects.clone(),
        grantees: revoke.grantees.clone(),
        with_grant_option: revoke.grant_option_for,
        as_grantor: None,
        granted_by: None,
        current_grants: None,
    }
}

/// Why a statement that changes no definition and no row needs no undoing;
/// `None` for other kinds.
fn skipped(statement: &ast::Statement) -> Option<&'static str> {
    use ast::Statement as S;
    Some(match statement {
        S::Set(_)
        | S::Reset(_)
        | S::Discard { .. }
        | S::Pragma { .. }
        | S::Use(_)
        | S::AttachDatabase { .. } => SESSION,
        S::StartTransaction { .. }
        | S::Commit { .. }
        | S::Rollback { .. }
        | S::Savepoint { .. }
        | S::ReleaseSavepoint { .. } => TRANSACTION,
        S::Analyze(_) | S::Vacuum(_) => "rebuilds statistics or storage, no definition or row",
        S::Lock(_) | S::LockTables { .. } | S::UnlockTables => "takes or releases locks only",
        S::Prepare { .. } | S::Deallocate { .. } => {
            "prepares or frees a statement without running it"
        }
        S::LISTEN { .. } | S::UNLISTEN { .. } | S::NOTIFY { .. } => {
            "sends or awaits notifications only"
        }
        _ => return None,
    })
}
