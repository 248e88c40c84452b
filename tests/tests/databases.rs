//! An application's startup on each database: embedded migrations applied
//! with `Migrator::run`, from a URL and from the application's own pool, by
//! one instance and by eight at once.

use std::path::Path;

use rollback_runtime::Migrator;
use rollback_runtime::records::Operation;
use rollback_runtime::session::Session;
use rollback_tests::{Db, ScratchDatabase};
use rstest::rstest;

/// Four migrations in SQL that SQLite, PostgreSQL and MySQL all accept.
static PORTABLE: Migrator = rollback_runtime::embed_migrations!("migrations/portable");

const VERSIONS: [&str; 4] = ["1", "2", "3", "4"];

/// The applied versions, as the tracking table has them.
async fn applied_versions(url: &str) -> Vec<String> {
    let mut session = Session::connect(url, &Default::default()).await.unwrap();
    let mut versions: Vec<String> = session
        .applied()
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.version)
        .collect();
    session.close().await;
    versions.sort();
    versions
}

fn scratch(db: Db, dir: &Path) -> Option<ScratchDatabase> {
    ScratchDatabase::create(db, dir)
}

#[rstest]
#[case::sqlite(Db::Sqlite)]
#[case::postgres(Db::Postgres)]
#[case::mysql(Db::MySql)]
#[tokio::test]
async fn run_applies_what_is_pending_once(#[case] db: Db) {
    let dir = tempfile::tempdir().unwrap();
    let Some(database) = scratch(db, dir.path()) else {
        return;
    };
    let url = database.url();
    let steps = PORTABLE.run(&url).await.unwrap();
    let versions: Vec<&str> = steps.iter().map(|step| step.version.as_str()).collect();
    assert_eq!(versions, VERSIONS);
    assert!(steps.iter().all(|step| step.operation == Operation::Apply));
    assert!(PORTABLE.run(&url).await.unwrap().is_empty());
    assert_eq!(applied_versions(&url).await, VERSIONS);
    assert_eq!(
        database.query("SELECT display_name FROM accounts WHERE id = 1"),
        ["Admin"]
    );
}

#[rstest]
#[case::sqlite(Db::Sqlite)]
#[case::postgres(Db::Postgres)]
#[case::mysql(Db::MySql)]
#[tokio::test]
async fn run_on_the_applications_pool(#[case] db: Db) {
    let dir = tempfile::tempdir().unwrap();
    let Some(database) = scratch(db, dir.path()) else {
        return;
    };
    let url = database.url();
    let steps = match db {
        Db::Sqlite => {
            let options: sqlx::sqlite::SqliteConnectOptions = url.parse().unwrap();
            let pool = sqlx::SqlitePool::connect_with(options.create_if_missing(true))
                .await
                .unwrap();
            let steps = PORTABLE.run(&pool).await.unwrap();
            pool.close().await;
            steps
        }
        Db::Postgres => {
            let pool = sqlx::PgPool::connect(&url).await.unwrap();
            let steps = PORTABLE.run(&pool).await.unwrap();
            pool.close().await;
            steps
        }
        Db::MySql => {
            let pool = sqlx::MySqlPool::connect(&url).await.unwrap();
            let steps = PORTABLE.run(&pool).await.unwrap();
            pool.close().await;
            steps
        }
    };
    assert_eq!(steps.len(), VERSIONS.len());
    assert_eq!(applied_versions(&url).await, VERSIONS);
}

#[rstest]
#[case::sqlite(Db::Sqlite)]
#[case::postgres(Db::Postgres)]
#[case::mysql(Db::MySql)]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_instances_starting_at_once_apply_each_migration_once(#[case] db: Db) {
    let dir = tempfile::tempdir().unwrap();
    let Some(database) = scratch(db, dir.path()) else {
        return;
    };
    let url = database.url();
    let instances: Vec<_> = (0..8)
        .map(|_| {
            let url = url.clone();
            tokio::spawn(async move { PORTABLE.run(&url).await })
        })
        .collect();
    let mut applied = 0;
    for instance in instances {
        applied += instance.await.unwrap().unwrap().len();
    }
    assert_eq!(applied, VERSIONS.len());
    assert_eq!(
        database.query(
            "SELECT version FROM _rollback_log WHERE operation = 'apply' AND outcome = 'success' ORDER BY version"
        ),
        VERSIONS
    );
    assert_eq!(database.query("SELECT COUNT(*) FROM accounts"), ["1"]);
}
