//! An application's way out of a dirty migration, from code:
//! `runner().resume(…)`, on each database.

use std::fs;

use rollback_runtime::migration::{LoadOptions, Version};
use rollback_runtime::records::{Direction, Operation};
use rollback_runtime::session::Session;
use rollback_runtime::state::{MigrationState, StoppedAt};
use rollback_runtime::{Error, ErrorKind, Migrator};
use rollback_tests::{Db, SQLITE_FILE, ScratchDatabase};
use rstest_reuse::{apply, template};

/// Runs a test on SQLite, PostgreSQL and MySQL/MariaDB.
#[template]
#[rstest::rstest]
#[case::sqlite(Db::Sqlite)]
#[case::postgres(Db::Postgres)]
#[case::mysql(Db::MySql)]
#[tokio::test]
async fn each_database(#[case] db: Db) {}

#[apply(each_database)]
async fn a_migration_stopped_part_way_is_resumed_from_code(#[case] db: Db) {
    let dir = tempfile::tempdir().unwrap();
    let Some(database) = ScratchDatabase::create(db, dir.path()) else {
        return;
    };
    let folder = dir.path().join("migrations");
    fs::create_dir(&folder).unwrap();
    fs::write(
        folder.join("1_pair.up.sql"),
        "-- rollback:no-transaction\nCREATE TABLE a (id INTEGER);\nCREATE TABLE b (id INTEGER);",
    )
    .unwrap();
    fs::write(
        folder.join("1_pair.down.sql"),
        "-- rollback:no-transaction\nDROP TABLE b;\nDROP TABLE a;",
    )
    .unwrap();
    let migrator = Migrator::from_folder(&folder, &LoadOptions::default()).unwrap();
    let url = database.url();
    if db == Db::Sqlite {
        fs::File::create(dir.path().join(SQLITE_FILE)).unwrap();
    }
    // A table in the way of the second statement.
    database.execute("CREATE TABLE b (id INTEGER)");
    let failed = migrator.run(&url).await.unwrap_err();
    assert!(matches!(failed, Error::Statement(_)), "{failed}");

    let mut session = Session::connect(&url, &Default::default()).await.unwrap();
    let status = session.status(migrator.migrations()).await.unwrap();
    session.close().await;
    assert_eq!(status[0].state, MigrationState::Dirty);
    assert_eq!(
        status[0].stopped_at,
        Some(StoppedAt {
            script: Direction::Up,
            statement: 2,
            statements: 2
        })
    );

    database.execute("DROP TABLE b");
    let version = Version::parse("1").unwrap();
    let steps = migrator
        .runner()
        .resume(&url, version.clone(), None)
        .await
        .unwrap();
    assert_eq!(steps.len(), 1);
    assert_eq!(steps[0].operation, Operation::Apply);
    assert_eq!(
        database.query("SELECT CONCAT(version, ' ', dirty) FROM _rollback_migrations"),
        [if db == Db::Postgres { "1 f" } else { "1 0" }]
    );
    assert!(database.has_table("a") && database.has_table("b"));

    let again = migrator
        .runner()
        .resume(&url, version, None)
        .await
        .unwrap_err();
    assert!(matches!(again, Error::NotDirty { .. }), "{again}");
    assert_eq!(again.kind(), ErrorKind::Input);
}
