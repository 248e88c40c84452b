//! `CREATE`s, undone by their `DROP`, by the object they replace, or only
//! when they created something; and objects the database names.

use super::{ALL, down, parts, recreate, skips, table};
use crate::sql::dialect::Dialect;
use crate::sql::inversion::inverse::{InversePart, Need, Unnamed};
use crate::sql::inversion::invert_script;

#[test]
fn creates_become_drops_in_every_dialect() {
    for dialect in ALL {
        assert_eq!(
            down("CREATE TABLE t (id INTEGER PRIMARY KEY)", dialect),
            ["DROP TABLE IF EXISTS t"]
        );
        assert_eq!(
            down("CREATE VIEW v AS SELECT 1", dialect),
            ["DROP VIEW IF EXISTS v"]
        );
    }
    assert_eq!(
        down("CREATE INDEX i ON t (a)", Dialect::Sqlite),
        ["DROP INDEX IF EXISTS i"]
    );
    assert_eq!(
        down("CREATE UNIQUE INDEX i ON t (a)", Dialect::MySql),
        ["DROP INDEX i ON t"]
    );
    assert_eq!(
        down("CREATE INDEX i ON s.t (a)", Dialect::Postgres),
        ["DROP INDEX IF EXISTS s.i"],
        "the index lives in its table's schema"
    );
    assert_eq!(
        down("CREATE VIRTUAL TABLE f USING fts5(body)", Dialect::Sqlite),
        ["DROP TABLE IF EXISTS f"]
    );
}

#[test]
fn quoting_is_kept() {
    assert_eq!(
        down("CREATE TABLE \"Order\" (id int)", Dialect::Postgres),
        ["DROP TABLE IF EXISTS \"Order\""]
    );
    assert_eq!(
        down("ALTER TABLE `order` ADD COLUMN `key` INT", Dialect::MySql),
        ["ALTER TABLE `order` DROP COLUMN `key`"]
    );
}

#[test]
fn postgres_creates() {
    let pg = Dialect::Postgres;
    for (up, expected) in [
        (
            "CREATE MATERIALIZED VIEW m AS SELECT 1",
            "DROP MATERIALIZED VIEW IF EXISTS m",
        ),
        ("CREATE SEQUENCE s", "DROP SEQUENCE IF EXISTS s"),
        (
            "CREATE SEQUENCE s START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1",
            "DROP SEQUENCE IF EXISTS s",
        ),
        (
            "CREATE TYPE mood AS ENUM ('sad', 'happy')",
            "DROP TYPE IF EXISTS mood",
        ),
        (
            "CREATE DOMAIN posint AS integer CHECK (VALUE > 0)",
            "DROP DOMAIN IF EXISTS posint",
        ),
        ("CREATE SCHEMA app", "DROP SCHEMA IF EXISTS app"),
        (
            "CREATE SCHEMA AUTHORIZATION joe",
            "DROP SCHEMA IF EXISTS joe",
        ),
        ("CREATE EXTENSION citext", "DROP EXTENSION IF EXISTS citext"),
        (
            "CREATE FUNCTION f(a integer, b text, OUT c int) RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql",
            "DROP FUNCTION IF EXISTS f(INTEGER, TEXT)",
        ),
        (
            "CREATE FUNCTION g() RETURNS trigger AS $$ BEGIN RETURN NEW; END $$ LANGUAGE plpgsql",
            "DROP FUNCTION IF EXISTS g()",
        ),
        (
            "CREATE TRIGGER tr BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION g()",
            "DROP TRIGGER IF EXISTS tr ON t",
        ),
        (
            "CREATE POLICY p ON t USING (true)",
            "DROP POLICY IF EXISTS p ON t",
        ),
        (
            "CREATE statistics st ON a, b FROM t",
            "DROP STATISTICS IF EXISTS st",
        ),
        (
            "CREATE TABLE t (id int, CONSTRAINT t_id_not_null NOT NULL id)",
            "DROP TABLE IF EXISTS t",
        ),
    ] {
        assert_eq!(down(up, pg), [expected], "{up}");
    }
}

#[test]
fn mysql_creates() {
    let my = Dialect::MySql;
    assert_eq!(
        down(
            "CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.a = 1",
            my
        ),
        ["DROP TRIGGER IF EXISTS tr"]
    );
    assert_eq!(
        down("CREATE PROCEDURE p(IN a INT) BEGIN SELECT a; END", my),
        ["DROP PROCEDURE IF EXISTS p"],
        "sqlparser 0.63 does not read MySQL procedures: their head is read word by word"
    );
    assert_eq!(
        parts("DROP PROCEDURE IF EXISTS p", my),
        [recreate(Need::Routine {
            name: table("p"),
            arguments: None,
            procedure: true
        })]
    );
    assert_eq!(
        down(
            "CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END",
            Dialect::Sqlite
        ),
        ["DROP TRIGGER IF EXISTS tr"]
    );
}

