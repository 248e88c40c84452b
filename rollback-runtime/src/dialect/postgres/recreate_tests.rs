//! PostgreSQL round trips.

use rollback_core::sql::{ColumnChanges, Dialect, Need, TableName, Unnamed};

use crate::dialect::NotRecreated;
use crate::dialect::reconstruct::tests::{Case, Db, name, outcome};
use crate::dialect::reconstruct::tests::{drop_unnamed, names};

const PG: Dialect = Dialect::Postgres;

const TOUCH: &str = "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- a comment the body keeps
    NEW.note := coalesce(NEW.note, 'touched');
    RETURN NEW;
END
$$";

/// A shop: an enum and a domain used by columns, serial and identity keys,
/// foreign keys both ways, partial and expression indexes, checks, a
/// trigger, row level security with policies, comments, dependent views.
const SHOP: &[&str] = &[
    "CREATE TYPE status AS ENUM ('new', 'paid', 'it''s')",
    "CREATE DOMAIN positive AS integer DEFAULT 1 NOT NULL CONSTRAINT positive_check CHECK (VALUE > 0)",
    "CREATE TABLE customers (id integer GENERATED ALWAYS AS IDENTITY (START WITH 10 INCREMENT BY 5) PRIMARY KEY, email text UNIQUE)",
    "CREATE TABLE \"Order\" (
        id serial PRIMARY KEY,
        customer_id integer REFERENCES customers (id) ON DELETE CASCADE,
        status status NOT NULL DEFAULT 'new',
        qty positive,
        \"select\" text COLLATE \"C\",
        note text,
        total numeric(10, 2) CHECK (total >= 0),
        doubled numeric GENERATED ALWAYS AS (total * 2) STORED,
        parent integer REFERENCES \"Order\" (id),
        CONSTRAINT qty_total UNIQUE (qty, total) DEFERRABLE INITIALLY DEFERRED
    ) WITH (fillfactor = 80)",
    "CREATE INDEX order_new ON \"Order\" (status) WHERE status = 'new'",
    "CREATE INDEX order_lower ON \"Order\" (lower(\"select\"))",
    "COMMENT ON INDEX order_lower IS 'by name'",
    TOUCH,
    "CREATE TRIGGER order_touch BEFORE INSERT OR UPDATE OF note ON \"Order\" FOR EACH ROW EXECUTE FUNCTION touch()",
    "CREATE TRIGGER order_quiet BEFORE DELETE ON \"Order\" FOR EACH ROW EXECUTE FUNCTION touch()",
    "ALTER TABLE \"Order\" DISABLE TRIGGER order_quiet",
    "ALTER TABLE \"Order\" ENABLE ROW LEVEL SECURITY",
    "ALTER TABLE \"Order\" FORCE ROW LEVEL SECURITY",
    "CREATE POLICY readers ON \"Order\" AS RESTRICTIVE FOR SELECT TO PUBLIC, CURRENT_USER USING (status = 'paid')",
    "CREATE POLICY writers ON \"Order\" FOR INSERT WITH CHECK (qty > 1)",
    "COMMENT ON TABLE \"Order\" IS 'the orders'",
    "COMMENT ON COLUMN \"Order\".\"select\" IS 'it''s reserved'",
    "CREATE TABLE lines (order_id integer REFERENCES \"Order\" (id), qty integer)",
    "CREATE VIEW paid AS SELECT id, total FROM \"Order\" WHERE status = 'paid'",
    "CREATE VIEW paid_total AS SELECT sum(total) AS total FROM paid",
    "INSERT INTO customers (email) VALUES ('a@example.com')",
    "INSERT INTO \"Order\" (customer_id, qty, total) VALUES (10, 2, 5.5)",
];

