//! The tracking tables and catalog lookups of each backend against a real
//! database.

use chrono::Utc;
use rollback_core::sql::{Dialect, TableName};

use super::{ConnectOptions, Driver, Presence, connect};
use crate::records::{AppliedMigration, LogEntry, Operation, StepRecord, TrackingChange};
use crate::test_util::TestDatabase;

/// A connection to a new test database on `dialect`; none when that server
/// is not configured.
async fn scratch_driver(dialect: Dialect) -> Option<(TestDatabase, Box<dyn Driver>)> {
    let scratch = TestDatabase::create(dialect).await?;
    let options = ConnectOptions::new().create_if_missing(true);
    let driver = connect(scratch.database_url(), &options).await.unwrap();
    Some((scratch, driver))
}

/// A tracking row of `version`, its name `name` with `{version}` filled in.
fn applied_row(version: u32, name: &str) -> AppliedMigration {
    AppliedMigration {
        version: version.to_string(),
        name: name.replace("{version}", &version.to_string()),
        checksum_algorithm: "sha256".to_owned(),
        up_checksum: format!("{version:064x}"),
        down_checksum: String::new(),
        down_sql: String::new(),
        applied_at: Utc::now(),
        execution_ms: 0,
        dirty: false,
        tool_version: String::new(),
    }
}

/// The applied list that `up` reads comes back whole, well past MySQL's
/// default `group_concat_max_len` of 1,024 bytes: a list cut there would be
/// read row by row instead, correct but at the cost the list saves.
#[rstest::rstest]
#[case::sqlite(Dialect::Sqlite)]
#[case::postgres(Dialect::Postgres)]
#[case::mysql(Dialect::MySql)]
#[tokio::test]
async fn a_long_applied_list_comes_back_whole(#[case] dialect: Dialect) {
    let Some((scratch, mut driver)) = scratch_driver(dialect).await else {
        return;
    };
    let tracking = driver.tracking();
    tracking.create().await.unwrap();
    for version in 1..=100 {
        let mut row = applied_row(version, "create table number {version} with a long name");
        row.dirty = version == 100;
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

/// The catalog's lookup before a backup: a missing table, one the catalog
/// shows empty (PostgreSQL: a plain table without a page), and one it cannot
/// answer for, which the backup then reads. A table that once held rows, and
/// a partitioned table whose rows live in its partitions, are never taken
/// for empty.
#[rstest::rstest]
#[case::sqlite(Dialect::Sqlite)]
#[case::postgres(Dialect::Postgres)]
#[case::mysql(Dialect::MySql)]
#[tokio::test]
async fn the_catalog_tells_what_it_can_of_a_tables_rows(#[case] dialect: Dialect) {
    let Some((scratch, mut driver)) = scratch_driver(dialect).await else {
        return;
    };
    let mut setup = vec![
        "CREATE TABLE fresh (id INT)",
        "CREATE TABLE emptied (id INT)",
        "INSERT INTO emptied VALUES (1)",
        "DELETE FROM emptied",
        "CREATE TABLE filled (id INT)",
        "INSERT INTO filled VALUES (1)",
    ];
    if dialect == Dialect::Postgres {
        setup.extend([
            "CREATE TABLE parts (id INT) PARTITION BY RANGE (id)",
            "CREATE TABLE parts_low PARTITION OF parts FOR VALUES FROM (0) TO (10)",
            "INSERT INTO parts VALUES (1)",
        ]);
    }
    for statement in setup {
        driver.execute(statement).await.unwrap();
    }
    let presence = async |driver: &mut Box<dyn Driver>, name: &str| {
        driver
            .catalog()
            .presence(&TableName {
                schema: None,
                name: name.to_owned(),
            })
            .await
            .unwrap()
    };
    assert_eq!(presence(&mut driver, "missing").await, Presence::Missing);
    let fresh = if dialect == Dialect::Postgres {
        Presence::Empty
    } else {
        Presence::Unknown
    };
    assert_eq!(presence(&mut driver, "fresh").await, fresh);
    assert_eq!(presence(&mut driver, "emptied").await, Presence::Unknown);
    assert_eq!(presence(&mut driver, "filled").await, Presence::Unknown);
    if dialect == Dialect::Postgres {
        assert_eq!(presence(&mut driver, "parts").await, Presence::Unknown);
    }
    driver.close().await;
    scratch.remove().await.unwrap();
}

/// A step opened for its script is a transaction from the script's first
/// statement, though PostgreSQL sends its `BEGIN` only with that statement:
/// a rolled-back step leaves no table, a failed statement leaves the
/// connection usable, and a step with an empty script still commits its
/// record, which another connection then reads.
#[rstest::rstest]
#[case::sqlite(Dialect::Sqlite)]
#[case::postgres(Dialect::Postgres)]
#[tokio::test]
async fn a_step_opened_for_its_script_is_one_transaction(#[case] dialect: Dialect) {
    let Some((scratch, mut driver)) = scratch_driver(dialect).await else {
        return;
    };
    driver.tracking().create().await.unwrap();
    let held = TableName {
        schema: None,
        name: "held".to_owned(),
    };

    driver.begin_script_step(false).await.unwrap();
    driver.execute("CREATE TABLE held (id INT)").await.unwrap();
    driver.execute("INSERT INTO held VALUES (1)").await.unwrap();
    driver.rollback_step(false).await.unwrap();
    let presence = driver.catalog().presence(&held).await.unwrap();
    assert_eq!(presence, Presence::Missing);

    driver.begin_script_step(false).await.unwrap();
    let failed = driver.execute("INSERT INTO nowhere VALUES (1)").await;
    assert!(failed.is_err(), "{failed:?}");
    driver.rollback_step(false).await.unwrap();
    driver.execute("CREATE TABLE held (id INT)").await.unwrap();
    let presence = driver.catalog().presence(&held).await.unwrap();
    assert_ne!(presence, Presence::Missing);

    driver.begin_script_step(false).await.unwrap();
    let row = applied_row(7, "an empty script");
    let entry = LogEntry::finished_now(
        Operation::Apply,
        &row.version,
        &row.name,
        Utc::now(),
        None,
        0,
    );
    let record = StepRecord {
        change: TrackingChange::Save(&row),
        entry: &entry,
    };
    driver.finish_step(false, &record).await.unwrap();
    let mut reader = connect(scratch.database_url(), &ConnectOptions::default())
        .await
        .unwrap();
    let list = reader.tracking().applied_list().await.unwrap().unwrap();
    let names: Vec<_> = list.rows().unwrap().iter().map(|row| row.name).collect();
    assert_eq!(names, ["an empty script"]);
    reader.close().await;
    driver.close().await;
    scratch.remove().await.unwrap();
}
