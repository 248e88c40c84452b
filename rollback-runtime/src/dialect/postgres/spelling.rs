//! How PostgreSQL spells what the generic code writes.

use rollback_core::sql::Dialect;

use super::snapshot::QUERIES;
use crate::dialect::quote::{ident, literal};
use crate::dialect::snapshot::CatalogQueries;
use crate::dialect::spelling::{SentinelValue, Spelling};
use crate::schema::{ObjectKey, Snapshot};

/// PostgreSQL.
pub(crate) struct Postgres;

impl Spelling for Postgres {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn identifier_limit(&self) -> usize {
        63
    }

    /// The catalog keeps a name as created, and `"Name"` and `name` are
    /// two columns.
    fn same_column(&self, a: &str, b: &str) -> bool {
        a == b
    }

    fn rows_per_second(&self) -> i64 {
        1_000_000
    }

    fn backup_schema(&self) -> Option<&'static str> {
        Some("_rollback_backup")
    }

    fn casts_copied_values(&self) -> bool {
        true
    }

    /// The copy is created empty, closed to everyone but its owner, and
    /// only then filled: it is never readable by a role that default
    /// privileges or grants on the schema would let in, not even for the
    /// moment a copy outside a transaction (a no-transaction down's) is
    /// committed. Row-level security with no policy is a second wall should
    /// someone grant the copy later; the owner (the role that runs the
    /// rollback and so the restore) and superusers bypass it.
    fn copy_statements(&self, copy: &str, select: &str) -> Vec<String> {
        vec![
            format!("CREATE TABLE {copy} AS {select} WITH NO DATA"),
            revoke_grants(Sealed::Table, &literal(Dialect::Postgres, copy)),
            format!("ALTER TABLE {copy} ENABLE ROW LEVEL SECURITY"),
            format!("INSERT INTO {copy} {select}"),
        ]
    }

    fn seal_backups(&self) -> Vec<String> {
        vec![
            revoke_grants(Sealed::Schema, "'_rollback_backup'"),
            revoke_grants(Sealed::Table, "'_rollback_backups'"),
            revoke_grants(Sealed::Table, "'_rollback_backup_items'"),
        ]
    }

    fn backup_readers(&self, _database: Option<&str>) -> String {
        "copies go to schema _rollback_backup, which only its owner may use; each copy has no grants and row-level security on: only the role that runs the rollback (and its members, and superusers) can read them".to_owned()
    }

    fn overriding_identity(&self) -> &'static str {
        " OVERRIDING SYSTEM VALUE"
    }

    /// Functions are overloaded: the argument list finds the one created.
    fn drop_routine(&self, kind: &str, name: &str, arguments: Option<&str>) -> String {
        let signature = arguments.map_or_else(String::new, |arguments| format!("({arguments})"));
        format!("DROP {kind} IF EXISTS {name}{signature}")
    }

    /// A trigger's name is unique on its table only.
    fn drop_trigger(&self, qualified_name: &str, name: &str, table: Option<&str>) -> String {
        match table {
            Some(table) => format!("DROP TRIGGER IF EXISTS {name} ON {table}"),
            None => format!("DROP TRIGGER IF EXISTS {qualified_name}"),
        }
    }

    /// A snapshot names a table outside the current schema `schema.name`.
    fn snapshot_table(&self, name: &str) -> String {
        match name.split_once('.') {
            Some((schema, table)) => format!(
                "{}.{}",
                ident(Dialect::Postgres, schema),
                ident(Dialect::Postgres, table)
            ),
            None => ident(Dialect::Postgres, name),
        }
    }

    /// Arrays take the empty array; enums their first label.
    fn special_sentinel(&self, kind: &str, schema: &Snapshot) -> Option<Option<SentinelValue>> {
        if kind.ends_with("[]") {
            return Some(Some(SentinelValue::loose("'{}'")));
        }
        let labels = schema
            .objects
            .get(&ObjectKey {
                kind: "type".to_owned(),
                name: kind.to_owned(),
            })?
            .get("labels")?;
        Some(labels.split(", ").next().map(SentinelValue::loose))
    }

    fn true_literal(&self) -> &'static str {
        "true"
    }

    /// `hex()` is not PostgreSQL's.
    fn hex_of(&self, expression: &str) -> String {
        format!("encode({expression}, 'hex')")
    }

    fn fingerprint(&self, table: &str, _columns: &[String]) -> String {
        format!(
            "SELECT count(*)::text || ':' || coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '') FROM {table} AS x"
        )
    }

    fn snapshot_queries(&self) -> &'static CatalogQueries {
        &QUERIES
    }
}

/// What [`revoke_grants`] closes.
#[derive(Clone, Copy)]
enum Sealed {
    Schema,
    Table,
}

/// A `DO` block that revokes every privilege on the table or schema whose
/// name `object` (a quoted name as a string literal) gives, from every role
/// but its owner: PUBLIC, and the grantees default privileges or a person
/// added. It acts only when the connection has its owner's privileges (it
/// may revoke what the owner granted); elsewhere it leaves the grants alone.
fn revoke_grants(sealed: Sealed, object: &str) -> String {
    let (kind, catalog, oid, acl, owner, target) = match sealed {
        Sealed::Schema => (
            "SCHEMA",
            "pg_catalog.pg_namespace",
            format!("(SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = {object})"),
            "nspacl",
            "nspowner",
            format!("pg_catalog.quote_ident({object})"),
        ),
        Sealed::Table => (
            "TABLE",
            "pg_catalog.pg_class",
            format!("pg_catalog.to_regclass({object})"),
            "relacl",
            "relowner",
            format!("pg_catalog.to_regclass({object})::text"),
        ),
    };
    format!(
        "DO $rollback_seal$ DECLARE grantee text; BEGIN
            FOR grantee IN
                SELECT DISTINCT CASE WHEN a.grantee = 0 THEN 'PUBLIC'
                                     ELSE pg_catalog.quote_ident(r.rolname) END
                FROM {catalog} o
                CROSS JOIN LATERAL pg_catalog.aclexplode(o.{acl}) AS a
                LEFT JOIN pg_catalog.pg_roles r ON r.oid = a.grantee
                WHERE o.oid = {oid} AND a.grantee <> o.{owner}
                  AND pg_catalog.pg_has_role(o.{owner}, 'USAGE')
            LOOP
                EXECUTE 'REVOKE ALL ON {kind} ' || {target} || ' FROM ' || grantee || ' CASCADE';
            END LOOP;
        END $rollback_seal$"
    )
}