#[tokio::test]
async fn a_dropped_table_comes_back_with_everything_that_went_with_it() {
    let case = Case {
        setup: SHOP,
        lossy: &["DROP TABLE \"Order\" CASCADE"],
        ..Case::default()
    };
    let Some(recreated) = case
        .round_trip(
            PG,
            Need::Table {
                table: name("Order"),
            },
        )
        .await
    else {
        return;
    };
    assert_eq!(
        recreated.notes,
        [
            "the current value of sequence \"Order_id_seq\"",
            "the rows of Order"
        ]
    );
}

#[tokio::test]
async fn a_table_with_an_identity_key_and_incoming_keys_comes_back() {
    let case = Case {
        setup: SHOP,
        // Rows of orders pointing at lost customers would fail the foreign key.
        up: &["DELETE FROM \"Order\""],
        lossy: &["DROP TABLE customers CASCADE"],
        ..Case::default()
    };
    case.round_trip(
        PG,
        Need::Table {
            table: name("customers"),
        },
    )
    .await;
}

#[tokio::test]
async fn a_table_outside_the_search_path_is_qualified() {
    let case = Case {
        setup: &[
            "CREATE SCHEMA shop",
            "CREATE TABLE shop.items (id bigserial PRIMARY KEY, name varchar(40) NOT NULL)",
            "CREATE INDEX items_name ON shop.items (name)",
        ],
        lossy: &["DROP TABLE shop.items"],
        ..Case::default()
    };
    let table = TableName {
        schema: Some("shop".to_owned()),
        name: "items".to_owned(),
    };
    case.round_trip(PG, Need::Table { table }).await;
}

#[tokio::test]
async fn dropped_columns_come_back_with_what_involved_them() {
    for (column, lossy) in [
        (
            "select",
            "ALTER TABLE \"Order\" DROP COLUMN \"select\" CASCADE",
        ),
        ("id", "ALTER TABLE \"Order\" DROP COLUMN id CASCADE"),
        ("qty", "ALTER TABLE \"Order\" DROP COLUMN qty CASCADE"),
        ("total", "ALTER TABLE \"Order\" DROP COLUMN total CASCADE"),
        ("note", "ALTER TABLE \"Order\" DROP COLUMN note CASCADE"),
        ("status", "ALTER TABLE \"Order\" DROP COLUMN status CASCADE"),
    ] {
        let case = Case {
            setup: SHOP,
            lossy: &[lossy],
            ..Case::default()
        };
        let need = Need::Column {
            table: name("Order"),
            column: column.to_owned(),
        };
        case.round_trip(PG, need).await;
    }
}

#[tokio::test]
async fn a_dropped_identity_column_comes_back() {
    let case = Case {
        setup: SHOP,
        lossy: &["ALTER TABLE customers DROP COLUMN id CASCADE"],
        ..Case::default()
    };
    let need = Need::Column {
        table: name("customers"),
        column: "id".to_owned(),
    };
    case.round_trip(PG, need).await;
}

#[tokio::test]
async fn changed_column_definitions_are_put_back() {
    let setup: &[&str] = &[
        "CREATE TABLE t (a varchar(10) NOT NULL DEFAULT 'x', b integer, c text COLLATE \"C\")",
        "CREATE INDEX t_a ON t (a)",
        "INSERT INTO t (a, b, c) VALUES ('y', 1, 'z')",
    ];
    let all = ColumnChanges {
        data_type: true,
        default: true,
        not_null: true,
        identity: false,
    };
    let cases: [(&str, ColumnChanges, &str); 4] = [
        (
            "a",
            all,
            "ALTER TABLE t ALTER COLUMN a TYPE text, ALTER COLUMN a DROP NOT NULL, ALTER COLUMN a SET DEFAULT 'z'",
        ),
        (
            "b",
            ColumnChanges {
                data_type: true,
                ..ColumnChanges::default()
            },
            "ALTER TABLE t ALTER COLUMN b TYPE bigint",
        ),
        (
            "b",
            ColumnChanges {
                default: true,
                not_null: true,
                ..ColumnChanges::default()
            },
            "ALTER TABLE t ALTER COLUMN b SET DEFAULT 5, ALTER COLUMN b SET NOT NULL",
        ),
        (
            "c",
            ColumnChanges {
                data_type: true,
                ..ColumnChanges::default()
            },
            "ALTER TABLE t ALTER COLUMN c TYPE varchar(3) COLLATE \"POSIX\"",
        ),
    ];
    for (column, changes, lossy) in cases {
        let case = Case {
            setup,
            lossy: &[lossy],
            same_rows: &["SELECT a || b || c FROM t"],
            ..Case::default()
        };
        let need = Need::ColumnDefinition {
            table: name("t"),
            column: column.to_owned(),
            now_named: None,
            changes,
        };
        case.round_trip(PG, need).await;
    }
}

