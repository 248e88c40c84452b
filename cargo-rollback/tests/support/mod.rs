//! A scratch project for each test: a temporary folder with a migrations
//! folder and a SQLite file, and the real `cargo-rollback` binary run in it.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sqlx::{Connection, Row, SqliteConnection};
use tempfile::TempDir;

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_cargo-rollback");

pub struct Project {
    dir: TempDir,
}

/// What a run of the binary did.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(output: Output) -> Run {
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Asserts the exit code, showing the output when it differs.
    #[track_caller]
    pub fn code(&self, expected: i32) -> &Run {
        assert_eq!(
            self.code, expected,
            "unexpected exit code\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn success(&self) -> &Run {
        self.code(0)
    }

    /// Asserts that stderr is exactly one `error:` line containing every `part`,
    /// with no panic or backtrace.
    #[track_caller]
    pub fn one_line_error(&self, parts: &[&str]) -> &Run {
        let lines: Vec<&str> = self.stderr.lines().collect();
        assert_eq!(
            lines.len(),
            1,
            "expected one error line, got:\n{}",
            self.stderr
        );
        assert!(lines[0].starts_with("error: "), "{}", self.stderr);
        for part in parts {
            assert!(
                lines[0].contains(part),
                "error line lacks `{part}`: {}",
                lines[0]
            );
        }
        assert!(!self.stderr.contains("panicked"), "{}", self.stderr);
        self
    }

    /// The (version, state) pairs of a successful `status --format json`.
    #[track_caller]
    pub fn states(&self) -> Vec<(String, String)> {
        self.success();
        self.json()
            .as_array()
            .expect("status is an array")
            .iter()
            .map(|line| {
                (
                    line["version"].as_str().unwrap().to_owned(),
                    line["state"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|error| panic!("{error}: {}", self.stdout))
    }
}

impl Project {
    pub fn new() -> Project {
        let project = Project {
            dir: tempfile::tempdir().expect("temporary folder"),
        };
        fs::create_dir(project.migrations()).expect("migrations folder");
        project
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn migrations(&self) -> PathBuf {
        self.root().join("migrations")
    }

    pub fn db(&self) -> PathBuf {
        self.root().join("app.db")
    }

    pub fn url(&self) -> String {
        format!("sqlite:{}", self.db().display())
    }

    /// Writes a file under the project folder, creating folders as needed.
    pub fn write(&self, relative: &str, contents: impl AsRef<[u8]>) -> &Project {
        let path = self.root().join(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
        self
    }

    /// Writes a flat pair `migrations/V_name.up.sql` / `.down.sql`.
    pub fn migration(&self, stem: &str, up: &str, down: &str) -> &Project {
        self.write(&format!("migrations/{stem}.up.sql"), up);
        self.write(&format!("migrations/{stem}.down.sql"), down)
    }

    /// Migrations `1_<table>`, `2_<table>`, … each creating one table.
    pub fn tables(&self, tables: &[&str]) -> &Project {
        for (index, table) in tables.iter().enumerate() {
            self.migration(
                &format!("{}_{table}", index + 1),
                &format!("CREATE TABLE {table} (id INTEGER PRIMARY KEY);"),
                &format!("DROP TABLE {table};"),
            );
        }
        self
    }

    /// Five migrations of a small shop: tables with a foreign key, an index, a view, a trigger.
    pub fn shop(&self) -> &Project {
        self.migration(
            "20260112093000_create_customers",
            "CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE);",
            "DROP TABLE customers;",
        )
        .migration(
            "20260112093100_create_orders",
            "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers (id), status TEXT NOT NULL DEFAULT 'new');",
            "DROP TABLE orders;",
        )
        .migration(
            "20260112093200_index_orders",
            "CREATE INDEX orders_customer ON orders (customer_id);",
            "DROP INDEX orders_customer;",
        )
        .migration(
            "20260112093300_order_counts_view",
            "CREATE VIEW order_counts AS SELECT customer_id, COUNT(*) AS n FROM orders GROUP BY customer_id;",
            "DROP VIEW order_counts;",
        )
        .migration(
            "20260112093400_track_updates",
            "ALTER TABLE orders ADD COLUMN updated_at TEXT;\nCREATE TRIGGER orders_touch AFTER UPDATE OF status ON orders\nBEGIN\n  UPDATE orders SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;\nEND;",
            "DROP TRIGGER orders_touch;\nALTER TABLE orders DROP COLUMN updated_at;",
        )
    }

    /// The binary, in the project folder, with `--source` and `--database-url` set.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = self.bare_command(args);
        command
            .arg("--source")
            .arg(self.migrations())
            .arg("--database-url")
            .arg(self.url());
        command
    }

    /// The binary in the project folder with exactly these arguments.
    pub fn bare_command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(BIN);
        command
            .current_dir(self.root())
            .args(args)
            .env_remove("DATABASE_URL")
            .env_remove("CARGO_TERM_COLOR")
            .env("NO_COLOR", "1");
        command
    }

    pub fn run(&self, args: &[&str]) -> Run {
        Run::from(self.command(args).output().expect("run cargo-rollback"))
    }

    pub fn run_bare(&self, args: &[&str]) -> Run {
        Run::from(
            self.bare_command(args)
                .output()
                .expect("run cargo-rollback"),
        )
    }

    /// `status --format json` as (version, state) pairs.
    pub fn states(&self) -> Vec<(String, String)> {
        self.run(&["status", "--format", "json"]).states()
    }

    /// Versions in a given state.
    pub fn in_state(&self, state: &str) -> Vec<String> {
        self.states()
            .into_iter()
            .filter(|(_, s)| s == state)
            .map(|(version, _)| version)
            .collect()
    }

    /// The database file's bytes (empty when it does not exist).
    pub fn db_bytes(&self) -> Vec<u8> {
        fs::read(self.db()).unwrap_or_default()
    }

    /// Runs a query on the database and returns the first column as text.
    pub fn query(&self, sql: &str) -> Vec<String> {
        let url = self.url();
        let sql = sql.to_owned();
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(async move {
                let mut conn = SqliteConnection::connect(&url).await.unwrap();
                let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                    .fetch_all(&mut conn)
                    .await
                    .unwrap();
                rows.iter()
                    .map(|row| {
                        row.try_get::<String, _>(0)
                            .or_else(|_| row.try_get::<i64, _>(0).map(|n| n.to_string()))
                            .unwrap_or_else(|_| "NULL".to_owned())
                    })
                    .collect()
            })
    }

    /// User tables, views, indexes and triggers, without the tool's own.
    pub fn schema(&self) -> Vec<String> {
        self.query(
            "SELECT type || ' ' || name FROM sqlite_master
             WHERE name NOT LIKE '_rollback_%' AND name NOT LIKE 'sqlite_%' ORDER BY type, name",
        )
    }
}
