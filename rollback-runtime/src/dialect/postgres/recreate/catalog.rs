//! The catalog readers the needs share: each reads one kind of object,
//! chosen by a SQL condition, and returns the statements that create it.

use super::literal::{PG, lit};
use crate::dialect::inspector::Inspector;
use crate::dialect::quote::ident;
use crate::dialect::reconstruct::{NotRecreated, cell, first_cells};
use rollback_core::sql::TableName;

/// A relation found in `pg_class`.
pub(super) struct Relation {
    /// Its oid, as text for the catalog queries.
    pub oid: String,
    /// Its name as `regclass` renders it: quoted, qualified outside the
    /// search path.
    pub name: String,
    /// Its `relkind`.
    pub kind: String,
}

/// The relation `name` names, if it is of one of `kinds` (`relkind`
/// letters); else it is missing, described as `what`.
pub(super) async fn relation(
    inspector: &mut Inspector,
    name: &TableName,
    kinds: &str,
    what: &str,
) -> Result<Relation, NotRecreated> {
    let sql = format!(
        "SELECT c.oid::text, c.oid::regclass::text, c.relkind::text FROM pg_class AS c
         WHERE c.oid = to_regclass({})",
        lit(&crate::dialect::quote::table(PG, name))
    );
    let rows = inspector.rows(&sql).await?;
    rows.first()
        .map(|row| Relation {
            oid: cell(row, 0),
            name: cell(row, 1),
            kind: cell(row, 2),
        })
        .filter(|relation| kinds.contains(relation.kind.as_str()))
        .ok_or_else(|| NotRecreated::Missing(format!("{what} {name}")))
}

/// A sequence's options as `CREATE SEQUENCE` takes them, without `AS`
/// (an identity column's sequence takes the column's type), from
/// `pg_sequence` aliased `s`.
pub(super) const SEQUENCE_OPTIONS: &str =
    "'INCREMENT BY ' || s.seqincrement || ' MINVALUE ' || s.seqmin
    || ' MAXVALUE ' || s.seqmax || ' START WITH ' || s.seqstart || ' CACHE ' || s.seqcache
    || (CASE WHEN s.seqcycle THEN ' CYCLE' ELSE ' NO CYCLE' END)";

/// A column of a table, as `pg_attribute` has it.
pub(super) struct Column {
    /// Its `attnum`.
    pub number: String,
    /// Its name.
    pub name: String,
    /// Its definition as `CREATE TABLE` and `ADD COLUMN` take it.
    pub definition: String,
    /// Its type (`format_type`).
    pub data_type: String,
    /// Its collation, where it differs from its type's.
    pub collation: Option<String>,
    /// Its default expression (not a generation expression).
    pub default: Option<String>,
    /// Whether it is NOT NULL.
    pub not_null: bool,
    /// Whether it is an identity or generated column.
    pub special: bool,
    /// An identity column's `ALWAYS` or `BY DEFAULT`.
    pub identity: Option<&'static str>,
    /// Whether it is a generated column, which takes no values.
    pub generated: bool,
}

/// The columns of relation `oid`, or only `only` among them, in order.
pub(super) async fn columns(
    inspector: &mut Inspector,
    oid: &str,
    only: Option<&str>,
) -> Result<Vec<Column>, sqlx::Error> {
    let only = only
        .map(|column| format!(" AND a.attname = {}", lit(column)))
        .unwrap_or_default();
    let sql = format!(
        "SELECT a.attnum::text, a.attname::text, format_type(a.atttypid, a.atttypmod),
             (CASE WHEN a.attcollation <> t.typcollation AND a.attcollation <> 0
                   THEN quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END),
             pg_get_expr(ad.adbin, ad.adrelid), a.attnotnull::text, a.attidentity::text,
             a.attgenerated::text,
             (SELECT 'SEQUENCE NAME ' || s.seqrelid::regclass::text || ' ' || {SEQUENCE_OPTIONS}
              FROM pg_depend AS d JOIN pg_sequence AS s ON s.seqrelid = d.objid
              WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
                AND d.refobjid = a.attrelid AND d.refobjsubid = a.attnum AND d.deptype = 'i')
         FROM pg_attribute AS a JOIN pg_type AS t ON t.oid = a.atttypid
         LEFT JOIN pg_attrdef AS ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
         LEFT JOIN pg_collation AS co ON co.oid = a.attcollation
         LEFT JOIN pg_namespace AS cn ON cn.oid = co.collnamespace
         WHERE a.attrelid = {oid} AND a.attnum > 0 AND NOT a.attisdropped{only}
         ORDER BY a.attnum"
    );
    Ok(inspector
        .rows(&sql)
        .await?
        .iter()
        .map(|row| column(row))
        .collect())
}

