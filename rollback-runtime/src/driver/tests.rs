//! The tracking tables of each backend against a real database.

use chrono::Utc;
use rollback_core::sql::Dialect;

use super::{ConnectOptions, connect};
use crate::records::AppliedMigration;
use crate::test_servers::server;
use crate::url::DatabaseUrl;
use crate::verify::scratch::Scratch;

/// The applied list that `up` reads comes back whole, well past MySQL's
/// default `group_concat_max_len` of 1,024 bytes: a list cut there would be
/// read row by row instead, correct but at the cost the list saves.
async fn a_long_applied_list_comes_back_whole(dialect: Dialect) {
    let Some(server) = server(dialect) else {
        return;
    };
    let scratch = Scratch::create(&DatabaseUrl::parse(&server).unwrap())
        .await
        .unwrap();
    let options = ConnectOptions {
        create_if_missing: true,
        ..ConnectOptions::default()
    };
    let mut driver = connect(scratch.url(), &options).await.unwrap();
    let tracking = driver.tracking();
    tracking.create().await.unwrap();
    for version in 1..=100 {
        let row = AppliedMigration {
            version: version.to_string(),
            name: format!("create table number {version} with a long name"),
            checksum_algorithm: "sha256".to_owned(),
            up_checksum: format!("{version:064x}"),
            down_checksum: String::new(),
            down_sql: String::new(),
            applied_at: Utc::now(),
            execution_ms: 0,
            dirty: version == 100,
            tool_version: String::new(),
        };
        tracking.save_applied(&row).await.unwrap();
    }
    let list = tracking.applied_list().await.unwrap().unwrap();
    assert!(list.lines.as_ref().unwrap().len() > 10_000);
    let mut rows = list.rows().expect("100 well-formed lines");
    rows.sort_by_key(|row| row.version.parse::<u32>().unwrap());
    assert_eq!(rows.len(), 100);
    assert_eq!(rows[6].version, "7");
    assert_eq!(rows[6].name, "create table number 7 with a long name");
    assert_eq!(rows[6].up_checksum, format!("{:064x}", 7));
    assert_eq!(
        rows.iter().map(|row| row.dirty).collect::<Vec<_>>(),
        [vec![false; 99], vec![true]].concat()
    );
    driver.close().await;
    scratch.remove().await.unwrap();
}

#[tokio::test]
async fn a_long_applied_list_comes_back_whole_on_sqlite() {
    a_long_applied_list_comes_back_whole(Dialect::Sqlite).await;
}

#[tokio::test]
async fn a_long_applied_list_comes_back_whole_on_postgres() {
    a_long_applied_list_comes_back_whole(Dialect::Postgres).await;
}

#[tokio::test]
async fn a_long_applied_list_comes_back_whole_on_mysql() {
    a_long_applied_list_comes_back_whole(Dialect::MySql).await;
}
