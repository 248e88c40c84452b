use super::*;
use crate::sql::TableName;

const ALL: [Dialect; 3] = [Dialect::Sqlite, Dialect::Postgres, Dialect::MySql];

fn table(name: &str) -> TableName {
    TableName {
        schema: None,
        name: name.to_string(),
    }
}

fn sql(sql: &str) -> InversePart {
    InversePart::Sql {
        sql: sql.to_string(),
    }
}

fn recreate(need: Need) -> InversePart {
    InversePart::Recreate { need }
}

/// The parts of the inverse of a one-statement up.
#[track_caller]
fn parts(up: &str, dialect: Dialect) -> Vec<InversePart> {
    let inverses = invert_script(up, dialect);
    assert_eq!(inverses.len(), 1, "{up}: {inverses:?}");
    inverses[0].parts.clone()
}

/// The down's SQL parts, in order, for a one-statement up.
#[track_caller]
fn down(up: &str, dialect: Dialect) -> Vec<String> {
    parts(up, dialect)
        .into_iter()
        .map(|part| match part {
            InversePart::Sql { sql } => sql,
            other => panic!("{up}: not SQL: {other:?}"),
        })
        .collect()
}

/// Why each statement of `up` is skipped, in the down's order (`None`
/// where it has parts).
fn skips(up: &str, dialect: Dialect) -> Vec<Option<String>> {
    invert_script(up, dialect)
        .into_iter()
        .map(|inverse| inverse.skipped)
        .collect()
}

