//! An application's rollback from code: `MIGRATOR.runner().revert(…)` with
//! the selections, stops and backups of `cargo rollback`, on each database.

use rollback_runtime::error::Refusal;
use rollback_runtime::migration::Version;
use rollback_runtime::records::Operation;
use rollback_runtime::session::Session;
use rollback_runtime::state::Selection;
use rollback_runtime::{Error, ErrorKind, Migrator, Step};
use rollback_tests::{Db, ScratchDatabase};
use rstest_reuse::{apply, template};
use tempfile::TempDir;

/// Four migrations in SQL that SQLite, PostgreSQL and MySQL all accept.
static PORTABLE: Migrator = rollback_runtime::embed_migrations!("migrations/portable");

/// Three migrations, the middle one irreversible.
static IRREVERSIBLE: Migrator = rollback_runtime::embed_migrations!("migrations/irreversible");

fn version(text: &str) -> Version {
    Version::parse(text).unwrap()
}

fn versions(steps: &[Step]) -> Vec<&str> {
    steps.iter().map(|step| step.version.as_str()).collect()
}

/// Runs a test on SQLite, PostgreSQL and MySQL/MariaDB.
#[template]
#[rstest::rstest]
#[case::sqlite(Db::Sqlite)]
#[case::postgres(Db::Postgres)]
#[case::mysql(Db::MySql)]
#[tokio::test]
async fn each_database(#[case] db: Db) {}

/// The applied versions, as the tracking table has them (one digit each, so
/// text order is version order).
fn applied(database: &ScratchDatabase) -> Vec<String> {
    database.query("SELECT version FROM _rollback_migrations ORDER BY version")
}

/// A scratch database (and the folder of its SQLite file); `None` when the
/// server's URL is not set.
fn scratch(db: Db) -> Option<(TempDir, ScratchDatabase)> {
    let dir = tempfile::tempdir().unwrap();
    let database = ScratchDatabase::create(db, dir.path())?;
    Some((dir, database))
}

/// A scratch database with the portable migrations applied, and a second
/// account with a session (a row in the table the third one's down drops).
async fn portable_with_a_session(db: Db) -> Option<(TempDir, ScratchDatabase)> {
    let (dir, database) = scratch(db)?;
    PORTABLE.run(&database.url()).await.unwrap();
    database.execute("INSERT INTO accounts (id, email) VALUES (2, 'b@example.com')");
    database.execute("INSERT INTO sessions (id, account_id, token) VALUES (7, 2, 'abc')");
    Some((dir, database))
}

#[test]
fn the_embedded_migrations_iterate_oldest_first() {
    let names: Vec<&str> = PORTABLE.iter().map(|migration| migration.name()).collect();
    assert_eq!(
        names,
        [
            "create_accounts",
            "add_display_name",
            "create_sessions",
            "seed_admin"
        ]
    );
    assert_eq!((&PORTABLE).into_iter().count(), 4);
    assert!(PORTABLE.version_exists(&version("3")));
    assert!(!PORTABLE.version_exists(&version("5")));
}

#[apply(each_database)]
async fn last_n_reverts_the_newest_and_backs_up_what_their_downs_drop(#[case] db: Db) {
    let Some((_dir, database)) = portable_with_a_session(db).await else {
        return;
    };
    let url = database.url();
    let steps = PORTABLE
        .runner()
        .revert(&url, Selection::Last(2))
        .await
        .unwrap();
    assert_eq!(versions(&steps), ["4", "3"]);
    assert!(steps.iter().all(|step| step.operation == Operation::Revert));
    assert!(!database.has_table("sessions"));
    assert_eq!(database.query("SELECT id FROM accounts"), ["2"]);
    assert_eq!(applied(&database), ["1", "2"]);
    // The dropped table's row was copied first, and comes back with its
    // migration.
    let dropped = &steps[1];
    assert_eq!(dropped.rows_backed_up, 1);
    let mut session = Session::connect(&url, &Default::default()).await.unwrap();
    let backups = session.backups().await.unwrap();
    let backup = backups
        .iter()
        .find(|backup| Some(backup.id) == dropped.backup_id)
        .expect("the step's backup is listed");
    assert_eq!((backup.version.as_str(), backup.rows), ("3", 1));
    PORTABLE.run(&url).await.unwrap();
    let restored = session
        .restore(PORTABLE.migrations(), dropped.backup_id)
        .await
        .unwrap();
    session.close().await;
    assert_eq!(restored.rows, 1);
    assert_eq!(database.query("SELECT token FROM sessions"), ["abc"]);
}

#[apply(each_database)]
async fn to_a_version_reverts_everything_newer_and_keeps_it(#[case] db: Db) {
    let Some((_dir, database)) = portable_with_a_session(db).await else {
        return;
    };
    let url = database.url();
    let steps = PORTABLE
        .runner()
        .revert(&url, Selection::To(version("1")))
        .await
        .unwrap();
    assert_eq!(versions(&steps), ["4", "3", "2"]);
    assert_eq!(database.columns("accounts"), ["id", "email"]);
    assert_eq!(applied(&database), ["1"]);
    let all = PORTABLE
        .runner()
        .revert(&url, Selection::All)
        .await
        .unwrap();
    assert_eq!(versions(&all), ["1"]);
    assert!(!database.has_table("accounts"));
}

#[apply(each_database)]
async fn without_backups_nothing_is_copied(#[case] db: Db) {
    let Some((_dir, database)) = portable_with_a_session(db).await else {
        return;
    };
    let url = database.url();
    let steps = PORTABLE
        .runner()
        .backup(false)
        .revert(&url, Selection::Last(2))
        .await
        .unwrap();
    assert_eq!(versions(&steps), ["4", "3"]);
    assert!(
        steps
            .iter()
            .all(|step| step.rows_backed_up == 0 && step.backup_id.is_none())
    );
    assert!(!database.has_table("sessions"));
    let mut session = Session::connect(&url, &Default::default()).await.unwrap();
    assert_eq!(session.backups().await.unwrap(), []);
    session.close().await;
}

#[apply(each_database)]
async fn an_irreversible_migration_stops_the_rollback_before_it(#[case] db: Db) {
    let Some((_dir, database)) = scratch(db) else {
        return;
    };
    let url = database.url();
    IRREVERSIBLE.run(&url).await.unwrap();
    let error = IRREVERSIBLE
        .runner()
        .revert(&url, Selection::All)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Refused);
    match error {
        Error::Refused(Refusal::Irreversible { migration, reason }) => {
            assert_eq!(migration, "2 create_ledger");
            assert_eq!(reason, "the ledger is kept for the auditors");
        }
        other => panic!("expected the irreversible stop, got {other:?}"),
    }
    // The newer migration was reverted; the irreversible one and the older
    // one stand.
    assert!(!database.has_table("notes"));
    assert!(database.has_table("ledger"));
    assert!(database.has_table("kept"));
    assert_eq!(applied(&database), ["1", "2"]);
}

