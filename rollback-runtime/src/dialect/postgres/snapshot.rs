//! PostgreSQL's schema, from `pg_catalog`, in every schema of the user (not
//! the system's, not `_rollback_backup`), leaving out what an extension owns
//! (its functions and types come with `CREATE EXTENSION`, which is compared
//! as one object). Definitions are the server's own rendering
//! (`pg_get_indexdef`, `pg_get_constraintdef`, `pg_get_viewdef`,
//! `pg_get_functiondef`, `pg_get_triggerdef`), which is stable for the same
//! object; names outside the current schema are qualified with theirs.

use crate::dialect::snapshot::CatalogQueries;

/// The user's relations, with their display names.
macro_rules! relations {
    () => {
        "WITH rel AS MATERIALIZED (SELECT c.oid, c.relkind, c.relrowsecurity, c.relforcerowsecurity, c.relpersistence,
                  c.reloptions,
                  (CASE WHEN n.nspname = current_schema() THEN c.relname::text
                        ELSE n.nspname || '.' || c.relname END) AS name
             FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace
             WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', '_rollback_backup')
               AND n.nspname NOT LIKE 'pg\\_%'
               AND c.relname NOT LIKE '\\_rollback\\_%'
               AND NOT EXISTS (SELECT 1 FROM pg_depend AS d WHERE d.classid = 'pg_class'::regclass
                   AND d.objid = c.oid AND d.deptype = 'e')) "
    };
}

/// The user's schemas' objects of a catalog with a namespace column.
macro_rules! user_namespace {
    ($alias:literal) => {
        concat!(
            "n.nspname NOT IN ('pg_catalog', 'information_schema', '_rollback_backup') AND n.nspname NOT LIKE 'pg\\_%' AND n.oid = ",
            $alias
        )
    };
}

