//! Round trips of each need against real databases: the schema after the
//! lossy statement and the recreated SQL must be the schema before it.
//! SQLite runs on temporary files; PostgreSQL and MySQL on scratch
//! databases of the servers at `ROLLBACK_TEST_POSTGRES_URL` and
//! `ROLLBACK_TEST_MYSQL_URL`.

use rollback_core::sql::{Dialect, Need, TableName};

use std::collections::BTreeSet;

use rollback_core::sql::Unnamed;

use super::{Named, NotRecreated, Recreated};
use crate::dialect::quote::ident;
use crate::dialect::{ConnectOptions, Inspector, backend, inspect};
use crate::schema::differences;
use crate::test_util::TestDatabase;

/// What the database's [`Reconstruct`](super::Reconstruct) gives for `need`.
pub(crate) async fn recreate(
    inspector: &mut Inspector,
    need: &Need,
) -> Result<Recreated, NotRecreated> {
    backend(inspector.dialect()).recreate(inspector, need).await
}

/// The names the database's [`Reconstruct`](super::Reconstruct) reads.
pub(crate) async fn names(
    inspector: &mut Inspector,
    unnamed: &Unnamed,
) -> Result<BTreeSet<Named>, sqlx::Error> {
    backend(inspector.dialect()).names(inspector, unnamed).await
}

/// The drop the database's [`Reconstruct`](super::Reconstruct) writes.
#[cfg(any(feature = "postgres", feature = "mysql"))]
pub(crate) async fn drop_unnamed(
    inspector: &mut Inspector,
    unnamed: &Unnamed,
    name: &str,
) -> Result<String, NotRecreated> {
    backend(inspector.dialect())
        .drop_unnamed(inspector, unnamed, name)
        .await
}

/// A scratch database with a connection to it.
pub(crate) struct Db {
    pub(crate) scratch: TestDatabase,
    pub(crate) inspector: Inspector,
}

impl Db {
    pub(crate) async fn open(dialect: Dialect) -> Option<Db> {
        let scratch = TestDatabase::create(dialect).await?;
        let inspector = inspect(scratch.database_url(), &ConnectOptions::default())
            .await
            .expect("a connection to the scratch database");
        Some(Db { scratch, inspector })
    }

    pub(crate) async fn run(&mut self, statements: &[&str]) {
        for statement in statements {
            self.execute(statement).await;
        }
    }

    pub(crate) async fn execute(&mut self, statement: &str) {
        if let Err(error) = self.inspector.execute(statement).await {
            panic!("{statement}\n  failed: {error}");
        }
    }

    pub(crate) async fn texts(&mut self, sql: &str) -> Vec<Vec<Option<String>>> {
        self.inspector.rows(sql).await.expect("the query runs")
    }

    pub(crate) async fn close(self) {
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
pub(crate) struct Case<'a> {
    pub(crate) setup: &'a [&'a str],
    pub(crate) up: &'a [&'a str],
    pub(crate) lossy: &'a [&'a str],
    pub(crate) down: &'a [&'a str],
    pub(crate) after: &'a [&'a str],
    pub(crate) same_rows: &'a [&'a str],
}

impl Case<'_> {
    /// Runs the case; `None` when the dialect's server is not configured.
    pub(crate) async fn round_trip(&self, dialect: Dialect, need: Need) -> Option<Recreated> {
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
pub(crate) async fn outcome(
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
pub(crate) fn name(name: &str) -> TableName {
    TableName {
        schema: None,
        name: name.to_owned(),
    }
}

/// A plain `INSERT` into a table that was there before: its rows go by the
/// first unique key the insert gives every column of; without one, nothing
/// can tell them from the rows that were there.
#[tokio::test]
async fn rows_an_insert_adds_are_deleted_by_a_unique_key() {
    for dialect in [Dialect::Sqlite, Dialect::Postgres, Dialect::MySql] {
        let key = ident(dialect, "key");
        let setup = [
            "CREATE TABLE roles (id INTEGER PRIMARY KEY, name VARCHAR(20) NOT NULL UNIQUE)"
                .to_owned(),
            format!(
                "CREATE TABLE settings ({key} VARCHAR(20) NOT NULL, scope VARCHAR(20) NOT NULL, value TEXT, PRIMARY KEY ({key}, scope))"
            ),
            "INSERT INTO roles (id, name) VALUES (1, 'owner')".to_owned(),
            format!("INSERT INTO settings ({key}, scope, value) VALUES ('theme', 'user', 'light')"),
        ];
        let lossy = [
            "INSERT INTO roles (name, id) VALUES ('admin', 2), ('it''s', 3)".to_owned(),
            format!(
                "INSERT INTO settings ({key}, scope, value) VALUES ('theme', 'global', 'dark')"
            ),
        ];
        let setup: Vec<&str> = setup.iter().map(String::as_str).collect();
        let lossy: Vec<&str> = lossy.iter().map(String::as_str).collect();
        let Some(roles) = outcome(
            dialect,
            &setup,
            inserted(
                "roles",
                &["name", "id"],
                &[&["'admin'", "2"], &["'it''s'", "3"]],
            ),
        )
        .await
        else {
            continue;
        };
        let roles = roles.expect("the roles' key is given");
        assert_eq!(roles.statements.len(), 2, "{:?}", roles.statements);
        let down: Vec<&str> = roles.statements.iter().map(String::as_str).collect();
        let case = Case {
            setup: &setup,
            lossy: &lossy,
            down: &down,
            same_rows: &[
                "SELECT name FROM roles ORDER BY name",
                "SELECT scope FROM settings ORDER BY scope",
            ],
            ..Case::default()
        };
        let settings = inserted(
            "settings",
            &["key", "scope", "value"],
            &[&["'theme'", "'global'", "'dark'"]],
        );
        let recreated = case
            .round_trip(dialect, settings)
            .await
            .expect("the server was there a moment ago");
        assert_eq!(
            recreated.statements,
            [format!(
                "DELETE FROM {} WHERE {key} = 'theme' AND {} = 'global'",
                ident(dialect, "settings"),
                ident(dialect, "scope")
            )]
        );
        let keyless = outcome(
            dialect,
            &["CREATE TABLE logs (msg VARCHAR(20))"],
            inserted("logs", &["msg"], &[&["'seeded'"]]),
        )
        .await;
        assert!(
            matches!(keyless, Some(Err(NotRecreated::Unsupported(_)))),
            "{dialect:?}: {keyless:?}"
        );
    }
}

/// The need of an `INSERT INTO table (columns) VALUES rows`, values as written.
fn inserted(table: &str, columns: &[&str], rows: &[&[&str]]) -> Need {
    Need::InsertedRows {
        table: name(table),
        columns: columns.iter().map(|column| column.to_string()).collect(),
        rows: rows
            .iter()
            .map(|row| row.iter().map(|value| Some(value.to_string())).collect())
            .collect(),
    }
}
