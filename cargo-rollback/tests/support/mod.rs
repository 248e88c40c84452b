//! A scratch project for each test: a temporary folder with a migrations
//! folder, a database of its own (a SQLite file, or a freshly created
//! PostgreSQL or MariaDB database, dropped afterwards), and the real
//! `cargo-rollback` binary run in it.

pub mod crash;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use sqlx::{AnyConnection, AssertSqlSafe, Connection};
use tempfile::TempDir;

pub use rollback_tests::{Db, no_such_table};
use rollback_tests::{SQLITE_FILE, ScratchDatabase};

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_cargo-rollback");

/// A test project: a temporary folder with `migrations/`, and its database.
pub struct Project {
    /// Declared before `dir`: the database goes first.
    database: ScratchDatabase,
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

    /// Asserts exit code 0.
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

    /// Stdout parsed as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|error| panic!("{error}: {}", self.stdout))
    }
}

/// `word` in single quotes for `sh`.
fn shell_quoted(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

impl Project {
    /// A project on a SQLite file (for what only SQLite has: files, bytes).
    pub fn new() -> Project {
        Project::on(Db::Sqlite).expect("SQLite is always there")
    }

    /// A project on its own database of kind `db`; `None` (after saying so
    /// on the terminal) when that server's test URL is not set outside CI.
    pub fn on(db: Db) -> Option<Project> {
        let dir = tempfile::tempdir().expect("temporary folder");
        let database = ScratchDatabase::create(db, dir.path())?;
        let project = Project { database, dir };
        fs::create_dir(project.migrations()).expect("migrations folder");
        Some(project)
    }

    /// Which database this project runs on.
    pub fn db_kind(&self) -> Db {
        self.database.kind()
    }

    /// The project folder (the binary's working directory).
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// The migrations folder, `migrations/` of the project folder.
    pub fn migrations(&self) -> PathBuf {
        self.root().join("migrations")
    }

    /// The SQLite file (SQLite projects only).
    pub fn db(&self) -> PathBuf {
        assert_eq!(self.db_kind(), Db::Sqlite, "only SQLite has a file");
        self.root().join(SQLITE_FILE)
    }

    /// The database URL the binary is given.
    pub fn url(&self) -> String {
        self.database.url()
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

    /// Five migrations of a small shop: tables with a foreign key, an index,
    /// a view, a trigger; in the SQL of the project's database.
    pub fn shop(&self) -> &Project {
        let db = self.db_kind();
        let (email, status) = match db {
            Db::MySql => ("VARCHAR(255)", "VARCHAR(32)"),
            _ => ("TEXT", "TEXT"),
        };
        // MariaDB needs an index of its own for the foreign key, and takes
        // over one that starts with its column: this one does not.
        let (index_columns, drop_index) = match db {
            Db::MySql => (
                "(status, customer_id)",
                "DROP INDEX orders_customer ON orders;",
            ),
            _ => ("(customer_id)", "DROP INDEX orders_customer;"),
        };
        let (track_up, track_down) = match db {
            Db::Sqlite => (
                "ALTER TABLE orders ADD COLUMN updated_at TEXT;\nCREATE TRIGGER orders_touch AFTER UPDATE OF status ON orders\nBEGIN\n  UPDATE orders SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;\nEND;",
                "DROP TRIGGER orders_touch;\nALTER TABLE orders DROP COLUMN updated_at;",
            ),
            Db::Postgres => (
                "ALTER TABLE orders ADD COLUMN updated_at TIMESTAMPTZ;\nCREATE FUNCTION orders_touch() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  NEW.updated_at := now();\n  RETURN NEW;\nEND;\n$$;\nCREATE TRIGGER orders_touch BEFORE UPDATE OF status ON orders\n  FOR EACH ROW EXECUTE FUNCTION orders_touch();",
                "DROP TRIGGER orders_touch ON orders;\nDROP FUNCTION orders_touch();\nALTER TABLE orders DROP COLUMN updated_at;",
            ),
            Db::MySql => (
                "ALTER TABLE orders ADD COLUMN updated_at DATETIME;\nCREATE TRIGGER orders_touch BEFORE UPDATE ON orders\nFOR EACH ROW SET NEW.updated_at = CURRENT_TIMESTAMP;",
                "DROP TRIGGER orders_touch;\nALTER TABLE orders DROP COLUMN updated_at;",
            ),
        };
        self.migration(
            "20260112093000_create_customers",
            &format!("CREATE TABLE customers (id INTEGER PRIMARY KEY, email {email} NOT NULL UNIQUE);"),
            "DROP TABLE customers;",
        )
        .migration(
            "20260112093100_create_orders",
            &format!("CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers (id), status {status} NOT NULL DEFAULT 'new');"),
            "DROP TABLE orders;",
        )
        .migration(
            "20260112093200_index_orders",
            &format!("CREATE INDEX orders_customer ON orders {index_columns};"),
            drop_index,
        )
        .migration(
            "20260112093300_order_counts_view",
            "CREATE VIEW order_counts AS SELECT customer_id, COUNT(*) AS n FROM orders GROUP BY customer_id;",
            "DROP VIEW order_counts;",
        )
        .migration("20260112093400_track_updates", track_up, track_down)
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
        let mut command = self.in_project(BIN);
        command.args(args);
        command
    }

    /// `program` in the project folder, in a plain environment: no
    /// `DATABASE_URL` from outside, no colours.
    fn in_project(&self, program: &str) -> Command {
        let mut command = Command::new(program);
        command
            .current_dir(self.root())
            .env_remove("DATABASE_URL")
            .env_remove("CARGO_TERM_COLOR")
            .env("NO_COLOR", "1");
        command
    }

    /// Runs the binary as `run` does, but at a terminal: util-linux `script`
    /// gives it a pseudo-terminal, and `typed` is what a person types there.
    /// Everything the terminal showed (prompts, the typed text echoed,
    /// stdout and stderr together) comes back in `stdout`.
    pub fn run_at_terminal(&self, args: &[&str], typed: &str) -> Run {
        let migrations = self.migrations().display().to_string();
        let url = self.url();
        let words = [BIN]
            .iter()
            .chain(args)
            .chain(&["--source", &migrations, "--database-url", &url])
            .map(|word| shell_quoted(word))
            .collect::<Vec<_>>()
            .join(" ");
        let mut child = self
            .in_project("script")
            .args(["--quiet", "--return", "--command", &words, "/dev/null"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run util-linux `script`");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(typed.as_bytes())
            .unwrap();
        Run::from(child.wait_with_output().expect("wait for `script`"))
    }

    /// Runs the binary with `args` plus `--source` and `--database-url`.
    pub fn run(&self, args: &[&str]) -> Run {
        Run::from(self.command(args).output().expect("run cargo-rollback"))
    }

    /// Runs the binary with exactly `args`.
    pub fn run_bare(&self, args: &[&str]) -> Run {
        Run::from(
            self.bare_command(args)
                .output()
                .expect("run cargo-rollback"),
        )
    }

    /// A rollback (the default command, `args` its selection and options),
    /// confirmed with `--yes` as every rollback without a terminal must be.
    pub fn rollback(&self, args: &[&str]) -> Run {
        let mut confirmed = args.to_vec();
        confirmed.push("--yes");
        self.run(&confirmed)
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

    /// The database file's bytes (empty when it does not exist; SQLite only).
    pub fn db_bytes(&self) -> Vec<u8> {
        fs::read(self.db()).unwrap_or_default()
    }

    /// Everything a command could change, as text to compare before and
    /// after: the user schema, the tracking rows and the number of log rows
    /// (on SQLite, the file's bytes say it all).
    pub fn fingerprint(&self) -> Vec<String> {
        if self.db_kind() == Db::Sqlite {
            return vec![format!("{:?}", self.db_bytes())];
        }
        let mut lines = self.schema();
        if self.database.has_table("_rollback_migrations") {
            lines.extend(self.tracking_rows());
            lines.extend(self.query("SELECT CONCAT('log rows ', COUNT(*)) FROM _rollback_log"));
        }
        lines
    }

    /// The rows of `_rollback_migrations`, oldest version first, as
    /// `version name up_checksum down_checksum applied_at dirty` lines.
    pub fn tracking_rows(&self) -> Vec<String> {
        self.query(
            "SELECT CONCAT(version, ' ', name, ' ', up_checksum, ' ', down_checksum, ' ', applied_at, ' ', dirty)
             FROM _rollback_migrations ORDER BY version",
        )
    }

    /// Runs a query on the database and returns the first column as text
    /// (integers as digits, NULL as `NULL`).
    pub fn query(&self, sql: &str) -> Vec<String> {
        self.database.query(sql)
    }

    /// Runs statements on the database directly, as a person fixing it by
    /// hand would.
    pub fn execute(&self, sql: &str) {
        self.database.execute(sql);
    }

    /// The audit log, oldest first, as `operation version outcome` lines.
    pub fn log_lines(&self) -> Vec<String> {
        self.query(
            "SELECT CONCAT(operation, ' ', version, ' ', outcome) FROM _rollback_log ORDER BY id",
        )
    }

    /// Whether the database has this table.
    pub fn has_table(&self, table: &str) -> bool {
        self.database.has_table(table)
    }

    /// Whether the database has an index of this name.
    pub fn has_index(&self, index: &str) -> bool {
        self.database.has_index(index)
    }

    /// The columns of a table, in their order.
    pub fn columns(&self, table: &str) -> Vec<String> {
        self.database.columns(table)
    }

    /// User tables, views, indexes, triggers and functions as `kind name`,
    /// sorted, without the tool's own tables and without the indexes behind
    /// primary keys and unique constraints.
    pub fn schema(&self) -> Vec<String> {
        self.database.schema()
    }
}

/// A connection of the test's own that ran some SQL and keeps what it took
/// (a lock, an open transaction) until it is dropped, while the binary runs.
pub struct HeldConnection {
    runtime: tokio::runtime::Runtime,
    conn: Option<AnyConnection>,
    /// The first column of the first row the SQL returned, if an integer.
    pub first_value: Option<i64>,
}

impl HeldConnection {
    /// Connects to the project's database and runs `sql` there.
    pub fn open(project: &Project, sql: &str) -> HeldConnection {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let (conn, first_value) = runtime.block_on(async {
            sqlx::any::install_default_drivers();
            let mut conn = AnyConnection::connect(&project.url()).await.unwrap();
            let first_value: Option<i64> = sqlx::raw_sql(AssertSqlSafe(sql.to_owned()))
                .fetch_optional(&mut conn)
                .await
                .unwrap_or_else(|error| panic!("{sql}: {error}"))
                .and_then(|row| sqlx::Row::try_get(&row, 0).ok());
            (conn, first_value)
        });
        HeldConnection {
            runtime,
            conn: Some(conn),
            first_value,
        }
    }
}

impl Drop for HeldConnection {
    /// Closing the connection ends its transaction or session, and what it held.
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            let _ = self.runtime.block_on(conn.close());
        }
    }
}