#[apply(each_database)]
async fn one_version_with_newer_ones_applied_is_refused_unless_out_of_order(#[case] db: Db) {
    let Some((_dir, database)) = portable_with_a_session(db).await else {
        return;
    };
    let url = database.url();
    let one = |out_of_order| Selection::One {
        version: version("2"),
        out_of_order,
    };
    let refused = PORTABLE.runner().revert(&url, one(false)).await;
    assert!(
        matches!(refused, Err(Error::Refused(Refusal::OutOfOrder { .. }))),
        "{refused:?}"
    );
    assert_eq!(applied(&database), ["1", "2", "3", "4"]);
    assert_eq!(
        database.columns("accounts"),
        ["id", "email", "display_name"]
    );
    let steps = PORTABLE.runner().revert(&url, one(true)).await.unwrap();
    assert_eq!(versions(&steps), ["2"]);
    assert_eq!(database.columns("accounts"), ["id", "email"]);
    assert_eq!(applied(&database), ["1", "3", "4"]);
}

/// Sets every backup's time back to 2020, as if taken then.
fn age_backups(database: &ScratchDatabase, db: Db) {
    let then = match db {
        Db::Sqlite => "'2020-01-01T00:00:00+00:00'",
        Db::Postgres => "TIMESTAMPTZ '2020-01-01 00:00:00+00'",
        Db::MySql => "'2020-01-01 00:00:00'",
    };
    database.execute(&format!("UPDATE _rollback_backups SET created_at = {then}"));
}

#[apply(each_database)]
async fn a_backup_retention_prunes_old_backups_after_the_revert(#[case] db: Db) {
    let Some((_dir, database)) = portable_with_a_session(db).await else {
        return;
    };
    let url = database.url();
    PORTABLE
        .runner()
        .revert(&url, Selection::Last(2))
        .await
        .unwrap();
    age_backups(&database, db);
    PORTABLE.run(&url).await.unwrap();
    database.execute("INSERT INTO sessions (id, account_id, token) VALUES (8, 2, 'def')");
    let steps = PORTABLE
        .runner()
        .backup_retention(std::time::Duration::from_secs(24 * 3600))
        .revert(&url, Selection::Last(2))
        .await
        .unwrap();
    let mut session = Session::connect(&url, &Default::default()).await.unwrap();
    let kept: Vec<i64> = session
        .backups()
        .await
        .unwrap()
        .iter()
        .map(|backup| backup.id)
        .collect();
    let mut taken: Vec<i64> = steps.iter().filter_map(|step| step.backup_id).collect();
    taken.sort_unstable();
    assert!(!taken.is_empty());
    assert_eq!(kept, taken, "only this revert's backups are left");
    assert!(
        session
            .log(50)
            .await
            .unwrap()
            .iter()
            .any(|entry| entry.operation == Operation::Prune && entry.version == "3")
    );
    // Keeping none prunes the rest, whatever their age.
    let rule = rollback_runtime::backup::PruneRule::new().keep(0);
    let pruned = session.prune_backups(&rule).await.unwrap();
    assert_eq!(pruned.len(), taken.len());
    assert!(session.backups().await.unwrap().is_empty());
    session.close().await;
}

#[apply(each_database)]
async fn a_backup_database_holds_the_copies_on_mysql_and_is_refused_elsewhere(#[case] db: Db) {
    let Some((_dir, database)) = portable_with_a_session(db).await else {
        return;
    };
    let url = database.url();
    let vault = match db {
        Db::MySql => format!("{}_vault", database.query("SELECT DATABASE()")[0]),
        _ => "vault".to_owned(),
    };
    let result = PORTABLE
        .runner()
        .backup_database(vault.clone())
        .revert(&url, Selection::Last(2))
        .await;
    match db {
        Db::MySql => {
            let copies = database.query(&format!(
                "SELECT CAST(COUNT(*) AS SIGNED) FROM information_schema.tables WHERE table_schema = '{vault}'"
            ));
            database.execute(&format!("DROP DATABASE IF EXISTS `{vault}`"));
            let steps = result.unwrap();
            assert_eq!(steps[1].rows_backed_up, 1);
            let taken = steps.iter().filter(|step| step.backup_id.is_some()).count();
            assert_eq!(copies, [taken.to_string()]);
        }
        _ => {
            let error = result.unwrap_err();
            assert!(matches!(error, Error::BackupDatabase { .. }), "{error}");
            assert_eq!(error.kind(), ErrorKind::Input);
            assert_eq!(applied(&database), ["1", "2", "3", "4"]);
        }
    }
}
