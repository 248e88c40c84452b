//! MySQL's and MariaDB's schema, from `information_schema`, in the
//! connection's database. Views' definitions are shown without the
//! database's name, which the server writes into them. A table's
//! `AUTO_INCREMENT` counter is data, not schema, and is not compared.

use crate::dialect::snapshot::CatalogQueries;

/// The user's base tables.
macro_rules! user_tables {
    () => {
        "WITH tabs AS (SELECT table_name AS t, table_type, engine, table_collation, table_comment
             FROM information_schema.tables
             WHERE table_schema = DATABASE() AND table_type IN ('BASE TABLE', 'SYSTEM VERSIONED', 'SEQUENCE')
               AND table_name NOT LIKE '\\_rollback\\_%') "
    };
}

pub(crate) static QUERIES: CatalogQueries = CatalogQueries {
    objects: &[
        concat!(
            user_tables!(),
            "SELECT CAST('table' AS CHAR), CAST(t AS CHAR), CAST('kind' AS CHAR),
                 CAST(LOWER(table_type) AS CHAR) FROM tabs
             UNION ALL SELECT 'table', t, 'engine', engine FROM tabs
             UNION ALL SELECT 'table', t, 'collation', table_collation FROM tabs
             UNION ALL SELECT 'table', t, 'comment', table_comment FROM tabs WHERE table_comment <> ''"
        ),
        concat!(
            user_tables!(),
            ", cols AS (SELECT CONCAT(c.table_name, '.', c.column_name) AS name, c.column_type, c.is_nullable,
                   c.column_default, c.extra, c.generation_expression, c.collation_name, c.column_comment
               FROM information_schema.columns AS c JOIN tabs ON tabs.t = c.table_name
               WHERE c.table_schema = DATABASE())
             SELECT CAST('column' AS CHAR), CAST(name AS CHAR), CAST('type' AS CHAR), CAST(column_type AS CHAR) FROM cols
             UNION ALL SELECT 'column', name, 'not null', 'yes' FROM cols WHERE is_nullable = 'NO'
             UNION ALL SELECT 'column', name, 'default', column_default FROM cols
                 WHERE column_default IS NOT NULL AND column_default <> 'NULL'
                   AND (generation_expression IS NULL OR generation_expression = '')
             UNION ALL SELECT 'column', name, 'extra', extra FROM cols WHERE extra <> ''
             UNION ALL SELECT 'column', name, 'generated', generation_expression FROM cols
                 WHERE generation_expression IS NOT NULL AND generation_expression <> ''
             UNION ALL SELECT 'column', name, 'collation', collation_name FROM cols WHERE collation_name IS NOT NULL
             UNION ALL SELECT 'column', name, 'comment', column_comment FROM cols WHERE column_comment <> ''"
        ),
        concat!(
            user_tables!(),
            ", fkeys AS (SELECT k.table_name, k.constraint_name,
                   GROUP_CONCAT(k.column_name ORDER BY k.ordinal_position SEPARATOR ', ') AS cols,
                   MAX(k.referenced_table_name) AS parent,
                   GROUP_CONCAT(k.referenced_column_name ORDER BY k.ordinal_position SEPARATOR ', ') AS parent_cols
               FROM information_schema.key_column_usage AS k JOIN tabs ON tabs.t = k.table_name
               WHERE k.table_schema = DATABASE() AND k.referenced_table_name IS NOT NULL
               GROUP BY k.table_name, k.constraint_name)
             SELECT CAST('constraint' AS CHAR), CAST(CONCAT(fkeys.table_name, '.', fkeys.constraint_name) AS CHAR),
                 CAST('definition' AS CHAR),
                 CAST(CONCAT('FOREIGN KEY (', fkeys.cols, ') REFERENCES ', fkeys.parent, ' (', fkeys.parent_cols,
                     ') ON UPDATE ', r.update_rule, ' ON DELETE ', r.delete_rule) AS CHAR)
             FROM fkeys JOIN information_schema.referential_constraints AS r
                 ON r.constraint_schema = DATABASE() AND r.table_name = fkeys.table_name
                 AND r.constraint_name = fkeys.constraint_name
             UNION ALL SELECT 'constraint', CONCAT(c.table_name, '.', c.constraint_name), 'definition',
                 CONCAT('CHECK (', c.check_clause, ')')
             FROM information_schema.check_constraints AS c JOIN tabs ON tabs.t = c.table_name
             WHERE c.constraint_schema = DATABASE()"
        ),
        concat!(
            user_tables!(),
            "SELECT CAST('index' AS CHAR), CAST(CONCAT(s.table_name, '.', s.index_name) AS CHAR),
                 CAST('definition' AS CHAR),
                 CAST(CONCAT(IF(MAX(s.non_unique) = 0, 'UNIQUE ', ''), MAX(s.index_type), ' (',
                     GROUP_CONCAT(CONCAT(s.column_name, IFNULL(CONCAT('(', s.sub_part, ')'), ''),
                         IF(s.collation = 'D', ' DESC', '')) ORDER BY s.seq_in_index SEPARATOR ', '), ')',
                     IF(MAX(s.index_comment) <> '', CONCAT(' COMMENT ', QUOTE(MAX(s.index_comment))), '')) AS CHAR)
             FROM information_schema.statistics AS s JOIN tabs ON tabs.t = s.table_name
             WHERE s.table_schema = DATABASE()
             GROUP BY s.table_name, s.index_name"
        ),
        "SELECT CAST('view' AS CHAR), CAST(table_name AS CHAR), CAST('definition' AS CHAR),
             CAST(REPLACE(view_definition, CONCAT('`', DATABASE(), '`.'), '') AS CHAR)
         FROM information_schema.views WHERE table_schema = DATABASE()
         UNION ALL SELECT 'view', table_name, 'options',
             CONCAT('check option ', check_option, ', security ', security_type)
         FROM information_schema.views WHERE table_schema = DATABASE()",
        "SELECT CAST('trigger' AS CHAR), CAST(trigger_name AS CHAR), CAST('definition' AS CHAR),
             CAST(CONCAT(action_timing, ' ', event_manipulation, ' ON ', event_object_table,
                 ' FOR EACH ', action_orientation, ' ORDER ', action_order, ': ', action_statement) AS CHAR)
         FROM information_schema.triggers WHERE trigger_schema = DATABASE()",
        "SELECT CAST(LOWER(r.routine_type) AS CHAR), CAST(r.routine_name AS CHAR), CAST('definition' AS CHAR),
             CAST(CONCAT('(', IFNULL((SELECT GROUP_CONCAT(CONCAT_WS(' ', p.parameter_mode, p.parameter_name,
                     p.dtd_identifier) ORDER BY p.ordinal_position SEPARATOR ', ')
                 FROM information_schema.parameters AS p
                 WHERE p.specific_schema = r.routine_schema AND p.specific_name = r.specific_name
                   AND p.ordinal_position > 0), ''), ')',
                 IFNULL(CONCAT(' RETURNS ', r.dtd_identifier), ''),
                 IF(r.is_deterministic = 'YES', ' DETERMINISTIC', ''), ' ', r.sql_data_access,
                 ' SECURITY ', r.security_type, ': ', r.routine_definition) AS CHAR)
         FROM information_schema.routines AS r WHERE r.routine_schema = DATABASE()",
        "SELECT CAST('event' AS CHAR), CAST(event_name AS CHAR), CAST('definition' AS CHAR),
             CAST(CONCAT_WS(' ', event_type, execute_at, interval_value, interval_field, status, ':',
                 event_definition) AS CHAR)
         FROM information_schema.events WHERE event_schema = DATABASE()",
    ],
    column_order: concat!(
        user_tables!(),
        "SELECT CAST(c.table_name AS CHAR), CAST(c.column_name AS CHAR)
         FROM information_schema.columns AS c JOIN tabs ON tabs.t = c.table_name
         WHERE c.table_schema = DATABASE() ORDER BY c.table_name, c.ordinal_position"
    ),
    finish: None,
};
