//! Databases for tests, and for nothing else: the runtime's own tests, the
//! CLI's end-to-end suite and the `tests/` crate all take theirs from here,
//! so how a test database is named, created, dropped or skipped is decided
//! in one place. Other crates reach it through the `test-util` feature, which
//! only test code enables (a dev-dependency, or a crate of test helpers such
//! as `rollback-tests`); an application never does.
//!
//! SQLite tests always run. PostgreSQL tests run on the server at
//! `ROLLBACK_TEST_POSTGRES_URL` and MySQL/MariaDB tests on the one at
//! `ROLLBACK_TEST_MYSQL_URL`: each a URL of an existing database whose user
//! may `CREATE DATABASE`. When one is unset, that server's tests are skipped
//! and the run says so on the terminal; in CI (`CI` set) they fail instead,
//! so that a missing server never passes for a green run.
//!
//! A test database is made by the code that makes `verify`'s scratch
//! databases (a uniquely named database created on the server, its name
//! quoted for the dialect), under a prefix of its own, [`TEST_PREFIX`], and
//! dropped when the value is: after a failed test too, since unwinding drops
//! it.

use std::io::Write;
use std::path::Path;
use std::sync::Mutex;

use rollback_core::sql::Dialect;

use crate::error::Result;
use crate::url::DatabaseUrl;
use crate::verify::scratch::Scratch;

/// Every test database's name begins with this (a SQLite one's file name
/// too): one left behind is told from a `verify` run's by it.
pub const TEST_PREFIX: &str = "rollback_test_";

/// The database of one test, dropped with the value.
pub struct TestDatabase {
    place: Place,
}

enum Place {
    /// Made for the test: a SQLite file in the temporary folder, or a
    /// database on a server.
    Made(Scratch),
    /// The SQLite file the test named: the code under test creates it, and
    /// the folder it is in is the test's to remove.
    SqliteFile(DatabaseUrl),
}

impl TestDatabase {
    /// A new, empty database for a test on `dialect`: a uniquely named SQLite
    /// file in the temporary folder, or a uniquely named database on the
    /// dialect's test server. `None` when that server's URL is unset outside
    /// CI, after saying on the terminal that its tests are skipped.
    ///
    /// # Panics
    ///
    /// In CI when the server's URL is unset, and when the database cannot be
    /// created: either is a failed test, not a skipped one.
    pub async fn create(dialect: Dialect) -> Option<TestDatabase> {
        let server = match dialect {
            // The scratch code puts a SQLite database in a file of its own,
            // whatever file the URL names.
            Dialect::Sqlite => "sqlite::memory:".to_owned(),
            Dialect::Postgres => server_url(dialect, "ROLLBACK_TEST_POSTGRES_URL")?,
            Dialect::MySql => server_url(dialect, "ROLLBACK_TEST_MYSQL_URL")?,
        };
        let server = DatabaseUrl::parse(&server).expect("the test server's URL parses");
        let scratch = Scratch::create_with_prefix(&server, TEST_PREFIX)
            .await
            .expect("a test database on the test server");
        Some(TestDatabase {
            place: Place::Made(scratch),
        })
    }

    /// [`TestDatabase::create`], except that on SQLite the database is
    /// `sqlite_file`, which is not created: the code under test is to create
    /// it (a test may check that it did not), in a folder the test removes.
    /// For tests of a project folder, where the file's name and place are
    /// part of what is tested.
    ///
    /// # Panics
    ///
    /// As [`TestDatabase::create`].
    pub async fn create_with_sqlite_file(
        dialect: Dialect,
        sqlite_file: &Path,
    ) -> Option<TestDatabase> {
        if dialect != Dialect::Sqlite {
            return TestDatabase::create(dialect).await;
        }
        let url = DatabaseUrl::parse(&format!("sqlite:{}", sqlite_file.display()))
            .expect("a SQLite file's URL parses");
        Some(TestDatabase {
            place: Place::SqliteFile(url),
        })
    }

    /// The database's dialect.
    pub fn dialect(&self) -> Dialect {
        self.database_url().dialect()
    }

    /// The database's URL, password included, to hand to the code under test.
    pub fn url(&self) -> &str {
        self.database_url().expose()
    }

    /// The database's URL, for the crate's own code.
    pub(crate) fn database_url(&self) -> &DatabaseUrl {
        match &self.place {
            Place::Made(scratch) => scratch.url(),
            Place::SqliteFile(url) => url,
        }
    }

    /// Drops the database now and says whether that worked, which dropping
    /// the value cannot (it drops the database too, but silently).
    pub async fn remove(self) -> Result<()> {
        match self.place {
            Place::Made(scratch) => scratch.remove().await,
            Place::SqliteFile(_) => Ok(()),
        }
    }
}

/// The URL in `variable`, where `dialect`'s test server is. Unset (or empty),
/// it is `None` after saying so on the terminal; in CI it is a panic, since
/// a CI run must not skip.
fn server_url(dialect: Dialect, variable: &str) -> Option<String> {
    match std::env::var(variable) {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var_os("CI").is_some() => {
            panic!(
                "{variable} is not set: CI must run every {} test",
                dialect.as_str()
            )
        }
        _ => {
            say_skipped(dialect, variable);
            None
        }
    }
}

/// Says once per server and process that its tests are skipped, on stderr
/// itself: the test harness captures `eprintln!` and would show the line
/// only for a test that fails.
fn say_skipped(dialect: Dialect, variable: &str) {
    static SAID: Mutex<Vec<Dialect>> = Mutex::new(Vec::new());
    let mut said = SAID.lock().unwrap_or_else(|poison| poison.into_inner());
    if !said.contains(&dialect) {
        said.push(dialect);
        let _ = writeln!(
            std::io::stderr(),
            "\n*** SKIPPING every {} test: {variable} is not set (see README, \"Tests\") ***\n",
            dialect.as_str()
        );
    }
}
