//! Objects other than tables: views, sequences, types, routines, schemas,
//! extensions, comments.

use rollback_core::sql::TableName;

use super::catalog::{
    Relation, SEQUENCE_OPTIONS, comment_on, dependent_views, relation, triggers, view_statements,
};
use super::literal::{PG, lit};
use super::tables::column_with_dependents;
use crate::dialect::inspector::Inspector;
use crate::dialect::quote::{ident, table};
use crate::dialect::reconstruct::{NotRecreated, Recreated, cell, first_cells};

/// A dropped or replaced view, with the views that read it.
pub(super) async fn view(
    inspector: &mut Inspector,
    name: &TableName,
) -> Result<Recreated, NotRecreated> {
    let view = relation(inspector, name, "vm", "view").await?;
    let mut statements = view_statements(inspector, &view.oid).await?;
    statements.extend(dependent_views(inspector, &view.oid, None).await?);
    let recreated = Recreated::from_statements(statements);
    Ok(if view.kind == "m" {
        recreated.noting(format!(
            "the rows of materialized view {name} until it is refreshed"
        ))
    } else {
        recreated
    })
}

/// A dropped sequence with its options, its owner and the column defaults
/// that used it (a `DROP SEQUENCE … CASCADE` drops them).
pub(super) async fn sequence(
    inspector: &mut Inspector,
    name: &TableName,
) -> Result<Recreated, NotRecreated> {
    let sequence = relation(inspector, name, "S", "sequence").await?;
    let oid = &sequence.oid;
    let sql = format!(
        "SELECT 'AS ' || format_type(s.seqtypid, NULL) || ' ' || {SEQUENCE_OPTIONS},
             (SELECT d.refobjid::regclass::text || '.' || quote_ident(a.attname) || ' ' || d.deptype::text
              FROM pg_depend AS d JOIN pg_attribute AS a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
              WHERE d.classid = 'pg_class'::regclass AND d.objid = s.seqrelid
                AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')),
             obj_description(s.seqrelid, 'pg_class')
         FROM pg_sequence AS s WHERE s.seqrelid = {oid}"
    );
    let rows = inspector.rows(&sql).await?;
    let row = rows.first().cloned().unwrap_or_default();
    let owner = cell(&row, 1);
    if let Some(column) = owner.strip_suffix(" i") {
        return Err(NotRecreated::Unsupported(format!(
            "sequence {name} is the identity of {column}"
        )));
    }
    let mut statements = vec![format!(
        "CREATE SEQUENCE {} {}",
        sequence.name,
        cell(&row, 0)
    )];
    if let Some(column) = owner.strip_suffix(" a") {
        statements.push(format!(
            "ALTER SEQUENCE {} OWNED BY {column}",
            sequence.name
        ));
    }
    statements.extend(comment_on("SEQUENCE", &sequence.name, row.get(2)));
    let defaults = format!(
        "SELECT 'ALTER TABLE ' || ad.adrelid::regclass::text || ' ALTER COLUMN ' || quote_ident(a.attname)
             || ' SET DEFAULT ' || pg_get_expr(ad.adbin, ad.adrelid)
         FROM pg_depend AS d JOIN pg_attrdef AS ad ON ad.oid = d.objid
         JOIN pg_attribute AS a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum
         WHERE d.classid = 'pg_attrdef'::regclass AND d.refclassid = 'pg_class'::regclass
           AND d.refobjid = {oid}
         ORDER BY ad.oid"
    );
    statements.extend(first_cells(inspector, &defaults).await?);
    Ok(Recreated::from_statements(statements)
        .noting(format!("the current value of sequence {name}")))
}

/// A type found in `pg_type`.
struct Type {
    oid: String,
    name: String,
    kind: String,
}

async fn find_type(inspector: &mut Inspector, name: &TableName) -> Result<Type, NotRecreated> {
    let sql = format!(
        "SELECT t.oid::text, t.oid::regtype::text, t.typtype::text FROM pg_type AS t
         WHERE t.oid = to_regtype({})
           AND (t.typrelid = 0 OR (SELECT c.relkind FROM pg_class AS c WHERE c.oid = t.typrelid) = 'c')",
        lit(&table(PG, name))
    );
    let rows = inspector.rows(&sql).await?;
    rows.first()
        .map(|row| Type {
            oid: cell(row, 0),
            name: cell(row, 1),
            kind: cell(row, 2),
        })
        .ok_or_else(|| NotRecreated::Missing(format!("type {name}")))
}

/// A dropped type: an enum, a domain, a composite or a range type, with
/// its comment, then the table columns of that type (or arrays of it),
/// which a `DROP TYPE … CASCADE` drops.
pub(super) async fn type_(
    inspector: &mut Inspector,
    name: &TableName,
) -> Result<Recreated, NotRecreated> {
    let found = find_type(inspector, name).await?;
    let (create, kind) = match found.kind.as_str() {
        "e" => (enum_type(inspector, &found).await?, "TYPE"),
        "d" => (domain(inspector, &found).await?, "DOMAIN"),
        "c" => (composite(inspector, &found).await?, "TYPE"),
        "r" => (range(inspector, &found).await?, "TYPE"),
        _ => {
            return Err(NotRecreated::Unsupported(format!(
                "type {name} is a base or pseudo type"
            )));
        }
    };
    let sql = format!("SELECT obj_description({}, 'pg_type')", found.oid);
    let rows = inspector.rows(&sql).await?;
    let comment = rows
        .first()
        .and_then(|row| comment_on(kind, &found.name, row.first()));
    let mut recreated = Recreated::from_statements(create.into_iter().chain(comment).collect());
    for column in columns_of_type(inspector, &found).await? {
        let (table, column) = column;
        recreated = recreated.then(column_with_dependents(inspector, &table, &column).await?);
    }
    Ok(recreated)
}

/// The table columns whose type is `found` or an array of it.
async fn columns_of_type(
    inspector: &mut Inspector,
    found: &Type,
) -> Result<Vec<(Relation, String)>, sqlx::Error> {
    let sql = format!(
        "SELECT c.oid::text, c.oid::regclass::text, c.relkind::text, a.attname::text
         FROM pg_attribute AS a JOIN pg_class AS c ON c.oid = a.attrelid
         WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
           AND a.atttypid IN (SELECT t.oid FROM pg_type AS t WHERE t.oid = {0} OR t.typelem = {0})
         ORDER BY c.oid, a.attnum",
        found.oid
    );
    Ok(inspector
        .rows(&sql)
        .await?
        .iter()
        .map(|row| {
            let relation = Relation {
                oid: cell(row, 0),
                name: cell(row, 1),
                kind: cell(row, 2),
            };
            (relation, cell(row, 3))
        })
        .collect())
}

async fn enum_type(inspector: &mut Inspector, found: &Type) -> Result<Vec<String>, sqlx::Error> {
    let sql = format!(
        "SELECT coalesce(string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder), '')
         FROM pg_enum AS e WHERE e.enumtypid = {}",
        found.oid
    );
    let labels = first_cells(inspector, &sql).await?.concat();
    Ok(vec![format!(
        "CREATE TYPE {} AS ENUM ({labels})",
        found.name
    )])
}

/// `CREATE DOMAIN` with its base type, collation, default and NOT NULL,
/// then its checks by name (a `NOT VALID` one cannot be in `CREATE DOMAIN`).
async fn domain(inspector: &mut Inspector, found: &Type) -> Result<Vec<String>, sqlx::Error> {
    let sql = format!(
        "SELECT format_type(t.typbasetype, t.typtypmod),
             (CASE WHEN t.typcollation <> b.typcollation
                   THEN quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END),
             t.typdefault, t.typnotnull::text
         FROM pg_type AS t JOIN pg_type AS b ON b.oid = t.typbasetype
         LEFT JOIN pg_collation AS co ON co.oid = t.typcollation
         LEFT JOIN pg_namespace AS cn ON cn.oid = co.collnamespace
         WHERE t.oid = {}",
        found.oid
    );
    let rows = inspector.rows(&sql).await?;
    let row = rows.first().cloned().unwrap_or_default();
    let mut create = format!("CREATE DOMAIN {} AS {}", found.name, cell(&row, 0));
    if let Some(collation) = row.get(1).cloned().flatten() {
        create.push_str(&format!(" COLLATE {collation}"));
    }
    if let Some(default) = row.get(2).cloned().flatten() {
        create.push_str(&format!(" DEFAULT {default}"));
    }
    if cell(&row, 3) == "true" {
        create.push_str(" NOT NULL");
    }
    let mut statements = vec![create];
    statements.extend(domain_checks(inspector, found, None).await?);
    Ok(statements)
}

/// `ALTER DOMAIN … ADD CONSTRAINT` for the domain's checks (`only` that one).
async fn domain_checks(
    inspector: &mut Inspector,
    found: &Type,
    only: Option<&str>,
) -> Result<Vec<String>, sqlx::Error> {
    let only = only
        .map(|name| format!(" AND c.conname = {}", lit(name)))
        .unwrap_or_default();
    let sql = format!(
        "SELECT {} || quote_ident(c.conname) || ' ' || pg_get_constraintdef(c.oid)
         FROM pg_constraint AS c WHERE c.contypid = {} AND c.contype = 'c'{only} ORDER BY c.oid",
        lit(&format!("ALTER DOMAIN {} ADD CONSTRAINT ", found.name)),
        found.oid
    );
    first_cells(inspector, &sql).await
}

/// A constraint `ALTER DOMAIN … DROP CONSTRAINT` dropped.
pub(super) async fn domain_constraint(
    inspector: &mut Inspector,
    on: &TableName,
    name: &str,
) -> Result<Recreated, NotRecreated> {
    let missing = || NotRecreated::Missing(format!("constraint {name} of {on}"));
    let found = find_type(inspector, on).await.map_err(|_| missing())?;
    let statements = domain_checks(inspector, &found, Some(name)).await?;
    if statements.is_empty() {
        return Err(missing());
    }
    Ok(Recreated::from_statements(statements))
}

async fn composite(inspector: &mut Inspector, found: &Type) -> Result<Vec<String>, sqlx::Error> {
    let sql = format!(
        "SELECT coalesce(string_agg(quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod)
                 || (CASE WHEN a.attcollation <> at.typcollation
                          THEN ' COLLATE ' || quote_ident(cn.nspname) || '.' || quote_ident(co.collname)
                          ELSE '' END), ', ' ORDER BY a.attnum), '')
         FROM pg_type AS t JOIN pg_attribute AS a ON a.attrelid = t.typrelid
         JOIN pg_type AS at ON at.oid = a.atttypid
         LEFT JOIN pg_collation AS co ON co.oid = a.attcollation
         LEFT JOIN pg_namespace AS cn ON cn.oid = co.collnamespace
         WHERE t.oid = {} AND a.attnum > 0 AND NOT a.attisdropped",
        found.oid
    );
    let attributes = first_cells(inspector, &sql).await?.concat();
    Ok(vec![format!(
        "CREATE TYPE {} AS ({attributes})",
        found.name
    )])
}