fn column(row: &[Option<String>]) -> Column {
    let present = |index: usize| Some(cell(row, index)).filter(|value| !value.is_empty());
    let name = cell(row, 1);
    let data_type = cell(row, 2);
    let collation = present(3);
    let expression = present(4);
    let not_null = cell(row, 5) == "true";
    let identity = match cell(row, 6).as_str() {
        "a" => Some("ALWAYS"),
        "d" => Some("BY DEFAULT"),
        _ => None,
    };
    let generated = cell(row, 7) == "s";
    let mut definition = format!("{} {data_type}", ident(PG, &name));
    if let Some(collation) = &collation {
        definition.push_str(&format!(" COLLATE {collation}"));
    }
    match &expression {
        Some(expression) if generated => {
            definition.push_str(&format!(" GENERATED ALWAYS AS ({expression}) STORED"));
        }
        Some(expression) => definition.push_str(&format!(" DEFAULT {expression}")),
        None => {}
    }
    if let Some(when) = identity {
        definition.push_str(&format!(" GENERATED {when} AS IDENTITY ({})", cell(row, 8)));
    }
    if not_null {
        definition.push_str(" NOT NULL");
    }
    Column {
        number: cell(row, 0),
        name,
        definition,
        data_type,
        collation,
        default: expression.filter(|_| !generated),
        not_null,
        special: generated || identity.is_some(),
        identity,
        generated,
    }
}

/// The sequences a table's columns own (`serial`), which dropping the
/// table or the column drops: created before it, owned again after.
pub(super) struct OwnedSequences {
    /// `CREATE SEQUENCE` statements, to run before the table or column.
    pub before: Vec<String>,
    /// `ALTER SEQUENCE … OWNED BY` and comments, to run after.
    pub after: Vec<String>,
    /// The sequences' names, for a note on their current values.
    pub names: Vec<String>,
}

/// The sequences owned by the columns of `relation` (`column`: `attnum`
/// only that one).
pub(super) async fn owned_sequences(
    inspector: &mut Inspector,
    relation: &Relation,
    column: Option<&str>,
) -> Result<OwnedSequences, sqlx::Error> {
    let only = column
        .map(|number| format!(" AND d.refobjsubid = {number}"))
        .unwrap_or_default();
    let sql = format!(
        "SELECT s.seqrelid::regclass::text, 'AS ' || format_type(s.seqtypid, NULL) || ' ' || {SEQUENCE_OPTIONS},
             a.attname::text, obj_description(s.seqrelid, 'pg_class')
         FROM pg_depend AS d JOIN pg_sequence AS s ON s.seqrelid = d.objid
         JOIN pg_attribute AS a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
         WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
           AND d.refobjid = {} AND d.deptype = 'a'{only}
         ORDER BY s.seqrelid",
        relation.oid
    );
    let mut owned = OwnedSequences {
        before: Vec::new(),
        after: Vec::new(),
        names: Vec::new(),
    };
    for row in inspector.rows(&sql).await? {
        let sequence = cell(&row, 0);
        owned
            .before
            .push(format!("CREATE SEQUENCE {sequence} {}", cell(&row, 1)));
        owned.after.push(format!(
            "ALTER SEQUENCE {sequence} OWNED BY {}.{}",
            relation.name,
            ident(PG, &cell(&row, 2))
        ));
        owned
            .after
            .extend(comment_on("SEQUENCE", &sequence, row.get(3)));
        owned.names.push(sequence);
    }
    Ok(owned)
}

/// `COMMENT ON kind object IS '…'` when `comment` is one.
pub(super) fn comment_on(
    kind: &str,
    object: &str,
    comment: Option<&Option<String>>,
) -> Option<String> {
    comment
        .cloned()
        .flatten()
        .map(|comment| format!("COMMENT ON {kind} {object} IS {}", lit(&comment)))
}

/// `ALTER TABLE … ADD CONSTRAINT` for the constraints of `pg_constraint`
/// (aliased `c`) that match `filter`: keys, exclusions and checks first,
/// then foreign keys, which may need the keys.
pub(super) async fn constraints(
    inspector: &mut Inspector,
    filter: &str,
) -> Result<Vec<String>, sqlx::Error> {
    let sql = format!(
        "SELECT c.conrelid::regclass::text, c.conname::text, pg_get_constraintdef(c.oid),
             obj_description(c.oid, 'pg_constraint')
         FROM pg_constraint AS c
         WHERE c.conrelid <> 0 AND c.contype IN ('p', 'u', 'x', 'c', 'f') AND ({filter})
         ORDER BY c.contype = 'f', c.oid"
    );
    let mut statements = Vec::new();
    for row in inspector.rows(&sql).await? {
        let (on, name) = (cell(&row, 0), ident(PG, &cell(&row, 1)));
        statements.push(format!(
            "ALTER TABLE {on} ADD CONSTRAINT {name} {}",
            cell(&row, 2)
        ));
        statements.extend(comment_on(
            "CONSTRAINT",
            &format!("{name} ON {on}"),
            row.get(3),
        ));
    }
    Ok(statements)
}

