//! MySQL and MariaDB round trips.

use rollback_core::sql::{ColumnChanges, Dialect, Need, Unnamed};

use crate::dialect::NotRecreated;
use crate::dialect::reconstruct::tests::{Case, Db, name, outcome};
use crate::dialect::reconstruct::tests::{drop_unnamed, names};

const MY: Dialect = Dialect::MySql;

/// A shop: AUTO_INCREMENT keys with rows, foreign keys, ENUM and SET
/// columns, a generated column, FULLTEXT and multi-column keys, a check,
/// utf8mb4 collations, reserved and mixed-case names, a trigger, a view
/// and routines whose bodies have comments.
const SHOP: &[&str] = &[
    "CREATE TABLE customers (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, email varchar(100) NOT NULL UNIQUE)",
    "CREATE TABLE `Order` (
        id int NOT NULL AUTO_INCREMENT,
        customer_id int DEFAULT NULL,
        status ENUM('new', 'paid', 'it''s') NOT NULL DEFAULT 'new',
        tags SET('a', 'b') DEFAULT NULL,
        body text,
        total decimal(10,2) NOT NULL DEFAULT 0 COMMENT 'in euros',
        doubled decimal(12,2) AS (total * 2) STORED,
        `select` varchar(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT NULL,
        PRIMARY KEY (id),
        KEY customer_status (customer_id, status),
        KEY by_select (`select`(10)),
        KEY total_status (total DESC, status),
        FULLTEXT KEY body_text (body),
        CONSTRAINT order_customer FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE,
        CONSTRAINT positive CHECK (total >= 0)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='the orders'",
    "CREATE TRIGGER order_touch BEFORE UPDATE ON `Order` FOR EACH ROW
     BEGIN
         -- a comment the body keeps
         SET NEW.body = coalesce(NEW.body, 'touched');
     END",
    "CREATE TRIGGER order_second BEFORE UPDATE ON `Order` FOR EACH ROW SET NEW.total = NEW.total",
    "CREATE VIEW paid AS SELECT id, total FROM `Order` WHERE status = 'paid'",
    "CREATE PROCEDURE count_orders(OUT n int)
     BEGIN
         -- counted
         SELECT count(*) INTO n FROM `Order`;
     END",
    "CREATE FUNCTION twice(x int) RETURNS int DETERMINISTIC RETURN x * 2 # doubled",
    "INSERT INTO customers (email) VALUES ('a@example.com'), ('b@example.com')",
    "INSERT INTO `Order` (customer_id, total) VALUES (1, 5), (2, 7)",
];

#[tokio::test]
async fn a_dropped_table_comes_back_with_its_triggers() {
    let case = Case {
        setup: SHOP,
        lossy: &["DROP TABLE `Order`"],
        ..Case::default()
    };
    let Some(recreated) = case
        .round_trip(
            MY,
            Need::Table {
                table: name("Order"),
            },
        )
        .await
    else {
        return;
    };
    assert!(!recreated.statements[0].contains("AUTO_INCREMENT=3"));
    assert!(recreated.statements[1].contains("-- a comment the body keeps"));
    assert_eq!(recreated.notes, ["the rows of Order"]);
}

#[tokio::test]
async fn a_referenced_table_dropped_without_checks_comes_back() {
    let case = Case {
        setup: SHOP,
        lossy: &[
            "SET foreign_key_checks = 0",
            "DROP TABLE customers",
            "SET foreign_key_checks = 1",
        ],
        ..Case::default()
    };
    case.round_trip(
        MY,
        Need::Table {
            table: name("customers"),
        },
    )
    .await;
}

#[tokio::test]
async fn dropped_columns_come_back_in_place_with_their_keys() {
    for column in ["select", "status", "body", "id", "tags"] {
        let lossy = format!("ALTER TABLE `Order` DROP COLUMN `{column}`");
        let case = Case {
            setup: SHOP,
            lossy: &[&lossy],
            ..Case::default()
        };
        let need = Need::Column {
            table: name("Order"),
            column: column.to_owned(),
        };
        case.round_trip(MY, need).await;
    }
}

#[tokio::test]
async fn changed_column_definitions_are_put_back() {
    let cases: [(&str, Option<&str>, &str); 3] = [
        (
            "total",
            Some("amount"),
            "ALTER TABLE `Order` CHANGE COLUMN total amount bigint NULL",
        ),
        (
            "status",
            None,
            "ALTER TABLE `Order` MODIFY COLUMN status ENUM('new', 'paid', 'it''s', 'gone') NULL",
        ),
        (
            "select",
            None,
            "ALTER TABLE `Order` ALTER COLUMN `select` SET DEFAULT 'x'",
        ),
    ];
    for (column, now_named, lossy) in cases {
        let case = Case {
            setup: SHOP,
            lossy: &[lossy],
            same_rows: &["SELECT GROUP_CONCAT(CONCAT(id, ':', total) ORDER BY id) FROM `Order`"],
            ..Case::default()
        };
        let need = Need::ColumnDefinition {
            table: name("Order"),
            column: column.to_owned(),
            now_named: now_named.map(str::to_owned),
            changes: ColumnChanges {
                data_type: true,
                default: true,
                not_null: true,
                identity: false,
            },
        };
        case.round_trip(MY, need).await;
    }
}

#[tokio::test]
async fn indexes_and_constraints_come_back() {
    let order = || Some(name("Order"));
    let cases = [
        (
            Need::Index {
                index: name("total_status"),
                table: order(),
            },
            "DROP INDEX total_status ON `Order`",
        ),
        (
            Need::Index {
                index: name("body_text"),
                table: None,
            },
            "ALTER TABLE `Order` DROP INDEX body_text",
        ),
        (
            Need::Index {
                index: name("by_select"),
                table: None,
            },
            "DROP INDEX by_select ON `Order`",
        ),
        (
            Need::Constraint {
                table: name("Order"),
                name: "order_customer".to_owned(),
            },
            "ALTER TABLE `Order` DROP FOREIGN KEY order_customer",
        ),
        (
            Need::Constraint {
                table: name("Order"),
                name: "positive".to_owned(),
            },
            "ALTER TABLE `Order` DROP CONSTRAINT positive",
        ),
        (
            Need::Constraint {
                table: name("customers"),
                name: "email".to_owned(),
            },
            "ALTER TABLE customers DROP INDEX email",
        ),
        (
            Need::Constraint {
                table: name("customers"),
                name: "PRIMARY".to_owned(),
            },
            "ALTER TABLE customers MODIFY id int NOT NULL, DROP PRIMARY KEY",
        ),
    ];
    for (need, lossy) in cases {
        let after: &[&str] = if lossy.contains("DROP PRIMARY KEY") {
            &["ALTER TABLE customers MODIFY id int NOT NULL AUTO_INCREMENT"]
        } else {
            &[]
        };
        let case = Case {
            setup: SHOP,
            lossy: &[lossy],
            after,
            ..Case::default()
        };
        case.round_trip(MY, need).await;
    }
}

#[tokio::test]
async fn views_triggers_and_routines_come_back_dropped_or_replaced() {
    let routine = |routine: &str, procedure| Need::Routine {
        name: name(routine),
        arguments: None,
        procedure,
    };
    let view = || Need::View {
        view: name("paid"),
        materialized: false,
    };
    let trigger = || Need::Trigger {
        name: name("order_touch"),
        table: None,
    };
    let cases = [
        (view(), "DROP VIEW paid"),
        (
            view(),
            "CREATE OR REPLACE VIEW paid AS SELECT id, total FROM `Order` WHERE status = 'new'",
        ),
        (trigger(), "DROP TRIGGER order_touch"),
        (
            trigger(),
            "CREATE OR REPLACE TRIGGER order_touch BEFORE UPDATE ON `Order` FOR EACH ROW SET NEW.body = 'x'",
        ),
        (routine("count_orders", true), "DROP PROCEDURE count_orders"),
        (routine("twice", false), "DROP FUNCTION twice"),
        (
            routine("twice", false),
            "CREATE OR REPLACE FUNCTION twice(x int) RETURNS int DETERMINISTIC RETURN x * 3",
        ),
    ];
    for (need, lossy) in cases {
        let case = Case {
            setup: SHOP,
            lossy: &[lossy],
            ..Case::default()
        };
        case.round_trip(MY, need).await;
    }
}

#[tokio::test]
async fn a_mariadb_sequence_comes_back() {
    let case = Case {
        setup: &["CREATE SEQUENCE counter START WITH 5 INCREMENT BY 2 MAXVALUE 100 CYCLE"],
        lossy: &["DROP SEQUENCE counter"],
        ..Case::default()
    };
    case.round_trip(
        MY,
        Need::Sequence {
            sequence: name("counter"),
        },
    )
    .await;
}

#[tokio::test]
async fn a_rebuilt_table_comes_back_with_its_rows() {
    let case = Case {
        setup: &[
            "CREATE TABLE t (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, a varchar(10) NOT NULL, b int, KEY t_a (a))",
            "CREATE TRIGGER t_touch BEFORE INSERT ON t FOR EACH ROW SET NEW.b = 1",
            "INSERT INTO t (a, b) VALUES ('x', 1), ('y', 2)",
        ],
        up: &[
            "CREATE TABLE new_t (id int NOT NULL PRIMARY KEY, a varchar(10))",
            "INSERT INTO new_t (id, a) SELECT id, a FROM t",
        ],
        lossy: &["DROP TABLE t", "ALTER TABLE new_t RENAME TO t"],
        down: &["ALTER TABLE t RENAME TO new_t"],
        same_rows: &["SELECT GROUP_CONCAT(CONCAT(id, ':', a) ORDER BY id) FROM t"],
        ..Case::default()
    };
    let need = Need::TableRebuild {
        table: name("t"),
        rows_from: name("new_t"),
        kept_columns: vec!["id".to_owned(), "a".to_owned()],
    };
    case.round_trip(MY, need).await;
}

#[tokio::test]
async fn what_mysql_lacks_is_refused_and_what_is_not_there_is_missing() {
    let setup: &[&str] = &["CREATE TABLE t (a int)"];
    let Some(refused) = outcome(MY, setup, Need::Type { name: name("t") }).await else {
        return;
    };
    assert!(matches!(refused, Err(NotRecreated::Unsupported(_))));
    let index = Need::Index {
        index: name("nothing"),
        table: None,
    };
    assert!(matches!(
        outcome(MY, setup, index).await,
        Some(Err(NotRecreated::Missing(_)))
    ));
    let view = Need::View {
        view: name("t"),
        materialized: false,
    };
    assert!(matches!(
        outcome(MY, setup, view).await,
        Some(Err(NotRecreated::Missing(_)))
    ));
    let elsewhere = Need::Table {
        table: rollback_core::sql::TableName {
            schema: Some("mysql".to_owned()),
            name: "user".to_owned(),
        },
    };
    assert!(matches!(
        outcome(MY, setup, elsewhere).await,
        Some(Err(NotRecreated::Unsupported(_)))
    ));
}

#[tokio::test]
async fn unnamed_constraints_are_found_and_dropped_foreign_keys_first() {
    let Some(mut db) = Db::open(MY).await else {
        return;
    };
    db.run(&[
        "CREATE TABLE p (id int PRIMARY KEY)",
        "CREATE TABLE `T` (a int, b int)",
    ])
    .await;
    let before = db.inspector.snapshot().await.expect("a snapshot");
    let unnamed = Unnamed::Constraint { table: name("T") };
    let old = names(&mut db.inspector, &unnamed).await.expect("names");
    db.execute("ALTER TABLE `T` ADD CHECK (a > 0), ADD UNIQUE (a, b), ADD FOREIGN KEY (b) REFERENCES p (id)")
        .await;
    let new = names(&mut db.inspector, &unnamed).await.expect("names");
    let mut drops = Vec::new();
    for created in new.difference(&old) {
        let drop = drop_unnamed(&mut db.inspector, &unnamed, &created.name)
            .await
            .expect("a drop");
        drops.push(drop);
    }
    assert_eq!(drops.len(), 4, "{drops:?}");
    drops.sort_by_key(|drop| !drop.contains("FOREIGN KEY"));
    for drop in &drops {
        db.execute(drop).await;
    }
    let after = db.inspector.snapshot().await.expect("a snapshot");
    db.close().await;
    assert!(crate::schema::differences(&before, &after).is_empty());
}

#[tokio::test]
async fn a_replaced_table_comment_comes_back() {
    let case = Case {
        setup: &["CREATE TABLE accounts (id INT PRIMARY KEY) COMMENT = 'it''s the accounts'"],
        lossy: &["ALTER TABLE accounts COMMENT = 'all accounts'"],
        ..Case::default()
    };
    let need = Need::TableComment {
        table: name("accounts"),
    };
    case.round_trip(MY, need).await;
}