async fn range(inspector: &mut Inspector, found: &Type) -> Result<Vec<String>, sqlx::Error> {
    let sql = format!(
        "SELECT 'SUBTYPE = ' || format_type(r.rngsubtype, NULL)
             || ', SUBTYPE_OPCLASS = ' || quote_ident(opn.nspname) || '.' || quote_ident(opc.opcname)
             || (CASE WHEN r.rngcollation <> 0
                      THEN ', COLLATION = ' || quote_ident(cn.nspname) || '.' || quote_ident(co.collname)
                      ELSE '' END)
             || (CASE WHEN r.rngcanonical <> 0 THEN ', CANONICAL = ' || r.rngcanonical::regproc::text ELSE '' END)
             || (CASE WHEN r.rngsubdiff <> 0 THEN ', SUBTYPE_DIFF = ' || r.rngsubdiff::regproc::text ELSE '' END)
             || ', MULTIRANGE_TYPE_NAME = ' || r.rngmultitypid::regtype::text
         FROM pg_range AS r JOIN pg_opclass AS opc ON opc.oid = r.rngsubopc
         JOIN pg_namespace AS opn ON opn.oid = opc.opcnamespace
         LEFT JOIN pg_collation AS co ON co.oid = r.rngcollation
         LEFT JOIN pg_namespace AS cn ON cn.oid = co.collnamespace
         WHERE r.rngtypid = {}",
        found.oid
    );
    let options = first_cells(inspector, &sql).await?.concat();
    Ok(vec![format!(
        "CREATE TYPE {} AS RANGE ({options})",
        found.name
    )])
}

