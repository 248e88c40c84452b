//! Round trips of each need against real databases: the schema after the
//! lossy statement and the recreated SQL must be the schema before it.
//! SQLite runs on temporary files; PostgreSQL and MySQL on scratch
//! databases of the servers at `ROLLBACK_TEST_POSTGRES_URL` and
//! `ROLLBACK_TEST_MYSQL_URL`.

mod mysql;
mod postgres;
mod sqlite;

use rollback_core::sql::{Dialect, Need, TableName};

use super::{NotRecreated, Recreated, recreate};
use crate::schema::differences;
use crate::url::DatabaseUrl;
use crate::verify::inspector::Inspector;
use crate::verify::scratch::Scratch;

/// The URL of the server a dialect's tests run on. Without one they are
/// skipped, except under CI, which must not skip.
fn server(dialect: Dialect) -> Option<String> {
    let variable = match dialect {
        Dialect::Sqlite => return Some("sqlite::memory:".to_owned()),
        Dialect::Postgres => "ROLLBACK_TEST_POSTGRES_URL",
        Dialect::MySql => "ROLLBACK_TEST_MYSQL_URL",
    };
    match std::env::var(variable) {
        Ok(url) => Some(url),
        Err(_) if std::env::var_os("CI").is_some() => {
            panic!(
                "{variable} is not set: CI must not skip the {} tests",
                dialect.as_str()
            )
        }
        Err(_) => {
            eprintln!(
                "SKIPPING a {} test: {variable} is not set",
                dialect.as_str()
            );
            None
        }
    }
}

/// A scratch database with a connection to it.
struct Db {
    scratch: Scratch,
    inspector: Inspector,
}

impl Db {
    async fn open(dialect: Dialect) -> Option<Db> {
        let url = server(dialect)?;
        let url = DatabaseUrl::parse(&url).expect("the test URL parses");
        let scratch = Scratch::create(&url).await.expect("a scratch database");
        let inspector = Inspector::connect(scratch.url(), None)
            .await
            .expect("a connection to the scratch database");
        Some(Db { scratch, inspector })
    }

    async fn run(&mut self, statements: &[&str]) {
        for statement in statements {
            self.execute(statement).await;
        }
    }

    async fn execute(&mut self, statement: &str) {
        if let Err(error) = self.inspector.execute(statement).await {
            panic!("{statement}\n  failed: {error}");
        }
    }

    async fn texts(&mut self, sql: &str) -> Vec<Vec<Option<String>>> {
        self.inspector.rows(sql).await.expect("the query runs")
    }

    async fn close(self) {
        self.inspector.close().await;
        self.scratch
            .remove()
            .await
            .expect("the scratch database is removed");
    }
}

/// One round trip: after `setup`, the schema is read; `up` runs (what comes
/// before the lossy statement in the same migration); the need is read;
/// `lossy` runs; then `down` (what the down runs before the recreated
/// statements), the recreated statements, and `after` (what it runs after).
/// The schema must be as it was, and `same_rows` give the same rows.
#[derive(Default)]
struct Case<'a> {
    setup: &'a [&'a str],
    up: &'a [&'a str],
    lossy: &'a [&'a str],
    down: &'a [&'a str],
    after: &'a [&'a str],
    same_rows: &'a [&'a str],
}

impl Case<'_> {
    /// Runs the case; `None` when the dialect's server is not configured.
    async fn round_trip(&self, dialect: Dialect, need: Need) -> Option<Recreated> {
        let mut db = Db::open(dialect).await?;
        db.run(self.setup).await;
        let before = db.inspector.snapshot().await.expect("a snapshot");
        let mut rows = Vec::new();
        for query in self.same_rows {
            rows.push(db.texts(query).await);
        }
        db.run(self.up).await;
        let recreated = match recreate(&mut db.inspector, &need).await {
            Ok(recreated) => recreated,
            Err(error) => panic!("{need:?} is not recreated: {error}"),
        };
        db.run(self.lossy).await;
        db.run(self.down).await;
        for statement in &recreated.statements {
            db.execute(statement).await;
        }
        db.run(self.after).await;
        let after = db.inspector.snapshot().await.expect("a snapshot");
        for (query, expected) in self.same_rows.iter().zip(&rows) {
            assert_eq!(&db.texts(query).await, expected, "rows of {query}");
        }
        db.close().await;
        let found = differences(&before, &after);
        assert!(
            found.is_empty(),
            "{need:?}\nstatements:\n{}\ndifferences:\n{}",
            recreated.statements.join(";\n"),
            found
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        );
        Some(recreated)
    }
}

/// What `need` gives after `setup`, without running anything else.
async fn outcome(
    dialect: Dialect,
    setup: &[&str],
    need: Need,
) -> Option<Result<Recreated, NotRecreated>> {
    let mut db = Db::open(dialect).await?;
    db.run(setup).await;
    let outcome = recreate(&mut db.inspector, &need).await;
    db.close().await;
    Some(outcome)
}

/// A name without a schema.
fn name(name: &str) -> TableName {
    TableName {
        schema: None,
        name: name.to_owned(),
    }
}
