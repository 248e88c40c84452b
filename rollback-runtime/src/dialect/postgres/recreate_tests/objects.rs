//! PostgreSQL round trips of objects other than tables: views, sequences,
//! types, routines, schemas, extensions, comments, and what cannot be
//! recreated.

use rollback_core::sql::Need;

use super::{PG, TOUCH};
use crate::dialect::NotRecreated;
use crate::dialect::reconstruct::tests::{Case, name, outcome};

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