#[tokio::test]
async fn an_identity_changed_to_always_is_generated_by_default_again() {
    let case = Case {
        setup: &[
            "CREATE TABLE \"Accounts\" (\"Id\" integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY)",
            "INSERT INTO \"Accounts\" DEFAULT VALUES",
        ],
        lossy: &["ALTER TABLE \"Accounts\" ALTER COLUMN \"Id\" SET GENERATED ALWAYS"],
        same_rows: &["SELECT \"Id\"::text FROM \"Accounts\""],
        ..Case::default()
    };
    let need = Need::ColumnDefinition {
        table: name("Accounts"),
        column: "Id".to_owned(),
        now_named: None,
        changes: ColumnChanges {
            identity: true,
            ..ColumnChanges::default()
        },
    };
    let Some(recreated) = case.round_trip(PG, need).await else {
        return;
    };
    assert_eq!(
        recreated.statements,
        ["ALTER TABLE \"Accounts\" ALTER COLUMN \"Id\" SET GENERATED BY DEFAULT"]
    );
}

#[tokio::test]
async fn indexes_constraints_policies_triggers_and_row_security_come_back() {
    let order = || name("Order");
    let cases = [
        (
            Need::Index {
                index: name("order_new"),
                table: None,
            },
            "DROP INDEX order_new",
        ),
        (
            Need::Index {
                index: name("order_lower"),
                table: None,
            },
            "DROP INDEX order_lower",
        ),
        (
            Need::Constraint {
                table: order(),
                name: "Order_pkey".to_owned(),
            },
            "ALTER TABLE \"Order\" DROP CONSTRAINT \"Order_pkey\" CASCADE",
        ),
        (
            Need::Constraint {
                table: order(),
                name: "Order_total_check".to_owned(),
            },
            "ALTER TABLE \"Order\" DROP CONSTRAINT \"Order_total_check\"",
        ),
        (
            Need::Constraint {
                table: order(),
                name: "qty_total".to_owned(),
            },
            "ALTER TABLE \"Order\" DROP CONSTRAINT qty_total",
        ),
        (
            Need::Constraint {
                table: name("positive"),
                name: "positive_check".to_owned(),
            },
            "ALTER DOMAIN positive DROP CONSTRAINT positive_check",
        ),
        (
            Need::Policy {
                name: "readers".to_owned(),
                table: order(),
            },
            "DROP POLICY readers ON \"Order\"",
        ),
        (
            Need::Trigger {
                name: name("order_quiet"),
                table: Some(order()),
            },
            "DROP TRIGGER order_quiet ON \"Order\"",
        ),
        (
            Need::RowSecurity { table: order() },
            "ALTER TABLE \"Order\" DISABLE ROW LEVEL SECURITY, NO FORCE ROW LEVEL SECURITY",
        ),
    ];
    for (need, lossy) in cases {
        let case = Case {
            setup: SHOP,
            lossy: &[lossy],
            ..Case::default()
        };
        case.round_trip(PG, need).await;
    }
}