/// A dropped or replaced function or procedure (each overload when the
/// statement gives no arguments) as `pg_get_functiondef` writes it, with
/// its comment, then the triggers that call it.
pub(super) async fn routine(
    inspector: &mut Inspector,
    name: &TableName,
    arguments: Option<&str>,
    procedure: bool,
) -> Result<Recreated, NotRecreated> {
    let kinds = if procedure { "'p'" } else { "'f', 'w'" };
    let chosen = match arguments {
        Some(arguments) => format!(
            "p.oid = to_regprocedure({})",
            lit(&format!("{}({arguments})", table(PG, name)))
        ),
        None => {
            let place = match &name.schema {
                Some(schema) => format!("n.nspname = {}", lit(schema)),
                None => "pg_function_is_visible(p.oid)".to_owned(),
            };
            format!("p.proname = {} AND {place}", lit(&name.name))
        }
    };
    let sql = format!(
        "SELECT p.oid::text, pg_get_functiondef(p.oid), p.oid::regprocedure::text,
             obj_description(p.oid, 'pg_proc')
         FROM pg_proc AS p JOIN pg_namespace AS n ON n.oid = p.pronamespace
         WHERE p.prokind IN ({kinds}) AND {chosen} ORDER BY p.oid"
    );
    let rows = inspector.rows(&sql).await?;
    if rows.is_empty() {
        let what = if procedure { "procedure" } else { "function" };
        return Err(NotRecreated::Missing(format!("{what} {name}")));
    }
    let kind = if procedure { "PROCEDURE" } else { "FUNCTION" };
    let mut statements = Vec::new();
    for row in &rows {
        statements.push(cell(row, 1).trim_end().to_owned());
        statements.extend(comment_on(kind, &cell(row, 2), row.get(3)));
    }
    for row in &rows {
        statements.extend(triggers(inspector, &format!("t.tgfoid = {}", cell(row, 0))).await?);
    }
    Ok(Recreated::from_statements(statements))
}