/// The indexes of `pg_index` (aliased `i`) that match `filter`, with their
/// comments and `CLUSTER ON`.
pub(super) async fn indexes(
    inspector: &mut Inspector,
    filter: &str,
) -> Result<Vec<String>, sqlx::Error> {
    let sql = format!(
        "SELECT pg_get_indexdef(i.indexrelid), i.indexrelid::regclass::text,
             obj_description(i.indexrelid, 'pg_class'), i.indisclustered::text,
             i.indrelid::regclass::text, quote_ident(ic.relname)
         FROM pg_index AS i JOIN pg_class AS ic ON ic.oid = i.indexrelid
         WHERE {filter} ORDER BY i.indexrelid"
    );
    let mut statements = Vec::new();
    for row in inspector.rows(&sql).await? {
        statements.push(cell(&row, 0));
        statements.extend(comment_on("INDEX", &cell(&row, 1), row.get(2)));
        if cell(&row, 3) == "true" {
            statements.push(format!(
                "ALTER TABLE {} CLUSTER ON {}",
                cell(&row, 4),
                cell(&row, 5)
            ));
        }
    }
    Ok(statements)
}

/// The condition on `pg_index` (aliased `i`) for the indexes that no
/// constraint owns: those come back with their constraint.
pub(super) const NOT_OF_A_CONSTRAINT: &str = "NOT EXISTS (SELECT 1 FROM pg_constraint AS k
    WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid AND k.contype IN ('p', 'u', 'x'))";

/// The triggers of `pg_trigger` (aliased `t`) that match `filter`, with
/// their enabled state and comments. From PostgreSQL 14 they are written
/// `CREATE OR REPLACE TRIGGER`, which also puts back a trigger that still
/// exists (one on a function `CREATE OR REPLACE FUNCTION` replaced).
pub(super) async fn triggers(
    inspector: &mut Inspector,
    filter: &str,
) -> Result<Vec<String>, sqlx::Error> {
    let sql = format!(
        "SELECT pg_get_triggerdef(t.oid), t.tgenabled::text, quote_ident(t.tgname),
             t.tgrelid::regclass::text, obj_description(t.oid, 'pg_trigger'),
             (current_setting('server_version_num')::int >= 140000)::text
         FROM pg_trigger AS t WHERE NOT t.tgisinternal AND ({filter}) ORDER BY t.oid"
    );
    let mut statements = Vec::new();
    for row in inspector.rows(&sql).await? {
        let definition = cell(&row, 0);
        let replaceable = cell(&row, 5) == "true";
        statements.push(match definition.strip_prefix("CREATE TRIGGER ") {
            Some(rest) if replaceable => format!("CREATE OR REPLACE TRIGGER {rest}"),
            _ => definition,
        });
        let (name, on) = (cell(&row, 2), cell(&row, 3));
        let state = match cell(&row, 1).as_str() {
            "D" => Some("DISABLE TRIGGER"),
            "R" => Some("ENABLE REPLICA TRIGGER"),
            "A" => Some("ENABLE ALWAYS TRIGGER"),
            _ => None,
        };
        if let Some(state) = state {
            statements.push(format!("ALTER TABLE {on} {state} {name}"));
        }
        statements.extend(comment_on(
            "TRIGGER",
            &format!("{name} ON {on}"),
            row.get(4),
        ));
    }
    Ok(statements)
}

/// `CREATE POLICY` for the policies of `pg_policy` (aliased `p`) that
/// match `filter`, with their roles in their order.
pub(super) async fn policies(
    inspector: &mut Inspector,
    filter: &str,
) -> Result<Vec<String>, sqlx::Error> {
    let sql = format!(
        "SELECT quote_ident(p.polname), p.polrelid::regclass::text,
             (CASE WHEN p.polpermissive THEN 'PERMISSIVE' ELSE 'RESTRICTIVE' END),
             (CASE p.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE'
                  WHEN 'd' THEN 'DELETE' ELSE 'ALL' END),
             (SELECT string_agg(CASE WHEN r.role = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(r.role)) END,
                  ', ' ORDER BY r.n) FROM unnest(p.polroles) WITH ORDINALITY AS r(role, n)),
             pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid),
             obj_description(p.oid, 'pg_policy')
         FROM pg_policy AS p WHERE {filter} ORDER BY p.oid"
    );
    let mut statements = Vec::new();
    for row in inspector.rows(&sql).await? {
        let (name, on) = (cell(&row, 0), cell(&row, 1));
        let mut statement = format!(
            "CREATE POLICY {name} ON {on} AS {} FOR {} TO {}",
            cell(&row, 2),
            cell(&row, 3),
            cell(&row, 4)
        );
        if let Some(using) = row.get(5).cloned().flatten() {
            statement.push_str(&format!(" USING ({using})"));
        }
        if let Some(check) = row.get(6).cloned().flatten() {
            statement.push_str(&format!(" WITH CHECK ({check})"));
        }
        statements.push(statement);
        statements.extend(comment_on("POLICY", &format!("{name} ON {on}"), row.get(7)));
    }
    Ok(statements)
}