#[track_caller]
fn cannot(up: &str, dialect: Dialect) -> String {
    match parts(up, dialect).as_slice() {
        [InversePart::CannotInvert { reason }] => reason.clone(),
        other => panic!("{up}: {other:?}"),
    }
}

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
    assert!(
        cannot("CREATE PROCEDURE p(IN a INT) BEGIN SELECT a; END", my)
            .starts_with("sql parser error"),
        "sqlparser 0.63 does not read MySQL procedures"
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
fn add_column_and_constraints() {
    for dialect in ALL {
        assert_eq!(
            down("ALTER TABLE t ADD COLUMN c INT NOT NULL UNIQUE", dialect),
            ["ALTER TABLE t DROP COLUMN c"]
        );
    }
    let pg = Dialect::Postgres;
    assert_eq!(
        down("ALTER TABLE ONLY t ADD CONSTRAINT c UNIQUE (a)", pg),
        ["ALTER TABLE ONLY t DROP CONSTRAINT c"]
    );
    assert_eq!(
        down("ALTER TABLE t ADD CONSTRAINT t_pkey PRIMARY KEY (id)", pg),
        ["ALTER TABLE t DROP CONSTRAINT t_pkey"]
    );
    let my = Dialect::MySql;
    for (up, expected) in [
        (
            "ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES u (id)",
            "ALTER TABLE t DROP FOREIGN KEY fk",
        ),
        (
            "ALTER TABLE t ADD CONSTRAINT uq UNIQUE (a)",
            "ALTER TABLE t DROP INDEX uq",
        ),
        (
            "ALTER TABLE t ADD UNIQUE KEY uq (a)",
            "ALTER TABLE t DROP INDEX uq",
        ),
        (
            "ALTER TABLE t ADD CONSTRAINT pk PRIMARY KEY (a)",
            "ALTER TABLE t DROP PRIMARY KEY",
        ),
        (
            "ALTER TABLE t ADD PRIMARY KEY (a)",
            "ALTER TABLE t DROP PRIMARY KEY",
        ),
        (
            "ALTER TABLE t ADD CONSTRAINT ck CHECK (a > 0)",
            "ALTER TABLE t DROP CONSTRAINT ck",
        ),
        (
            "ALTER TABLE t ADD INDEX i (a)",
            "ALTER TABLE t DROP INDEX i",
        ),
    ] {
        assert_eq!(down(up, my), [expected], "{up}");
    }
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
fn renames_are_reversed() {
    for dialect in [Dialect::Sqlite, Dialect::Postgres] {
        assert_eq!(
            down("ALTER TABLE t RENAME COLUMN a TO b", dialect),
            ["ALTER TABLE t RENAME COLUMN b TO a"]
        );
    }
    let pg = Dialect::Postgres;
    assert_eq!(
        down("ALTER TABLE a RENAME TO b", pg),
        ["ALTER TABLE b RENAME TO a"]
    );
    assert_eq!(
        down("ALTER TABLE s.a RENAME TO b", pg),
        ["ALTER TABLE s.b RENAME TO a"]
    );
    assert_eq!(
        down("ALTER INDEX a RENAME TO b", pg),
        ["ALTER INDEX b RENAME TO a"]
    );
    assert_eq!(
        down("ALTER INDEX s.a RENAME TO b", pg),
        ["ALTER INDEX s.b RENAME TO a"]
    );
    assert_eq!(
        down("ALTER SEQUENCE a\n RENAME TO b", pg),
        ["ALTER SEQUENCE b RENAME TO a"]
    );
    assert_eq!(
        down("ALTER TRIGGER a ON t RENAME TO b", pg),
        ["ALTER TRIGGER b ON t RENAME TO a"]
    );
    assert_eq!(
        down("ALTER TABLE t RENAME CONSTRAINT a TO b", pg),
        ["ALTER TABLE t RENAME CONSTRAINT b TO a"]
    );
    assert_eq!(
        down("ALTER TYPE a RENAME TO b", pg),
        ["ALTER TYPE b RENAME TO a"]
    );
    assert_eq!(
        down("ALTER POLICY a ON t RENAME TO b", pg),
        ["ALTER POLICY b ON t RENAME TO a"]
    );
    let my = Dialect::MySql;
    assert_eq!(
        down("RENAME TABLE a TO b, c TO d", my),
        ["RENAME TABLE d TO c", "RENAME TABLE b TO a"]
    );
    assert_eq!(
        down("ALTER TABLE a RENAME TO b", my),
        ["RENAME TABLE b TO a"]
    );
    assert_eq!(
        down("ALTER TABLE t RENAME INDEX a TO b", my),
        ["ALTER TABLE t RENAME INDEX b TO a"]
    );
    assert_eq!(
        down("ALTER TABLE t RENAME COLUMN a TO b", my),
        ["ALTER TABLE t RENAME COLUMN b TO a"]
    );
}

#[test]
fn row_level_security_switches_are_flipped() {
    let pg = Dialect::Postgres;
    for (up, expected) in [
        ("ENABLE ROW LEVEL SECURITY", "DISABLE ROW LEVEL SECURITY"),
        ("DISABLE ROW LEVEL SECURITY", "ENABLE ROW LEVEL SECURITY"),
        ("FORCE ROW LEVEL SECURITY", "NO FORCE ROW LEVEL SECURITY"),
        ("NO FORCE ROW LEVEL SECURITY", "FORCE ROW LEVEL SECURITY"),
    ] {
        assert_eq!(
            down(&format!("ALTER TABLE t {up}"), pg),
            [format!("ALTER TABLE t {expected}")]
        );
    }
}

#[test]
fn several_operations_are_undone_last_first() {
    assert_eq!(
        parts(
            "ALTER TABLE t ADD COLUMN a int, DROP COLUMN b, ALTER COLUMN c SET NOT NULL",
            Dialect::Postgres
        ),
        [
            recreate(Need::ColumnDefinition {
                table: table("t"),
                column: "c".to_string(),
                now_named: None,
                changes: ColumnChanges {
                    not_null: true,
                    ..ColumnChanges::default()
                },
            }),
            recreate(Need::Column {
                table: table("t"),
                column: "b".to_string()
            }),
            sql("ALTER TABLE t DROP COLUMN a"),
        ]
    );
}

#[test]
fn column_changes_need_the_old_definition() {
    let definition = |column: &str, now_named: Option<&str>, changes| {
        vec![recreate(Need::ColumnDefinition {
            table: table("t"),
            column: column.to_string(),
            now_named: now_named.map(str::to_string),
            changes,
        })]
    };
    let only = |data_type, default, not_null| ColumnChanges {
        data_type,
        default,
        not_null,
        identity: false,
    };
    let pg = Dialect::Postgres;
    for (op, changes) in [
        ("TYPE bigint", only(true, false, false)),
        ("SET DATA TYPE text", only(true, false, false)),
        ("SET DEFAULT 0", only(false, true, false)),
        ("DROP DEFAULT", only(false, true, false)),
        ("SET NOT NULL", only(false, false, true)),
        ("DROP NOT NULL", only(false, false, true)),
    ] {
        assert_eq!(
            parts(&format!("ALTER TABLE t ALTER COLUMN \"C\" {op}"), pg),
            definition("C", None, changes),
            "{op}"
        );
    }
    let my = Dialect::MySql;
    assert_eq!(
        parts("ALTER TABLE t MODIFY COLUMN c BIGINT NOT NULL", my),
        definition("c", None, only(true, true, true))
    );
    assert_eq!(
        parts("ALTER TABLE t CHANGE COLUMN `key` akey TEXT", my),
        definition("key", Some("akey"), only(true, true, true))
    );
    assert_eq!(
        parts("ALTER TABLE t CHANGE c c TEXT", my),
        definition("c", None, only(true, true, true))
    );
    assert_eq!(
        down(
            "ALTER TABLE t ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY",
            pg
        ),
        ["ALTER TABLE t ALTER COLUMN id DROP IDENTITY"]
    );
}

#[test]
fn drops_need_what_they_drop() {
    let pg = Dialect::Postgres;
    assert_eq!(
        parts("DROP TABLE a, B", pg),
        [
            recreate(Need::Table { table: table("b") }),
            recreate(Need::Table { table: table("a") }),
        ]
    );
    assert_eq!(
        parts("ALTER TABLE t DROP COLUMN \"Name\"", pg),
        [recreate(Need::Column {
            table: table("t"),
            column: "Name".to_string()
        })]
    );
    assert_eq!(
        parts("DROP INDEX IF EXISTS i", pg),
        [recreate(Need::Index {
            index: table("i"),
            table: None
        })]
    );
    assert_eq!(
        parts("DROP INDEX CONCURRENTLY i", pg),
        [recreate(Need::Index {
            index: table("i"),
            table: None
        })]
    );
    assert_eq!(
        parts("ALTER TABLE t DROP CONSTRAINT c", pg),
        [recreate(Need::Constraint {
            table: table("t"),
            name: "c".to_string()
        })]
    );
    assert_eq!(
        parts("DROP MATERIALIZED VIEW m", pg),
        [recreate(Need::View {
            view: table("m"),
            materialized: true
        })]
    );
    for (up, need) in [
        (
            "DROP SEQUENCE s",
            Need::Sequence {
                sequence: table("s"),
            },
        ),
        (
            "DROP TYPE mood",
            Need::Type {
                name: table("mood"),
            },
        ),
        ("DROP DOMAIN d", Need::Type { name: table("d") }),
        (
            "DROP SCHEMA s CASCADE",
            Need::Schema {
                name: "s".to_string(),
            },
        ),
        (
            "DROP EXTENSION citext",
            Need::Extension {
                name: "citext".to_string(),
            },
        ),
        (
            "DROP FUNCTION f(integer, text)",
            Need::Routine {
                name: table("f"),
                arguments: Some("INTEGER, TEXT".to_string()),
                procedure: false,
            },
        ),
        (
            "DROP PROCEDURE p",
            Need::Routine {
                name: table("p"),
                arguments: None,
                procedure: true,
            },
        ),
        (
            "DROP TRIGGER tr ON t",
            Need::Trigger {
                name: table("tr"),
                table: Some(table("t")),
            },
        ),
        (
            "DROP POLICY p ON t",
            Need::Policy {
                name: "p".to_string(),
                table: table("t"),
            },
        ),
    ] {
        assert_eq!(parts(up, pg), [recreate(need)], "{up}");
    }
    let my = Dialect::MySql;
    assert_eq!(
        parts("DROP INDEX i ON t", my),
        [recreate(Need::Index {
            index: table("i"),
            table: Some(table("t"))
        })]
    );
    assert_eq!(
        parts("ALTER TABLE t DROP INDEX i", my),
        [recreate(Need::Index {
            index: table("i"),
            table: Some(table("t"))
        })]
    );
    for (up, name) in [
        ("ALTER TABLE t DROP FOREIGN KEY fk", "fk"),
        ("ALTER TABLE t DROP PRIMARY KEY", "PRIMARY"),
    ] {
        assert_eq!(
            parts(up, my),
            [recreate(Need::Constraint {
                table: table("t"),
                name: name.to_string()
            })]
        );
    }
    assert_eq!(
        parts("DROP TRIGGER IF EXISTS tr", Dialect::Sqlite),
        [recreate(Need::Trigger {
            name: table("tr"),
            table: None
        })]
    );
}

#[test]
fn comments_and_type_labels() {
    let pg = Dialect::Postgres;
    assert_eq!(
        parts("COMMENT ON COLUMN orders.status IS 'x'", pg),
        [recreate(Need::Comment {
            object_kind: "COLUMN".to_string(),
            object: "orders.status".to_string()
        })]
    );
    assert_eq!(
        parts("COMMENT ON FUNCTION f(int4) IS 'x'", pg),
        [recreate(Need::Comment {
            object_kind: "FUNCTION".to_string(),
            object: "f(int4)".to_string()
        })]
    );
    assert_eq!(
        skips(
            "CREATE TABLE t (a int); COMMENT ON TABLE t IS 'x'; COMMENT ON COLUMN t.a IS 'y'; CREATE FUNCTION f() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql; comment on constraint c on t is 'z'",
            pg
        ),
        [
            Some("the down drops table t, which this up creates".to_string()),
            None,
            Some("the down drops table t, which this up creates".to_string()),
            Some("the down drops table t, which this up creates".to_string()),
            None,
        ]
    );
    assert_eq!(
        parts("ALTER TYPE mood ADD VALUE 'ok'", pg),
        [InversePart::CannotInvert {
            reason: "PostgreSQL cannot remove a value from an enum type".to_owned()
        }]
    );
    assert_eq!(
        parts("ALTER TYPE mood RENAME VALUE 'a' TO 'b'", pg),
        [sql("ALTER TYPE mood RENAME VALUE 'b' TO 'a'")]
    );
}

#[test]
fn data_changes_cannot_be_inverted() {
    for dialect in ALL {
        assert_eq!(
            cannot("DELETE FROM t WHERE id = 1", dialect),
            "deleted rows cannot be brought back"
        );
        assert_eq!(
            cannot("INSERT INTO t SELECT * FROM u", dialect),
            "inserted rows cannot be told from the rows that were there"
        );
        assert_eq!(
            cannot("UPDATE t SET a = 1", dialect),
            "the rows' previous values cannot be brought back"
        );
    }
    let pg = Dialect::Postgres;
    assert_eq!(
        cannot("TRUNCATE t", pg),
        "truncated rows cannot be brought back"
    );
    assert_eq!(
        cannot(
            "MERGE INTO t USING u ON t.id = u.id WHEN MATCHED THEN UPDATE SET a = 1",
            pg
        ),
        "merged rows cannot be told from the rows that were there"
    );
    assert_eq!(
        cannot("COPY t FROM STDIN", pg),
        "inserted rows cannot be told from the rows that were there"
    );
    assert_eq!(
        cannot("REPLACE INTO t VALUES (1)", Dialect::MySql),
        "replaced rows cannot be brought back"
    );
    assert_eq!(
        cannot("WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d", pg),
        "deleted rows cannot be brought back"
    );
    for (up, dialect) in [
        ("CALL p()", Dialect::MySql),
        ("EXECUTE stmt", Dialect::MySql),
        ("DO $$ BEGIN DELETE FROM t; END $$", pg),
    ] {
        assert!(cannot(up, dialect).contains("runs code"), "{up}");
    }
}

#[test]
fn grants_and_revokes_are_swapped() {
    let pg = Dialect::Postgres;
    assert_eq!(
        down("GRANT SELECT ON t TO reader", pg),
        ["REVOKE SELECT ON t FROM reader"]
    );
    assert_eq!(
        down("REVOKE ALL ON t FROM reader", pg),
        ["GRANT ALL ON t TO reader"]
    );
}

#[test]
fn unreadable_and_unknown_statements() {
    for dialect in ALL {
        for up in ["garbage here", "DROP TABLE", "ALTER TABLE t DROP COLUMN"] {
            assert!(cannot(up, dialect).starts_with("sql parser error"), "{up}");
        }
    }
    assert_eq!(
        cannot("EXPLAIN SELECT 1", Dialect::Postgres),
        "not a statement kind cargo-rollback can invert"
    );
    assert!(
        cannot(
            "ALTER TABLE t ALTER CONSTRAINT c DEFERRABLE",
            Dialect::Postgres
        )
        .starts_with("sql parser error")
    );
}

#[test]
fn session_reads_and_maintenance_are_skipped() {
    for (up, dialect) in [
        ("SET search_path TO public", Dialect::Postgres),
        ("SET CONSTRAINTS ALL DEFERRED", Dialect::Postgres),
        ("RESET ALL", Dialect::Postgres),
        ("PRAGMA foreign_keys = OFF", Dialect::Sqlite),
        ("PRAGMA foreign_keys = 1", Dialect::Sqlite),
        ("SET FOREIGN_KEY_CHECKS = 0", Dialect::MySql),
        ("SELECT 1", Dialect::Sqlite),
        ("VALUES (1)", Dialect::Postgres),
        ("WITH x AS (SELECT 1) SELECT * FROM x", Dialect::Postgres),
        ("BEGIN", Dialect::Sqlite),
        ("COMMIT", Dialect::Postgres),
        ("START TRANSACTION", Dialect::MySql),
        ("ANALYZE t", Dialect::Postgres),
        ("VACUUM", Dialect::Sqlite),
        ("REINDEX TABLE t", Dialect::Postgres),
        ("COPY t TO STDOUT", Dialect::Postgres),
    ] {
        let inverse = &invert_script(up, dialect)[0];
        assert!(inverse.parts.is_empty(), "{up}: {inverse:?}");
        assert!(inverse.skipped.is_some(), "{up}");
    }
    assert!(invert_script("-- only a comment\n", Dialect::Postgres).is_empty());
}

#[test]
fn what_acts_on_a_created_table_is_dropped_with_it() {
    let up = "CREATE TABLE t (id int);
CREATE INDEX i ON t (id);
CREATE TRIGGER tr BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION g();
CREATE POLICY p ON t USING (true);
ALTER TABLE t ADD COLUMN c int, ADD CONSTRAINT k UNIQUE (c), ENABLE ROW LEVEL SECURITY;
INSERT INTO t VALUES (1);
UPDATE t SET c = 1;
DELETE FROM t;
CREATE VIEW v AS SELECT * FROM t";
    let inverses = invert_script(up, Dialect::Postgres);
    let created = Some("the down drops table t, which this up creates".to_string());
    let summary: Vec<_> = inverses
        .iter()
        .map(|inverse| (inverse.line, inverse.parts.clone(), inverse.skipped.clone()))
        .collect();
    let mut expected = vec![(9, vec![sql("DROP VIEW IF EXISTS v")], None)];
    expected.extend(
        (2..=8)
            .rev()
            .map(|line| (line, Vec::new(), created.clone())),
    );
    expected.push((1, vec![sql("DROP TABLE IF EXISTS t")], None));
    assert_eq!(summary, expected);
}

#[test]
fn a_created_table_is_followed_through_renames() {
    let up = "CREATE TABLE a (id int); ALTER TABLE a RENAME TO b; CREATE INDEX i ON b (id)";
    let inverses = invert_script(up, Dialect::Sqlite);
    let parts: Vec<_> = inverses
        .iter()
        .map(|inverse| inverse.parts.clone())
        .collect();
    assert_eq!(
        parts,
        [
            vec![],
            vec![sql("ALTER TABLE b RENAME TO a")],
            vec![sql("DROP TABLE IF EXISTS a")],
        ]
    );
}

const REBUILD: &str = "PRAGMA foreign_keys = OFF;
CREATE TABLE users_new (id INTEGER PRIMARY KEY, \"Name\" TEXT);
INSERT INTO users_new SELECT id, name FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
CREATE INDEX users_name ON users (\"Name\");
PRAGMA foreign_keys = ON;";

#[test]
fn sqlite_rebuild_copies_the_rows_back() {
    let inverses = invert_script(REBUILD, Dialect::Sqlite);
    let parts: Vec<_> = inverses
        .iter()
        .flat_map(|inverse| inverse.parts.clone())
        .collect();
    assert_eq!(
        parts,
        [
            sql("PRAGMA legacy_alter_table = ON"),
            sql("ALTER TABLE users RENAME TO users_new"),
            sql("PRAGMA legacy_alter_table = OFF"),
            recreate(Need::TableRebuild {
                table: table("users"),
                rows_from: table("users_new"),
                kept_columns: vec!["id".to_string(), "Name".to_string()],
            }),
            sql("DROP TABLE IF EXISTS users_new"),
        ]
    );
    let lines: Vec<_> = inverses.iter().map(|inverse| inverse.line).collect();
    assert_eq!(lines, [7, 6, 5, 4, 3, 2, 1]);
}

#[test]
fn rebuild_renaming_the_old_table_away_first() {
    let up = "ALTER TABLE ciphers RENAME TO oldCiphers;
CREATE TABLE ciphers (uuid TEXT PRIMARY KEY, data TEXT);
INSERT INTO ciphers SELECT uuid, data FROM oldCiphers;
DROP TABLE oldCiphers;";
    let parts: Vec<_> = invert_script(up, Dialect::Sqlite)
        .into_iter()
        .flat_map(|inverse| inverse.parts)
        .collect();
    assert_eq!(
        parts,
        [
            recreate(Need::TableRebuild {
                table: table("oldCiphers"),
                rows_from: table("ciphers"),
                kept_columns: vec!["uuid".to_string(), "data".to_string()],
            }),
            sql("DROP TABLE IF EXISTS ciphers"),
            sql("ALTER TABLE oldCiphers RENAME TO ciphers"),
            recreate(Need::References {
                table: table("ciphers")
            }),
        ]
    );
}

#[test]
fn identifiers_are_folded_in_needs() {
    assert_eq!(
        parts("DROP TABLE Public.Users", Dialect::Postgres),
        [recreate(Need::Table {
            table: TableName {
                schema: Some("public".to_string()),
                name: "users".to_string()
            }
        })]
    );
    assert_eq!(
        parts("DROP TABLE Users", Dialect::MySql),
        [recreate(Need::Table {
            table: table("Users")
        })]
    );
}

#[test]
fn deep_nesting_does_not_overflow() {
    let nested = format!("SELECT {}1{}", "(".repeat(5000), ")".repeat(5000));
    for dialect in ALL {
        assert_eq!(invert_script(&nested, dialect).len(), 1);
    }
}

#[test]
fn more_renames_and_alters_read_word_by_word() {
    let pg = Dialect::Postgres;
    assert_eq!(
        down("ALTER FUNCTION f (integer) RENAME TO g", pg),
        ["ALTER FUNCTION g(INTEGER) RENAME TO f"]
    );
    assert_eq!(
        cannot("ALTER FUNCTION f() OWNER TO joe", pg),
        "the function's previous owner, schema or options are not in the statement"
    );
    assert_eq!(
        skips(
            "CREATE SEQUENCE s START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1; ALTER SEQUENCE s OWNED BY t.id",
            pg
        ),
        [
            Some("the down drops sequence s, which this up creates".to_string()),
            None
        ]
    );
    assert!(
        cannot("ALTER SEQUENCE s OWNED BY t.id", pg).starts_with("sql parser error"),
        "the previous owner of a sequence the up did not create is unknown"
    );
    assert_eq!(
        skips(
            "CREATE TABLE t (id int); ALTER TABLE t ALTER CONSTRAINT c DEFERRABLE",
            pg
        ),
        [
            Some("the down drops table t, which this up creates".to_string()),
            None
        ]
    );
    assert_eq!(
        skips(
            "CREATE TABLE t (id int); CREATE INDEX i ON t (id); ALTER TABLE t RENAME INDEX i TO j",
            Dialect::MySql
        ),
        [
            Some("the down drops table t, which this up creates".to_string()),
            Some("the down drops table t, which this up creates".to_string()),
            None
        ]
    );
}

#[test]
fn more_data_statements_by_dialect() {
    let my = Dialect::MySql;
    assert_eq!(
        cannot("TRUNCATE TABLE t", my),
        "truncated rows cannot be brought back"
    );
    assert!(
        cannot("LOAD DATA INFILE 'x.csv' INTO TABLE t", my).starts_with("sql parser error"),
        "sqlparser 0.63 reads only Hive's LOAD DATA INPATH"
    );
    assert_eq!(
        cannot("INSERT INTO t VALUES (1) ON DUPLICATE KEY UPDATE a = 1", my),
        "the rows' previous values cannot be brought back"
    );
    assert_eq!(
        cannot("INSERT OR REPLACE INTO t VALUES (1)", Dialect::Sqlite),
        "replaced rows cannot be brought back"
    );
    assert_eq!(
        cannot("DELETE FROM t", Dialect::Sqlite),
        "deleted rows cannot be brought back"
    );
    assert_eq!(
        skips(
            "CREATE TABLE t (id int); INSERT INTO t VALUES (1); UPDATE t SET id = 2; DELETE FROM t; TRUNCATE t",
            my
        )
        .iter()
        .filter(|skipped| skipped.is_some())
        .count(),
        4
    );
    assert_eq!(
        cannot("UPDATE t JOIN u ON t.id = u.id SET u.a = 1", my),
        "the rows' previous values cannot be brought back",
        "u is not created by the up"
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
fn pg_triggers_and_logging_switch_back() {
    let pg = Dialect::Postgres;
    assert_eq!(
        down("ALTER TABLE t DISABLE TRIGGER tr", pg),
        ["ALTER TABLE t ENABLE TRIGGER tr"]
    );
    assert_eq!(
        down("ALTER TABLE t SET UNLOGGED", pg),
        ["ALTER TABLE t SET LOGGED"]
    );
    assert_eq!(
        skips("ALTER TABLE t VALIDATE CONSTRAINT c", pg),
        [Some(
            "validating a constraint changes nothing to undo".to_string()
        )]
    );
}

#[test]
fn a_table_created_then_dropped_is_read_back_before_it_is_dropped() {
    let parts: Vec<_> = invert_script("CREATE TABLE t (id int); DROP TABLE t", Dialect::Postgres)
        .into_iter()
        .flat_map(|inverse| inverse.parts)
        .collect();
    assert_eq!(
        parts,
        [
            recreate(Need::Table { table: table("t") }),
            sql("DROP TABLE IF EXISTS t")
        ]
    );
}

#[test]
fn a_rename_of_an_object_the_up_creates_is_kept() {
    let parts: Vec<_> = invert_script(
        "CREATE TYPE a AS ENUM ('x'); ALTER TYPE a RENAME TO b; ALTER TYPE b ADD VALUE 'y'",
        Dialect::Postgres,
    )
    .into_iter()
    .map(|inverse| inverse.parts)
    .collect();
    assert_eq!(
        parts,
        [
            vec![],
            vec![sql("ALTER TYPE b RENAME TO a")],
            vec![sql("DROP TYPE IF EXISTS a")],
        ],
        "a renamed type is followed: its new label goes with it"
    );
    assert_eq!(
        skips(
            "CREATE TYPE a AS ENUM ('x'); ALTER TYPE a ADD VALUE 'y'",
            Dialect::Postgres
        ),
        [
            Some("the down drops type a, which this up creates".to_string()),
            None
        ]
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
fn a_sqlite_table_renamed_back_gets_the_text_that_names_it_back() {
    let sqlite = Dialect::Sqlite;
    assert_eq!(
        parts("ALTER TABLE a RENAME TO b", sqlite),
        [
            sql("ALTER TABLE b RENAME TO a"),
            recreate(Need::References { table: table("a") }),
        ]
    );
    // A table the up creates has nothing else naming it before the up.
    let inverses = invert_script(
        "CREATE TABLE a (id INTEGER); ALTER TABLE a RENAME TO b",
        sqlite,
    );
    assert_eq!(inverses[0].parts, [sql("ALTER TABLE b RENAME TO a")]);
}

#[test]
fn a_rename_if_exists_is_undone_only_if_it_happened() {
    assert_eq!(
        parts(
            "ALTER INDEX IF EXISTS sgrif_testing RENAME TO by_downloads",
            Dialect::Postgres
        ),
        [InversePart::Conditional {
            sql: "ALTER INDEX by_downloads RENAME TO sgrif_testing".to_owned(),
            need: Need::Index {
                index: table("sgrif_testing"),
                table: None,
            },
            if_missing: false,
        }]
    );
}

#[test]
fn an_identity_kind_change_is_read_back() {
    // sqlparser 0.63 cannot read `SET GENERATED`: it is read word by word.
    assert_eq!(
        parts(
            r#"ALTER TABLE app."Accounts" ALTER COLUMN "Id" SET GENERATED ALWAYS"#,
            Dialect::Postgres
        ),
        [recreate(Need::ColumnDefinition {
            table: TableName {
                schema: Some("app".to_string()),
                name: "Accounts".to_string(),
            },
            column: "Id".to_string(),
            now_named: None,
            changes: ColumnChanges {
                identity: true,
                ..ColumnChanges::default()
            },
        })]
    );
    // With other identity options, what they replace is not read back.
    assert!(
        cannot(
            "ALTER TABLE t ALTER COLUMN id SET GENERATED ALWAYS SET INCREMENT BY 2",
            Dialect::Postgres
        )
        .contains("sql parser error")
    );
}

#[test]
fn an_object_moved_to_another_schema_is_moved_back() {
    let pg = Dialect::Postgres;
    assert_eq!(
        down(r#"ALTER TABLE app."Accounts" SET SCHEMA public"#, pg),
        [r#"ALTER TABLE public."Accounts" SET SCHEMA app"#]
    );
    assert_eq!(
        down("ALTER TYPE app.kind SET SCHEMA billing", pg),
        ["ALTER TYPE billing.kind SET SCHEMA app"]
    );
    assert_eq!(
        cannot("ALTER SEQUENCE counter SET SCHEMA app", pg),
        "the statement does not name the schema the object leaves"
    );
    // A table the up creates is dropped where the down moved it back.
    let inverses = invert_script(
        "CREATE TABLE app.t (id int); ALTER TABLE app.t SET SCHEMA public",
        pg,
    );
    assert_eq!(inverses[1].parts, [sql("DROP TABLE IF EXISTS app.t")]);
}

#[test]
fn a_mysql_table_comment_is_read_back() {
    // sqlparser 0.63 cannot read `ALTER TABLE t COMMENT`: it is read word by word.
    for up in [
        "ALTER TABLE accounts COMMENT = 'all accounts'",
        "ALTER TABLE `accounts` COMMENT 'all accounts'",
    ] {
        assert_eq!(
            parts(up, Dialect::MySql),
            [recreate(Need::TableComment {
                table: table("accounts")
            })],
            "{up}"
        );
    }
    assert_eq!(
        skips(
            "CREATE TABLE t (id int); ALTER TABLE t COMMENT = 'new'",
            Dialect::MySql
        )[0]
        .as_deref(),
        Some("the down drops table t, which this up creates")
    );
}

#[test]
fn rows_a_plain_insert_adds_are_deleted_by_a_unique_key() {
    for dialect in ALL {
        assert_eq!(
            parts(
                "INSERT INTO roles (id, Name, note) VALUES (1, 'admin', now()), (-2, 'it''s', DEFAULT)",
                dialect
            ),
            [recreate(Need::InsertedRows {
                table: table("roles"),
                columns: ["id", "Name", "note"]
                    .map(|column| match dialect {
                        Dialect::Postgres => column.to_lowercase(),
                        _ => column.to_string(),
                    })
                    .to_vec(),
                rows: vec![
                    vec![Some("1".to_string()), Some("'admin'".to_string()), None],
                    vec![Some("-2".to_string()), Some("'it''s'".to_string()), None],
                ],
            })],
            "{dialect:?}"
        );
    }
    // What may touch rows already there, or names no columns, is not.
    for up in [
        "INSERT INTO roles VALUES (1, 'admin')",
        "INSERT INTO roles (id) VALUES (1) ON CONFLICT DO NOTHING",
        "INSERT INTO roles (id) SELECT id FROM old_roles",
    ] {
        assert!(
            matches!(
                parts(up, Dialect::Postgres).as_slice(),
                [InversePart::CannotInvert { .. }]
            ),
            "{up}"
        );
    }
    assert!(matches!(
        parts("INSERT IGNORE INTO roles (id) VALUES (1)", Dialect::MySql).as_slice(),
        [InversePart::CannotInvert { .. }]
    ));
}