/// A dropped schema, when it is empty: what a `DROP SCHEMA … CASCADE`
/// drops with it is not recreated, so a schema that holds objects is
/// refused, naming a few.
pub(super) async fn schema(
    inspector: &mut Inspector,
    name: &str,
) -> Result<Recreated, NotRecreated> {
    let sql = format!(
        "SELECT n.oid::text, obj_description(n.oid, 'pg_namespace') FROM pg_namespace AS n
         WHERE n.nspname = {}",
        lit(name)
    );
    let rows = inspector.rows(&sql).await?;
    let Some(row) = rows.first() else {
        return Err(NotRecreated::Missing(format!("schema {name}")));
    };
    let oid = cell(row, 0);
    let contents = format!(
        "SELECT c.relname::text FROM pg_class AS c WHERE c.relnamespace = {oid} AND c.relkind <> 'i'
         UNION ALL SELECT p.proname::text FROM pg_proc AS p WHERE p.pronamespace = {oid}
         UNION ALL SELECT t.typname::text FROM pg_type AS t WHERE t.typnamespace = {oid}
             AND t.typrelid = 0 AND t.typelem = 0
         ORDER BY 1 LIMIT 6"
    );
    let objects = first_cells(inspector, &contents).await?;
    if !objects.is_empty() {
        return Err(NotRecreated::Unsupported(format!(
            "schema {name} holds objects ({}{}), which are not recreated with it",
            objects
                .iter()
                .take(5)
                .cloned()
                .collect::<Vec<_>>()
                .join(", "),
            if objects.len() > 5 { ", …" } else { "" }
        )));
    }
    let schema = ident(PG, name);
    let statements = std::iter::once(format!("CREATE SCHEMA {schema}"))
        .chain(comment_on("SCHEMA", &schema, row.get(1)))
        .collect();
    Ok(Recreated::from_statements(statements))
}

