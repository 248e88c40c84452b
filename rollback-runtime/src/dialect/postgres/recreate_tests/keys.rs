//! PostgreSQL round trips of what belongs to a table: indexes,
//! constraints, policies, triggers, row level security, and unnamed
//! constraints and indexes found and dropped.

use rollback_core::sql::{Need, Unnamed};

use super::{PG, SHOP};
use crate::dialect::reconstruct::tests::{Case, Db, drop_unnamed, name, names};

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
