//! `DROP`s, undone by what the runtime reads back of the dropped object.

use super::{parts, recreate, table};
use crate::sql::dialect::Dialect;
use crate::sql::inversion::inverse::Need;
use crate::sql::name::TableName;

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
