//! `rollback_runtime::verify` as a user calls it in a test of their own: the
//! embedded migrations pass on every database, a wrong down is named, and the
//! database the URL names stays as it was.

use rollback_runtime::migration::LoadOptions;
use rollback_runtime::verify::{VerifyOptions, VerifyResult, verify_with};
use rollback_runtime::{Migrator, verify};
use rollback_tests::{Db, ScratchDatabase};
use rstest::rstest;

static PORTABLE: Migrator = rollback_runtime::embed_migrations!("migrations/portable");

#[rstest]
#[case::sqlite(Db::Sqlite)]
#[case::postgres(Db::Postgres)]
#[case::mysql(Db::MySql)]
#[tokio::test]
async fn embedded_migrations_pass(#[case] db: Db) {
    let dir = tempfile::tempdir().unwrap();
    let Some(database) = ScratchDatabase::create(db, dir.path()) else {
        return;
    };
    let url = database.url();
    let report = verify(&PORTABLE, &url).await.unwrap();
    assert!(report.passed(), "{report:#?}");
    assert_eq!(report.count(VerifyResult::Pass), 4);
    assert_eq!(report.migrations[0].version, "1");
    assert!(
        report
            .migrations
            .iter()
            .all(|checked| checked.diff.is_empty())
    );
    // Nothing was created in the database the URL names (no SQLite file at all).
    if db == Db::Sqlite {
        assert!(!dir.path().join(rollback_tests::SQLITE_FILE).exists());
    } else {
        assert!(!database.has_table("accounts"));
        assert!(!database.has_table("_rollback_migrations"));
    }
}

#[rstest]
#[case::sqlite(Db::Sqlite)]
#[case::postgres(Db::Postgres)]
#[case::mysql(Db::MySql)]
#[tokio::test]
async fn a_down_that_forgets_an_index_is_named(#[case] db: Db) {
    let dir = tempfile::tempdir().unwrap();
    let Some(database) = ScratchDatabase::create(db, dir.path()) else {
        return;
    };
    let folder = dir.path().join("migrations");
    std::fs::create_dir(&folder).unwrap();
    let write = |name: &str, sql: &str| std::fs::write(folder.join(name), sql).unwrap();
    write(
        "1_items.up.sql",
        "CREATE TABLE items (id INTEGER PRIMARY KEY, sku VARCHAR(20));",
    );
    write("1_items.down.sql", "DROP TABLE items;");
    write(
        "2_by_sku.up.sql",
        "CREATE INDEX items_by_sku ON items (sku);",
    );
    write("2_by_sku.down.sql", "SELECT 1;");
    let migrator = Migrator::from_folder(&folder, &LoadOptions::default()).unwrap();
    let mut seen = Vec::new();
    let report = verify_with(
        migrator.migrations(),
        &database.url(),
        &VerifyOptions::default(),
        &mut |checked| seen.push(checked.version.clone()),
    )
    .await
    .unwrap();
    assert_eq!(seen, ["1", "2"]);
    assert!(!report.passed());
    let failed: Vec<_> = report.failures().collect();
    assert_eq!(failed.len(), 1, "{report:#?}");
    assert_eq!(failed[0].version, "2");
    assert!(
        failed[0]
            .diff
            .iter()
            .any(|line| line.contains("items_by_sku: left behind after down")),
        "{report:#?}"
    );
}