#[tokio::test]
async fn views_come_back_dropped_or_replaced() {
    let setup: &[&str] = &[
        "CREATE TABLE t (id integer PRIMARY KEY, amount numeric)",
        "CREATE VIEW big WITH (security_barrier) AS SELECT id, amount FROM t WHERE amount > 10 -- big ones
         WITH LOCAL CHECK OPTION",
        "COMMENT ON VIEW big IS 'the big ones'",
        "CREATE VIEW big_ids AS SELECT id FROM big",
        "CREATE MATERIALIZED VIEW totals AS SELECT sum(amount) AS total FROM t",
        "CREATE UNIQUE INDEX totals_total ON totals (total)",
        "COMMENT ON MATERIALIZED VIEW totals IS 'sums'",
    ];
    let cases = [
        ("big", false, "DROP VIEW big CASCADE"),
        (
            "big",
            false,
            "CREATE OR REPLACE VIEW big AS SELECT id, amount FROM t WHERE amount > 100",
        ),
        ("totals", true, "DROP MATERIALIZED VIEW totals"),
    ];
    for (view, materialized, lossy) in cases {
        let case = Case {
            setup,
            lossy: &[lossy],
            ..Case::default()
        };
        let need = Need::View {
            view: name(view),
            materialized,
        };
        case.round_trip(PG, need).await;
    }
}

#[tokio::test]
async fn sequences_come_back_with_their_owner_and_defaults() {
    let case = Case {
        setup: &[
            "CREATE TABLE t (id integer, code integer)",
            "CREATE SEQUENCE counter AS integer INCREMENT BY 2 MINVALUE 3 MAXVALUE 1000 START WITH 7 CACHE 4 CYCLE OWNED BY t.id",
            "COMMENT ON SEQUENCE counter IS 'counts'",
            "ALTER TABLE t ALTER COLUMN code SET DEFAULT nextval('counter')",
        ],
        lossy: &["DROP SEQUENCE counter CASCADE"],
        ..Case::default()
    };
    let Some(recreated) = case
        .round_trip(
            PG,
            Need::Sequence {
                sequence: name("counter"),
            },
        )
        .await
    else {
        return;
    };
    assert_eq!(recreated.notes, ["the current value of sequence counter"]);
}

#[tokio::test]
async fn types_come_back_with_the_columns_that_used_them() {
    let setup: &[&str] = &[
        "CREATE TYPE mood AS ENUM ('sad', 'ok', 'it''s fine')",
        "COMMENT ON TYPE mood IS 'feelings'",
        "CREATE DOMAIN email AS text COLLATE \"C\" DEFAULT 'x@y' NOT NULL CHECK (VALUE LIKE '%@%')",
        "ALTER DOMAIN email ADD CONSTRAINT email_short CHECK (length(VALUE) < 100) NOT VALID",
        "CREATE TYPE pair AS (a integer, b text COLLATE \"C\")",
        "CREATE TYPE floats AS RANGE (SUBTYPE = float8, SUBTYPE_DIFF = float8mi)",
        "CREATE TABLE people (id integer, mood mood DEFAULT 'ok', moods mood[], email email, p pair, r floats)",
        "CREATE INDEX people_mood ON people (mood)",
    ];
    for type_name in ["mood", "email", "pair", "floats"] {
        let lossy = format!("DROP TYPE {type_name} CASCADE");
        let case = Case {
            setup,
            lossy: &[&lossy],
            ..Case::default()
        };
        case.round_trip(
            PG,
            Need::Type {
                name: name(type_name),
            },
        )
        .await;
    }
}