/// A dropped extension, in its schema at its version.
pub(super) async fn extension(
    inspector: &mut Inspector,
    name: &str,
) -> Result<Recreated, NotRecreated> {
    let sql = format!(
        "SELECT n.nspname::text, e.extversion FROM pg_extension AS e
         JOIN pg_namespace AS n ON n.oid = e.extnamespace WHERE e.extname = {}",
        lit(name)
    );
    let rows = inspector.rows(&sql).await?;
    let Some(row) = rows.first() else {
        return Err(NotRecreated::Missing(format!("extension {name}")));
    };
    Ok(Recreated::from_statements(vec![format!(
        "CREATE EXTENSION IF NOT EXISTS {} WITH SCHEMA {} VERSION {}",
        ident(PG, name),
        ident(PG, &cell(row, 0)),
        lit(&cell(row, 1))
    )]))
}

/// The comment an object had: `COMMENT ON kind object IS '…'`, or `IS
/// NULL` when it had none, with the object as the statement wrote it.
pub(super) async fn comment(
    inspector: &mut Inspector,
    kind: &str,
    object: &str,
) -> Result<Recreated, NotRecreated> {
    let kind = kind.to_uppercase();
    let Some(described) = described(&kind, object) else {
        return Err(NotRecreated::Unsupported(format!(
            "comments on {} {object} are not read back",
            kind.to_lowercase()
        )));
    };
    let sql = format!(
        "SELECT d.description FROM (SELECT {} AS oid) AS x
         LEFT JOIN pg_description AS d ON d.objoid = x.oid AND d.classoid = '{}'::regclass
             AND d.objsubid = {}
         WHERE x.oid IS NOT NULL",
        described.oid, described.catalog, described.subid
    );
    let rows = inspector.rows(&sql).await?;
    let Some(row) = rows.first() else {
        return Err(NotRecreated::Missing(format!(
            "{} {object}",
            kind.to_lowercase()
        )));
    };
    let text = row
        .first()
        .cloned()
        .flatten()
        .map_or_else(|| "NULL".to_owned(), |comment| lit(&comment));
    Ok(Recreated::from_statements(vec![format!(
        "COMMENT ON {kind} {object} IS {text}"
    )]))
}

/// Where `pg_description` keeps an object's comment.
struct Described {
    /// The object's oid, as an expression that is NULL when it is missing.
    oid: String,
    catalog: &'static str,
    subid: String,
}