#[test]
fn or_replace_recreates_what_it_replaces() {
    assert_eq!(
        parts("CREATE OR REPLACE VIEW v AS SELECT 1", Dialect::Postgres),
        [recreate(Need::View {
            view: table("v"),
            materialized: false
        })]
    );
    assert_eq!(
        parts(
            "CREATE OR REPLACE FUNCTION f(a int) RETURNS int AS $$ SELECT a $$ LANGUAGE sql",
            Dialect::Postgres
        ),
        [recreate(Need::Routine {
            name: table("f"),
            arguments: Some("INT".to_string()),
            procedure: false
        })]
    );
    assert_eq!(
        parts(
            "CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql COST 1 AS $$ SELECT 1 $$",
            Dialect::Postgres
        ),
        [recreate(Need::Routine {
            name: table("f"),
            arguments: None,
            procedure: false
        })],
        "read word by word: the parser trips on COST"
    );
    assert_eq!(
        parts(
            "CREATE OR REPLACE TRIGGER tr BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION g()",
            Dialect::Postgres
        ),
        [recreate(Need::Trigger {
            name: table("tr"),
            table: Some(table("t"))
        })]
    );
    assert_eq!(
        parts("CREATE OR REPLACE TABLE t (id INT)", Dialect::MySql),
        [recreate(Need::Table { table: table("t") })]
    );
    assert_eq!(
        skips(
            "CREATE VIEW v AS SELECT 1; CREATE OR REPLACE VIEW v AS SELECT 2",
            Dialect::Postgres
        ),
        [
            Some("the down drops view v, which this up creates".to_string()),
            None
        ]
    );
}

#[test]
fn unnamed_objects_are_dropped_under_the_databases_name() {
    let constraint = InversePart::DropUnnamed {
        unnamed: Unnamed::Constraint { table: table("t") },
    };
    for up in [
        "ALTER TABLE t ADD CHECK (a > 0)",
        "ALTER TABLE t ADD FOREIGN KEY (a) REFERENCES u (id)",
        "ALTER TABLE t ADD UNIQUE (a)",
        "ALTER TABLE t ADD PRIMARY KEY (a)",
    ] {
        assert_eq!(
            parts(up, Dialect::Postgres),
            std::slice::from_ref(&constraint),
            "{up}"
        );
    }
    assert_eq!(
        parts(
            "ALTER TABLE t ADD FOREIGN KEY (a) REFERENCES u (id)",
            Dialect::MySql
        ),
        [constraint]
    );
    assert_eq!(
        parts("CREATE INDEX ON t (a)", Dialect::Postgres),
        [InversePart::DropUnnamed {
            unnamed: Unnamed::Index { table: table("t") }
        }]
    );
}

#[test]
fn mysql_unnamed_indexes_and_views() {
    let my = Dialect::MySql;
    assert_eq!(
        parts("ALTER TABLE t ADD UNIQUE (a)", my),
        [InversePart::DropUnnamed {
            unnamed: Unnamed::Index { table: table("t") }
        }]
    );
    assert_eq!(
        parts("ALTER TABLE t ADD INDEX (a)", my),
        [InversePart::DropUnnamed {
            unnamed: Unnamed::Index { table: table("t") }
        }]
    );
    assert_eq!(
        parts("ALTER VIEW v AS SELECT 2", my),
        [recreate(Need::View {
            view: table("v"),
            materialized: false
        })]
    );
    assert_eq!(
        parts("DROP VIEW v", Dialect::Sqlite),
        [recreate(Need::View {
            view: table("v"),
            materialized: false
        })]
    );
    assert_eq!(
        down("GRANT SELECT ON db.t TO 'u'@'%'", my),
        ["REVOKE SELECT ON db.t FROM 'u'@'%'"]
    );
}

#[test]
fn if_not_exists_drops_only_what_it_created() {
    let pg = Dialect::Postgres;
    for (up, drop, need) in [
        (
            "CREATE EXTENSION IF NOT EXISTS citext",
            "DROP EXTENSION IF EXISTS citext",
            Need::Extension {
                name: "citext".to_owned(),
            },
        ),
        (
            "CREATE INDEX IF NOT EXISTS users_login ON users (login)",
            "DROP INDEX IF EXISTS users_login",
            Need::Index {
                index: table("users_login"),
                table: Some(table("users")),
            },
        ),
        (
            "CREATE TABLE IF NOT EXISTS tags (id int)",
            "DROP TABLE IF EXISTS tags",
            Need::Table {
                table: table("tags"),
            },
        ),
    ] {
        assert_eq!(
            parts(up, pg),
            [InversePart::Conditional {
                sql: drop.to_owned(),
                need,
                if_missing: true,
            }],
            "{up}"
        );
    }
    // What follows on a table that may have been there is undone too.
    assert_eq!(
        skips(
            "CREATE TABLE IF NOT EXISTS tags (id int); CREATE INDEX tags_id ON tags (id)",
            pg
        ),
        [None, None]
    );
}

#[test]
fn a_replaced_object_keeps_what_is_done_to_it_undone() {
    let parts: Vec<_> = invert_script(
        "CREATE OR REPLACE FUNCTION f() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql; COMMENT ON FUNCTION f() IS 'one'",
        Dialect::Postgres,
    )
    .into_iter()
    .map(|inverse| inverse.skipped)
    .collect();
    assert_eq!(parts, [None, None]);
}

#[test]
fn mysql_routines_with_begin_end_bodies_are_dropped() {
    let my = Dialect::MySql;
    assert_eq!(
        down(
            "CREATE PROCEDURE bump(IN n INT)\nBEGIN\n  DECLARE x INT DEFAULT 0;\n  UPDATE t SET a = a + n;\nEND",
            my
        ),
        ["DROP PROCEDURE IF EXISTS bump"]
    );
    assert_eq!(
        down(
            "CREATE DEFINER=`root`@`%` FUNCTION twice(n INT) RETURNS INT DETERMINISTIC\nBEGIN\n  DECLARE m INT;\n  SET m = n * 2;\n  RETURN m;\nEND",
            my
        ),
        ["DROP FUNCTION IF EXISTS twice"]
    );
    assert_eq!(
        parts(
            "CREATE TRIGGER t_touch BEFORE UPDATE ON t FOR EACH ROW\nBEGIN\n  SET NEW.a = 1;\n  SET NEW.b = 2;\nEND",
            my
        )
        .len(),
        1
    );
}