#[tokio::test]
async fn routines_come_back_with_their_bodies_and_triggers() {
    let setup: &[&str] = &[
        "CREATE TABLE t (id integer, note text)",
        TOUCH,
        "COMMENT ON FUNCTION touch() IS 'touches'",
        "CREATE TRIGGER t_touch BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION touch()",
        "CREATE FUNCTION twice(x integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $$
    -- doubled
    SELECT x * 2
$$",
        "CREATE FUNCTION twice(x text) RETURNS text LANGUAGE sql AS $$ SELECT x || x $$",
        "CREATE PROCEDURE note_it(n text) LANGUAGE plpgsql AS $body$
BEGIN
    INSERT INTO t (note) VALUES (n); -- logged
END
$body$",
    ];
    let routine = |routine: &str, arguments: Option<&str>, procedure| Need::Routine {
        name: name(routine),
        arguments: arguments.map(str::to_owned),
        procedure,
    };
    let cases = [
        (
            routine("touch", None, false),
            "DROP FUNCTION touch() CASCADE",
        ),
        (
            routine("touch", Some(""), false),
            "CREATE OR REPLACE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$",
        ),
        (
            routine("twice", Some("integer"), false),
            "DROP FUNCTION twice(integer)",
        ),
        (
            routine("twice", None, false),
            "DROP FUNCTION twice(integer), twice(text)",
        ),
        (routine("note_it", None, true), "DROP PROCEDURE note_it"),
    ];
    for (need, lossy) in cases {
        let case = Case {
            setup,
            lossy: &[lossy],
            ..Case::default()
        };
        let Some(recreated) = case.round_trip(PG, need).await else {
            return;
        };
        assert!(
            recreated
                .statements
                .iter()
                .any(|statement| statement.contains("-- ") || statement.contains("x || x")),
            "{:?}",
            recreated.statements
        );
    }
}

#[tokio::test]
async fn schemas_extensions_and_comments_come_back() {
    let setup: &[&str] = &[
        "CREATE SCHEMA \"Empty\"",
        "COMMENT ON SCHEMA \"Empty\" IS 'nothing here'",
        "CREATE EXTENSION citext",
        "CREATE TABLE t (id integer, \"Note\" text)",
        "COMMENT ON TABLE t IS 'old'",
        "CREATE FUNCTION f(integer) RETURNS integer LANGUAGE sql AS 'SELECT 1'",
        "COMMENT ON FUNCTION f(integer) IS 'one'",
        "ALTER TABLE t ADD CONSTRAINT t_id CHECK (id > 0)",
    ];
    let comment = |kind: &str, object: &str| Need::Comment {
        object_kind: kind.to_owned(),
        object: object.to_owned(),
    };
    let cases = [
        (
            Need::Schema {
                name: "Empty".to_owned(),
            },
            "DROP SCHEMA \"Empty\"",
        ),
        (
            Need::Extension {
                name: "citext".to_owned(),
            },
            "DROP EXTENSION citext",
        ),
        (comment("TABLE", "t"), "COMMENT ON TABLE t IS 'new'"),
        (
            comment("COLUMN", "t.\"Note\""),
            "COMMENT ON COLUMN t.\"Note\" IS 'new'",
        ),
        (
            comment("function", "f(integer)"),
            "COMMENT ON FUNCTION f(integer) IS NULL",
        ),
        (
            comment("SCHEMA", "\"Empty\""),
            "COMMENT ON SCHEMA \"Empty\" IS 'x'",
        ),
        (
            comment("CONSTRAINT", "t_id ON t"),
            "COMMENT ON CONSTRAINT t_id ON t IS 'positive'",
        ),
    ];
    for (need, lossy) in cases {
        let case = Case {
            setup,
            lossy: &[lossy],
            ..Case::default()
        };
        case.round_trip(PG, need).await;
    }
}

#[tokio::test]
async fn a_rebuilt_table_comes_back_with_its_rows() {
    let case = Case {
        setup: &[
            "CREATE TABLE t (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, a text NOT NULL, b integer)",
            "CREATE INDEX t_a ON t (a)",
            "INSERT INTO t (a, b) VALUES ('x', 1), ('y', 2)",
        ],
        up: &[
            "CREATE TABLE new_t (id integer PRIMARY KEY, a text)",
            "INSERT INTO new_t (id, a) SELECT id, a FROM t",
        ],
        lossy: &["DROP TABLE t", "ALTER TABLE new_t RENAME TO t"],
        down: &["ALTER TABLE t RENAME TO new_t"],
        same_rows: &["SELECT string_agg(id || ':' || a, ',' ORDER BY id) FROM t"],
        ..Case::default()
    };
    let need = Need::TableRebuild {
        table: name("t"),
        rows_from: name("new_t"),
        kept_columns: vec!["id".to_owned(), "a".to_owned()],
    };
    case.round_trip(PG, need).await;
}

