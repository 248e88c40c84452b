//! An application's view: migrations embedded with `embed_migrations!` and
//! applied at startup with `Migrator::run`, on real SQLite files.

use std::path::Path;

use rollback_runtime::error::Refusal;
use rollback_runtime::migration::LoadOptions;
use rollback_runtime::session::Session;
use rollback_runtime::state::MigrationState;
use rollback_runtime::{Error, Migrator, MissingPolicy};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};

static SHOP: Migrator = rollback_runtime::embed_migrations!("../examples/shop/migrations");

const SHOP_FOLDER: &str = "../examples/shop/migrations";

fn shop_folder() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(SHOP_FOLDER)
}

async fn pool(file: &Path) -> SqlitePool {
    let options = SqliteConnectOptions::new()
        .filename(file)
        .create_if_missing(true);
    SqlitePool::connect_with(options).await.unwrap()
}

async fn tables(pool: &SqlitePool) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')
         AND name NOT LIKE '_rollback_%' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

#[test]
fn embedded_migrations_equal_the_folder_read_at_run_time() {
    // The macro and the loader share one code path; the results must agree to the byte.
    let loaded = rollback_runtime::migration::load_shown_as(
        &shop_folder(),
        SHOP_FOLDER,
        &LoadOptions::default(),
    )
    .unwrap();
    assert_eq!(SHOP.migrations(), &loaded.migrations);
    assert_eq!(SHOP.migrations().migrations().len(), 5);
}

#[tokio::test]
async fn run_on_a_pool_applies_once_and_keeps_the_pool_clean() {
    let dir = tempfile::tempdir().unwrap();
    let pool = pool(&dir.path().join("shop.db")).await;
    let steps = SHOP
        .runner()
        .init_sql("PRAGMA foreign_keys = OFF")
        .run(&pool)
        .await
        .unwrap();
    assert_eq!(steps.len(), 5);
    assert_eq!(
        tables(&pool).await,
        ["customer_totals", "customers", "orders"]
    );
    // The init SQL ran on the migration's own connection, not on the pool's.
    let foreign_keys: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(foreign_keys, 1);
    // The startup no-op.
    assert!(SHOP.run(&pool).await.unwrap().is_empty());
}

#[tokio::test]
async fn run_on_an_in_memory_pool() {
    let pool = SqlitePool::connect("sqlite::memory:").await.unwrap();
    SHOP.run(&pool).await.unwrap();
    assert_eq!(
        tables(&pool).await,
        ["customer_totals", "customers", "orders"]
    );
}

#[tokio::test]
async fn eight_app_instances_starting_at_once_apply_each_migration_once() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("shop.db").display());
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let url = url.clone();
            tokio::spawn(async move { SHOP.run(&url).await })
        })
        .collect();
    let mut applied = 0;
    for task in tasks {
        applied += task.await.unwrap().unwrap().len();
    }
    assert_eq!(applied, 5);
    let mut session = Session::connect(&url, &Default::default()).await.unwrap();
    let log = session.log(100).await.unwrap();
    assert_eq!(log.len(), 5);
    session.close().await;
}

/// A folder with the shop's first `count` migrations: an older build of the app.
fn older_build(count: usize) -> (tempfile::TempDir, Migrator) {
    let dir = tempfile::tempdir().unwrap();
    let mut entries: Vec<_> = std::fs::read_dir(shop_folder())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    entries.sort();
    for path in entries.into_iter().take(count * 2) {
        std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    let migrator = Migrator::from_folder(dir.path(), &LoadOptions::default()).unwrap();
    (dir, migrator)
}

#[tokio::test]
async fn an_older_binary_refuses_a_newer_database_unless_told_to_revert() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("shop.db").display());
    SHOP.run(&url).await.unwrap();

    let (_folder, older) = older_build(3);
    match older.run(&url).await {
        Err(Error::Refused(Refusal::Missing { migrations })) => assert_eq!(
            migrations,
            [
                "20260112093400 track_order_updates",
                "20260112093300 create_customer_totals_view"
            ]
        ),
        other => panic!("expected a refusal, got {other:?}"),
    }
    // The downgrade policy reverts them from the down scripts stored at apply time.
    let steps = older
        .runner()
        .on_missing(MissingPolicy::Revert)
        .run(&url)
        .await
        .unwrap();
    let reverted: Vec<&str> = steps.iter().map(|step| step.version.as_str()).collect();
    assert_eq!(reverted, ["20260112093400", "20260112093300"]);
    let mut session = Session::connect(&url, &Default::default()).await.unwrap();
    let status = session.status(older.migrations()).await.unwrap();
    assert!(
        status
            .iter()
            .all(|line| line.state == MigrationState::Applied),
        "{status:?}"
    );
    assert_eq!(status.len(), 3);
    session.close().await;
}
