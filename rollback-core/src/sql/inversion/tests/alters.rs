//! `ALTER`s other than renames: new columns and constraints, changed
//! definitions, switches, comments and type labels.

use super::{ALL, cannot, down, parts, recreate, skips, sql, table};
use crate::sql::dialect::Dialect;
use crate::sql::inversion::inverse::{ColumnChanges, InversePart, Need};
use crate::sql::name::TableName;

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
fn mysql_drop_key_and_parenthesized_add_column() {
    let my = Dialect::MySql;
    assert_eq!(
        parts("ALTER TABLE t DROP KEY t_a", my),
        [recreate(Need::Index {
            index: table("t_a"),
            table: Some(table("t")),
        })]
    );
    assert_eq!(
        down(
            "ALTER TABLE t ADD COLUMN (c INT NOT NULL DEFAULT 1, d VARCHAR(10))",
            my
        ),
        ["ALTER TABLE t DROP COLUMN d", "ALTER TABLE t DROP COLUMN c"]
    );
    assert_eq!(
        down("ALTER TABLE t ADD (c INT)", my),
        ["ALTER TABLE t DROP COLUMN c"]
    );
}