#[tokio::test]
async fn what_cannot_be_recreated_says_why() {
    let setup: &[&str] = &[
        "CREATE SCHEMA full_one",
        "CREATE TABLE full_one.t (id integer)",
        "CREATE TABLE parent (id integer) PARTITION BY RANGE (id)",
        "CREATE TABLE part PARTITION OF parent FOR VALUES FROM (0) TO (10)",
    ];
    let Some(full) = outcome(
        PG,
        setup,
        Need::Schema {
            name: "full_one".to_owned(),
        },
    )
    .await
    else {
        return;
    };
    assert!(matches!(full, Err(NotRecreated::Unsupported(reason)) if reason.contains("t")));
    let partitioned = outcome(
        PG,
        setup,
        Need::Table {
            table: name("parent"),
        },
    )
    .await;
    assert!(matches!(
        partitioned,
        Some(Err(NotRecreated::Unsupported(_)))
    ));
    let missing = outcome(
        PG,
        setup,
        Need::Table {
            table: name("nothing"),
        },
    )
    .await;
    assert!(matches!(missing, Some(Err(NotRecreated::Missing(_)))));
    let view = Need::View {
        view: name("parent"),
        materialized: false,
    };
    assert!(matches!(
        outcome(PG, setup, view).await,
        Some(Err(NotRecreated::Missing(_)))
    ));
}

#[tokio::test]
async fn unnamed_constraints_and_indexes_are_found_and_dropped() {
    let Some(mut db) = Db::open(PG).await else {
        return;
    };
    db.run(&[
        "CREATE TABLE p (id integer PRIMARY KEY)",
        "CREATE TABLE \"T\" (a integer, b integer)",
    ])
    .await;
    let before = db.inspector.snapshot().await.expect("a snapshot");
    let table = name("T");
    for (unnamed, statement) in [
        (
            Unnamed::Constraint {
                table: table.clone(),
            },
            "ALTER TABLE \"T\" ADD CHECK (a > 0), ADD UNIQUE (a, b), ADD FOREIGN KEY (b) REFERENCES p",
        ),
        (
            Unnamed::Index {
                table: table.clone(),
            },
            "CREATE INDEX ON \"T\" (b)",
        ),
    ] {
        let old = names(&mut db.inspector, &unnamed).await.expect("names");
        db.execute(statement).await;
        let new = names(&mut db.inspector, &unnamed).await.expect("names");
        let created: Vec<_> = new.difference(&old).collect();
        assert!(!created.is_empty(), "{statement}");
        for named in created {
            let drop = drop_unnamed(&mut db.inspector, &unnamed, &named.name)
                .await
                .expect("a drop");
            db.execute(&drop).await;
        }
    }
    let after = db.inspector.snapshot().await.expect("a snapshot");
    db.close().await;
    assert!(crate::schema::differences(&before, &after).is_empty());
}

#[tokio::test]
async fn indexes_a_type_change_rewrites_come_back_as_they_were() {
    // PostgreSQL turns `date(day)` into `day` when `day` becomes a date.
    let case = Case {
        setup: &[
            "CREATE TABLE downloads (day timestamp NOT NULL, n integer)",
            "CREATE INDEX downloads_day ON downloads (date(day))",
            "CREATE INDEX downloads_recent ON downloads (n) WHERE day > '2020-01-01'",
            "CREATE INDEX downloads_n ON downloads (n)",
        ],
        lossy: &["ALTER TABLE downloads ALTER COLUMN day TYPE date"],
        ..Case::default()
    };
    let need = Need::ColumnDefinition {
        table: name("downloads"),
        column: "day".to_owned(),
        now_named: None,
        changes: ColumnChanges {
            data_type: true,
            ..ColumnChanges::default()
        },
    };
    let Some(recreated) = case.round_trip(PG, need).await else {
        return;
    };
    assert_eq!(recreated.statements.len(), 5, "{:?}", recreated.statements);
}