/// The views that read `relation` (its column `column` only, where
/// given), and those that read them, oldest first: what a `DROP … CASCADE`
/// drops with it. Each is recreated as [`view_statements`] writes it.
pub(super) async fn dependent_views(
    inspector: &mut Inspector,
    relation: &str,
    column: Option<&str>,
) -> Result<Vec<String>, sqlx::Error> {
    let only = column
        .map(|number| format!(" AND d.refobjsubid = {number}"))
        .unwrap_or_default();
    let sql = format!(
        "WITH RECURSIVE deps(oid) AS (
             SELECT r.ev_class FROM pg_depend AS d JOIN pg_rewrite AS r ON r.oid = d.objid
             WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass
               AND d.refobjid = {relation}{only} AND r.ev_class <> {relation}
             UNION
             SELECT r.ev_class FROM deps JOIN pg_depend AS d ON d.refobjid = deps.oid
                 AND d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass
             JOIN pg_rewrite AS r ON r.oid = d.objid WHERE r.ev_class <> deps.oid)
         SELECT oid::text FROM (SELECT DISTINCT oid FROM deps) AS v ORDER BY oid"
    );
    let mut statements = Vec::new();
    for oid in first_cells(inspector, &sql).await? {
        statements.extend(view_statements(inspector, &oid).await?);
    }
    Ok(statements)
}

/// A view as `CREATE OR REPLACE VIEW` (which also puts back one that a
/// `CREATE OR REPLACE` changed), or a materialized view as `CREATE
/// MATERIALIZED VIEW IF NOT EXISTS` with its indexes, each with its options,
/// comments and triggers.
pub(super) async fn view_statements(
    inspector: &mut Inspector,
    oid: &str,
) -> Result<Vec<String>, sqlx::Error> {
    let sql = format!(
        "SELECT c.oid::regclass::text, c.relkind::text, pg_get_viewdef(c.oid),
             array_to_string(c.reloptions, ', '), c.relispopulated::text,
             obj_description(c.oid, 'pg_class')
         FROM pg_class AS c WHERE c.oid = {oid}"
    );
    let rows = inspector.rows(&sql).await?;
    let Some(row) = rows.first() else {
        return Ok(Vec::new());
    };
    let name = cell(row, 0);
    let materialized = cell(row, 1) == "m";
    let body = cell(row, 2);
    let body = body.trim_end().trim_end_matches(';');
    let options = Some(cell(row, 3))
        .filter(|options| !options.is_empty())
        .map(|options| format!(" WITH ({options})"))
        .unwrap_or_default();
    let mut statements = vec![if materialized {
        let data = if cell(row, 4) == "true" { "" } else { " NO" };
        format!(
            "CREATE MATERIALIZED VIEW IF NOT EXISTS {name}{options} AS\n{body}\nWITH{data} DATA"
        )
    } else {
        format!("CREATE OR REPLACE VIEW {name}{options} AS\n{body}")
    }];
    let kind = if materialized {
        "MATERIALIZED VIEW"
    } else {
        "VIEW"
    };
    statements.extend(comment_on(kind, &name, row.get(5)));
    statements.extend(column_comments(inspector, oid, &name, None).await?);
    statements.extend(indexes(inspector, &format!("i.indrelid = {oid}")).await?);
    statements.extend(triggers(inspector, &format!("t.tgrelid = {oid}")).await?);
    Ok(statements)
}

/// `COMMENT ON COLUMN` for the commented columns of relation `oid` named
/// `name` (only the one numbered `column`, where given).
pub(super) async fn column_comments(
    inspector: &mut Inspector,
    oid: &str,
    name: &str,
    column: Option<&str>,
) -> Result<Vec<String>, sqlx::Error> {
    let only = column
        .map(|number| format!(" AND a.attnum = {number}"))
        .unwrap_or_default();
    let sql = format!(
        "SELECT quote_ident(a.attname), col_description(a.attrelid, a.attnum)
         FROM pg_attribute AS a WHERE a.attrelid = {oid} AND a.attnum > 0 AND NOT a.attisdropped
           AND col_description(a.attrelid, a.attnum) IS NOT NULL{only}
         ORDER BY a.attnum"
    );
    Ok(inspector
        .rows(&sql)
        .await?
        .iter()
        .filter_map(|row| comment_on("COLUMN", &format!("{name}.{}", cell(row, 0)), row.get(1)))
        .collect())
}
