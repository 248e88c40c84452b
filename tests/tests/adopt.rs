//! An application that migrated with sqlx's migrator switches to
//! `embed_migrations!` and `Runner::adopt`: its first start adopts what
//! sqlx applied (under the lock, with the same refusals as `cargo rollback
//! adopt`) and applies what is new; later starts do nothing more. Real
//! SQLite files, sqlx's own migrator.

use std::path::{Path, PathBuf};

use rollback_runtime::error::Refusal;
use rollback_runtime::{AdoptFrom, Error, Migrator};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};

static MIGRATOR: Migrator = rollback_runtime::embed_migrations!("adopt_migrations");

fn folder() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("adopt_migrations")
}

async fn pool(file: &Path) -> SqlitePool {
    let options = SqliteConnectOptions::new()
        .filename(file)
        .create_if_missing(true);
    SqlitePool::connect_with(options).await.unwrap()
}

/// The application before the switch: sqlx's migrator applied the first
/// `count` migrations of the folder (the build it ran had those).
async fn migrated_by_sqlx(pool: &SqlitePool, count: usize) -> tempfile::TempDir {
    let older = tempfile::tempdir().unwrap();
    let mut files: Vec<_> = std::fs::read_dir(folder())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    for file in files.iter().take(count * 2) {
        std::fs::copy(file, older.path().join(file.file_name().unwrap())).unwrap();
    }
    sqlx::migrate::Migrator::new(older.path())
        .await
        .unwrap()
        .run(pool)
        .await
        .unwrap();
    older
}

async fn column(pool: &SqlitePool, sql: &'static str) -> Vec<String> {
    sqlx::query_scalar(sql).fetch_all(pool).await.unwrap()
}

async fn has_table(pool: &SqlitePool, table: &str) -> bool {
    let found: i64 = sqlx::query_scalar("SELECT count(*) FROM sqlite_master WHERE name = ?")
        .bind(table)
        .fetch_one(pool)
        .await
        .unwrap();
    found == 1
}

#[tokio::test]
async fn the_first_start_adopts_and_later_starts_do_nothing_more() {
    let dir = tempfile::tempdir().unwrap();
    let pool = pool(&dir.path().join("app.db")).await;
    let _older = migrated_by_sqlx(&pool, 2).await;
    let sqlx_rows = column(&pool, "SELECT CAST(version AS TEXT) FROM _sqlx_migrations").await;

    let steps = MIGRATOR
        .runner()
        .adopt(AdoptFrom::Sqlx)
        .run(&pool)
        .await
        .unwrap();
    // The two sqlx applied were adopted, not applied again; the new one ran.
    assert_eq!(steps.len(), 1);
    assert_eq!(steps[0].version, "20260103000000");
    assert_eq!(
        column(
            &pool,
            "SELECT version FROM _rollback_migrations ORDER BY version"
        )
        .await,
        ["20260101000000", "20260102000000", "20260103000000"]
    );
    assert_eq!(
        column(&pool, "SELECT operation FROM _rollback_log ORDER BY id").await,
        ["adopt", "apply"]
    );
    // The down of an adopted migration is the folder's.
    assert_eq!(
        column(
            &pool,
            "SELECT down_sql FROM _rollback_migrations WHERE version = '20260102000000'"
        )
        .await,
        ["DROP TABLE orders;\n"]
    );

    let again = MIGRATOR
        .runner()
        .adopt(AdoptFrom::Sqlx)
        .run(&pool)
        .await
        .unwrap();
    assert!(again.is_empty());
    assert_eq!(
        column(&pool, "SELECT operation FROM _rollback_log ORDER BY id").await,
        ["adopt", "apply"]
    );
    assert_eq!(
        column(&pool, "SELECT CAST(version AS TEXT) FROM _sqlx_migrations").await,
        sqlx_rows,
        "sqlx's table is left as it was"
    );
}

#[tokio::test]
async fn a_start_on_a_database_sqlx_left_failed_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let pool = pool(&dir.path().join("app.db")).await;
    let _older = migrated_by_sqlx(&pool, 2).await;
    sqlx::query("UPDATE _sqlx_migrations SET success = FALSE WHERE version = 20260102000000")
        .execute(&pool)
        .await
        .unwrap();

    let refused = MIGRATOR
        .runner()
        .adopt(AdoptFrom::Sqlx)
        .run(&pool)
        .await
        .unwrap_err();
    let Error::Refused(Refusal::Adoption { tool, problems, .. }) = &refused else {
        panic!("{refused}");
    };
    assert_eq!(tool, "sqlx");
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].starts_with("20260102000000 orders: sqlx recorded it as failed"));
    assert!(!has_table(&pool, "_rollback_migrations").await);
    let names = column(&pool, "SELECT name FROM pragma_table_info('customers')").await;
    assert_eq!(names, ["id", "email"], "the new migration did not run");
}

#[tokio::test]
async fn a_start_on_a_schema_changed_by_hand_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let pool = pool(&dir.path().join("app.db")).await;
    let _older = migrated_by_sqlx(&pool, 2).await;
    sqlx::query("DROP INDEX orders_customer")
        .execute(&pool)
        .await
        .unwrap();

    let refused = MIGRATOR
        .runner()
        .adopt(AdoptFrom::Sqlx)
        .run(&pool)
        .await
        .unwrap_err();
    let Error::Refused(Refusal::Adoption {
        problems, drift, ..
    }) = &refused
    else {
        panic!("{refused}");
    };
    assert!(drift);
    assert!(
        problems
            .iter()
            .any(|problem| problem.contains("index orders_customer: missing")),
        "{problems:?}"
    );
    assert!(!has_table(&pool, "_rollback_migrations").await);
}