/// Where the comment of `object` (written as `COMMENT ON kind` takes it) is.
fn described(kind: &str, object: &str) -> Option<Described> {
    let described = |oid: String, catalog: &'static str| Described {
        oid,
        catalog,
        subid: "0".to_owned(),
    };
    let regclass = |name: &str| format!("to_regclass({})", lit(name));
    Some(match kind {
        "TABLE" | "VIEW" | "MATERIALIZED VIEW" | "SEQUENCE" | "INDEX" | "FOREIGN TABLE" => {
            described(regclass(object), "pg_class")
        }
        "COLUMN" => {
            let (relation, column) = names::split_last(object)?;
            let attribute = format!(
                "FROM pg_attribute WHERE attrelid = {} AND attname = {} AND NOT attisdropped",
                regclass(relation),
                lit(&column)
            );
            Described {
                oid: format!("(SELECT attrelid {attribute})"),
                catalog: "pg_class",
                subid: format!("(SELECT attnum {attribute})"),
            }
        }
        "SCHEMA" => described(
            format!(
                "(SELECT oid FROM pg_namespace WHERE nspname = {})",
                lit(&names::unquoted(object))
            ),
            "pg_namespace",
        ),
        "EXTENSION" => described(
            format!(
                "(SELECT oid FROM pg_extension WHERE extname = {})",
                lit(&names::unquoted(object))
            ),
            "pg_extension",
        ),
        "TYPE" | "DOMAIN" => described(format!("to_regtype({})", lit(object)), "pg_type"),
        "FUNCTION" | "PROCEDURE" | "ROUTINE" => {
            let function = if object.contains('(') {
                "to_regprocedure"
            } else {
                "to_regproc"
            };
            described(format!("{function}({})", lit(object)), "pg_proc")
        }
        "CONSTRAINT" | "TRIGGER" | "POLICY" => {
            let (name, on) = names::split_on(object)?;
            let (catalog, column, relation) = match kind {
                "CONSTRAINT" => ("pg_constraint", "conname", "conrelid"),
                "TRIGGER" => ("pg_trigger", "tgname", "tgrelid"),
                _ => ("pg_policy", "polname", "polrelid"),
            };
            described(
                format!(
                    "(SELECT oid FROM {catalog} WHERE {relation} = {} AND {column} = {})",
                    regclass(on),
                    lit(&names::unquoted(name))
                ),
                catalog,
            )
        }
        _ => return None,
    })
}

/// Reading names as a statement wrote them.
mod names {
    /// A name unquoted (`"Order"` → `Order`) or folded (`Orders` → `orders`).
    pub(super) fn unquoted(name: &str) -> String {
        let name = name.trim();
        match name
            .strip_prefix('"')
            .and_then(|rest| rest.strip_suffix('"'))
        {
            Some(inner) => inner.replace("\"\"", "\""),
            None => name.to_lowercase(),
        }
    }

    /// The byte offsets of `text` outside double quotes.
    fn unquoted_offsets(text: &str) -> impl Iterator<Item = usize> + '_ {
        let mut quoted = false;
        text.char_indices().filter_map(move |(at, c)| {
            if c == '"' {
                quoted = !quoted;
                return None;
            }
            (!quoted).then_some(at)
        })
    }

    /// `a.b.c` as (`a.b`, `c` unquoted), split at the last dot outside quotes.
    pub(super) fn split_last(object: &str) -> Option<(&str, String)> {
        let dot = unquoted_offsets(object)
            .filter(|&at| object[at..].starts_with('.'))
            .last()?;
        Some((&object[..dot], unquoted(&object[dot + 1..])))
    }

    /// `name ON table` as (`name`, `table`), split at the first ` ON `
    /// outside quotes.
    pub(super) fn split_on(object: &str) -> Option<(&str, &str)> {
        let at = unquoted_offsets(object).find(|&at| {
            object
                .get(at..at + 4)
                .is_some_and(|word| word.eq_ignore_ascii_case(" on "))
        })?;
        Some((object[..at].trim(), object[at + 4..].trim()))
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn names_are_split_outside_quotes() {
            assert_eq!(
                split_last(r#"shop."Order"."a.b""#),
                Some((r#"shop."Order""#, "a.b".to_owned()))
            );
            assert_eq!(
                split_last("Orders.Note"),
                Some(("Orders", "note".to_owned()))
            );
            assert_eq!(split_last("orders"), None);
            assert_eq!(
                split_on(r#""x on y" ON "Order""#),
                Some((r#""x on y""#, r#""Order""#))
            );
            assert_eq!(unquoted(r#""a""b""#), r#"a"b"#);
        }
    }
}