pub(crate) static QUERIES: CatalogQueries = CatalogQueries {
    objects: &[
        // One statement: the relations are read once, and one round trip
        // brings the whole schema.
        concat!(
            relations!(),
            ", cols AS (SELECT rel.name || '.' || a.attname AS name, format_type(a.atttypid, a.atttypmod) AS typ,
                   a.attnotnull, a.attgenerated, a.attidentity, pg_get_expr(ad.adbin, ad.adrelid) AS dflt,
                   (CASE WHEN a.attcollation <> t.typcollation THEN co.collname::text END) AS coll,
                   d.description AS comment
               FROM rel JOIN pg_attribute AS a ON a.attrelid = rel.oid
               LEFT JOIN pg_description AS d ON d.objoid = a.attrelid
                   AND d.classoid = 'pg_class'::regclass AND d.objsubid = a.attnum
               JOIN pg_type AS t ON t.oid = a.atttypid
               LEFT JOIN pg_attrdef AS ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
               LEFT JOIN pg_collation AS co ON co.oid = a.attcollation
               WHERE rel.relkind IN ('r', 'p', 'f') AND a.attnum > 0 AND NOT a.attisdropped)",
            ", seqs AS (SELECT rel.name, s.*,
                  (SELECT owner.name || '.' || a.attname FROM pg_depend AS d
                       JOIN rel AS owner ON owner.oid = d.refobjid
                       JOIN pg_attribute AS a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                   WHERE d.classid = 'pg_class'::regclass AND d.objid = s.seqrelid
                     AND d.refobjsubid > 0 AND d.deptype IN ('a', 'i') LIMIT 1) AS owned_by
               FROM pg_sequence AS s JOIN rel ON rel.oid = s.seqrelid)",
            ", procs AS (SELECT p.oid, p.prokind,
                  (CASE WHEN n.nspname = current_schema() THEN p.proname::text ELSE n.nspname || '.' || p.proname END)
                  || '(' || pg_get_function_identity_arguments(p.oid) || ')' AS name
               FROM pg_proc AS p, pg_namespace AS n
               WHERE ",
            user_namespace!("p.pronamespace"),
            " AND NOT EXISTS (SELECT 1 FROM pg_depend AS d WHERE d.classid = 'pg_proc'::regclass
                   AND d.objid = p.oid AND d.deptype = 'e'))",
            ", types AS (SELECT t.oid, t.typtype, t.typbasetype, t.typtypmod, t.typnotnull, t.typdefault, t.typrelid,
                  (CASE WHEN n.nspname = current_schema() THEN t.typname::text ELSE n.nspname || '.' || t.typname END) AS name
               FROM pg_type AS t, pg_namespace AS n
               WHERE ",
            user_namespace!("t.typnamespace"),
            " AND (t.typtype IN ('e', 'd', 'r', 'm')
                    OR (t.typtype = 'c' AND (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c'))
                 AND NOT EXISTS (SELECT 1 FROM pg_depend AS d WHERE d.classid = 'pg_type'::regclass
                     AND d.objid = t.oid AND d.deptype = 'e'))",
            ", pols AS (SELECT rel.name || '.' || p.polname AS name, p.polcmd::text AS cmd, p.polpermissive,
                   (SELECT string_agg(CASE WHEN r = 0 THEN 'public' ELSE pg_get_userbyid(r)::text END, ', ' ORDER BY 1)
                    FROM unnest(p.polroles) AS r) AS roles,
                   pg_get_expr(p.polqual, p.polrelid) AS qual, pg_get_expr(p.polwithcheck, p.polrelid) AS checked
               FROM pg_policy AS p JOIN rel ON rel.oid = p.polrelid)",
            "SELECT 'table'::text, name, 'kind'::text,
                 (CASE relkind WHEN 'p' THEN 'partitioned table' WHEN 'f' THEN 'foreign table' ELSE 'table' END)::text
             FROM rel WHERE relkind IN ('r', 'p', 'f')
             UNION ALL SELECT 'table', name, 'row level security', 'enabled' FROM rel
                 WHERE relkind IN ('r', 'p') AND relrowsecurity
             UNION ALL SELECT 'table', name, 'force row level security', 'yes' FROM rel
                 WHERE relkind IN ('r', 'p') AND relforcerowsecurity
             UNION ALL SELECT 'table', name, 'unlogged', 'yes' FROM rel WHERE relpersistence = 'u'
             UNION ALL SELECT 'table', name, 'partition key', pg_get_partkeydef(oid) FROM rel WHERE relkind = 'p'
             UNION ALL SELECT (CASE rel.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view'
                     WHEN 'S' THEN 'sequence' ELSE 'table' END), rel.name, 'comment', d.description
                 FROM rel JOIN pg_description AS d ON d.objoid = rel.oid
                     AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0
                 WHERE rel.relkind IN ('r', 'p', 'f', 'v', 'm', 'S')",
            " UNION ALL ",
            "SELECT 'column'::text, name, 'type'::text, typ FROM cols
             UNION ALL SELECT 'column', name, 'not null', 'yes' FROM cols WHERE attnotnull
             UNION ALL SELECT 'column', name, 'default', dflt FROM cols WHERE dflt IS NOT NULL AND attgenerated = ''
             UNION ALL SELECT 'column', name, 'generated', 'stored: ' || dflt FROM cols WHERE attgenerated = 's'
             UNION ALL SELECT 'column', name, 'identity', (CASE attidentity WHEN 'a' THEN 'always' ELSE 'by default' END)
                 FROM cols WHERE attidentity <> ''
             UNION ALL SELECT 'column', name, 'collation', coll FROM cols WHERE coll IS NOT NULL
             UNION ALL SELECT 'column', name, 'comment', comment FROM cols WHERE comment IS NOT NULL",
            " UNION ALL ",
            "SELECT 'constraint'::text, rel.name || '.' || con.conname, 'definition'::text,
                 pg_get_constraintdef(con.oid)
             FROM pg_constraint AS con JOIN rel ON rel.oid = con.conrelid
             WHERE con.contype IN ('p', 'u', 'f', 'c', 'x')",
            " UNION ALL ",
            "SELECT 'index'::text, ir.name, 'definition'::text, pg_get_indexdef(i.indexrelid)
             FROM pg_index AS i JOIN rel AS ir ON ir.oid = i.indexrelid
             WHERE NOT EXISTS (SELECT 1 FROM pg_constraint AS con WHERE con.conindid = i.indexrelid
                 AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u', 'x'))",
            " UNION ALL ",
            "SELECT (CASE relkind WHEN 'v' THEN 'view' ELSE 'materialized view' END)::text, name,
                 'definition'::text, pg_get_viewdef(oid)
             FROM rel WHERE relkind IN ('v', 'm')
             UNION ALL SELECT 'view', name, 'options', array_to_string(reloptions, ', ')
             FROM rel WHERE relkind = 'v' AND reloptions IS NOT NULL",
            " UNION ALL ",
            "SELECT 'sequence'::text, name, 'definition'::text,
                 format_type(seqtypid, NULL) || ' start ' || seqstart || ' increment ' || seqincrement
                 || ' min ' || seqmin || ' max ' || seqmax || ' cache ' || seqcache
                 || (CASE WHEN seqcycle THEN ' cycle' ELSE '' END)
             FROM seqs
             UNION ALL SELECT 'sequence', name, 'owned by', owned_by FROM seqs WHERE owned_by IS NOT NULL",
            " UNION ALL ",
            "SELECT 'trigger'::text, rel.name || '.' || t.tgname, 'definition'::text, pg_get_triggerdef(t.oid)
             FROM pg_trigger AS t JOIN rel ON rel.oid = t.tgrelid WHERE NOT t.tgisinternal
             UNION ALL SELECT 'trigger', rel.name || '.' || t.tgname, 'enabled', t.tgenabled::text
             FROM pg_trigger AS t JOIN rel ON rel.oid = t.tgrelid WHERE NOT t.tgisinternal AND t.tgenabled <> 'O'",
            " UNION ALL ",
            "SELECT (CASE prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END)::text,
                 name, 'definition'::text,
                 (CASE WHEN prokind IN ('f', 'p') THEN pg_get_functiondef(oid)
                       ELSE pg_get_function_result(oid) END)
             FROM procs
             UNION ALL SELECT 'function', name, 'comment', obj_description(oid, 'pg_proc')
             FROM procs WHERE obj_description(oid, 'pg_proc') IS NOT NULL",
            " UNION ALL ",
            "SELECT 'type'::text, name, 'kind'::text,
                 (CASE typtype WHEN 'e' THEN 'enum' WHEN 'd' THEN 'domain' WHEN 'r' THEN 'range'
                      WHEN 'm' THEN 'multirange' ELSE 'composite' END)::text
             FROM types
             UNION ALL SELECT 'type', name, 'labels',
                 (SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder)
                  FROM pg_enum AS e WHERE e.enumtypid = types.oid)
             FROM types WHERE typtype = 'e'
             UNION ALL SELECT 'type', name, 'base type', format_type(typbasetype, typtypmod) FROM types WHERE typtype = 'd'
             UNION ALL SELECT 'type', name, 'not null', 'yes' FROM types WHERE typtype = 'd' AND typnotnull
             UNION ALL SELECT 'type', name, 'default', typdefault FROM types WHERE typdefault IS NOT NULL
             UNION ALL SELECT 'type', name, 'constraints',
                 (SELECT string_agg(c.conname || ' ' || pg_get_constraintdef(c.oid), '; ' ORDER BY c.conname)
                  FROM pg_constraint AS c WHERE c.contypid = types.oid)
             FROM types WHERE typtype = 'd'
             UNION ALL SELECT 'type', name, 'attributes',
                 (SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum)
                  FROM pg_attribute AS a WHERE a.attrelid = types.typrelid AND a.attnum > 0 AND NOT a.attisdropped)
             FROM types WHERE typtype = 'c'
             UNION ALL SELECT 'type', name, 'subtype',
                 (SELECT format_type(r.rngsubtype, NULL) FROM pg_range AS r WHERE r.rngtypid = types.oid)
             FROM types WHERE typtype = 'r'",
            " UNION ALL ",
            "SELECT 'policy'::text, name, 'command'::text, cmd FROM pols
             UNION ALL SELECT 'policy', name, 'permissive', (CASE WHEN polpermissive THEN 'yes' ELSE 'no' END) FROM pols
             UNION ALL SELECT 'policy', name, 'roles', roles FROM pols
             UNION ALL SELECT 'policy', name, 'using', qual FROM pols WHERE qual IS NOT NULL
             UNION ALL SELECT 'policy', name, 'with check', checked FROM pols WHERE checked IS NOT NULL",
            " UNION ALL ",
            "SELECT 'extension'::text, e.extname::text, 'schema'::text, n.nspname::text
         FROM pg_extension AS e JOIN pg_namespace AS n ON n.oid = e.extnamespace
         UNION ALL SELECT 'extension', extname::text, 'version', extversion FROM pg_extension",
            " UNION ALL ",
            "SELECT 'schema'::text, n.nspname::text, 'comment'::text, obj_description(n.oid, 'pg_namespace')
             FROM pg_namespace AS n WHERE ",
            user_namespace!("n.oid")
        ),
    ],
    column_order: concat!(
        relations!(),
        "SELECT rel.name, a.attname::text FROM rel JOIN pg_attribute AS a ON a.attrelid = rel.oid
         WHERE rel.relkind IN ('r', 'p', 'f') AND a.attnum > 0 AND NOT a.attisdropped
         ORDER BY rel.name, a.attnum"
    ),
    finish: None,
};
