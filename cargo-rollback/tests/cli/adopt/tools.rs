//! The real tools, run on a test project's database: which one, where its
//! binary is, how it is given the database, and its table's rows.

use std::path::PathBuf;
use std::process::Command;
use std::sync::Once;

use crate::support::{Db, Project};

/// A tool a database may have been migrated with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Peer {
    Sqlx,
    Diesel,
    Dbmate,
    Refinery,
    /// Its table is written by the tests, as its drivers write it.
    GolangMigrate,
}

/// How a test's migrations are laid out.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Layout {
    /// `V_name.up.sql` and `.down.sql` (sqlx, golang-migrate).
    Flat,
    /// `V_name/up.sql` and `down.sql` (diesel).
    Directory,
    /// `V_name.sql` with `-- migrate:up` and `-- migrate:down` (dbmate).
    Single,
    /// refinery's `refinery/V1__name.sql`, and the same ups as `1_name.up.sql`
    /// with their downs in `migrations/`.
    Refinery,
}

/// The folder holding the tools' binaries, from `ROLLBACK_TEST_TOOLS`;
/// `None` after saying so when it is unset outside CI.
fn tools_dir() -> Option<PathBuf> {
    static SAID: Once = Once::new();
    match std::env::var_os("ROLLBACK_TEST_TOOLS") {
        Some(dir) => Some(PathBuf::from(dir)),
        None if std::env::var_os("CI").is_some() => panic!(
            "ROLLBACK_TEST_TOOLS is not set: CI must run the adoption tests with the real tools (bench/peers.sh installs them)"
        ),
        None => {
            SAID.call_once(|| {
                eprintln!(
                    "adoption tests with the real tools skipped: ROLLBACK_TEST_TOOLS is not set"
                );
            });
            None
        }
    }
}

impl Peer {
    /// The name `adopt --from` and its report use.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Peer::Sqlx => "sqlx",
            Peer::Diesel => "diesel",
            Peer::Dbmate => "dbmate",
            Peer::Refinery => "refinery",
            Peer::GolangMigrate => "golang-migrate",
        }
    }

    fn binary(self) -> &'static str {
        match self {
            Peer::Sqlx => "sqlx",
            Peer::Diesel => "diesel",
            Peer::Dbmate => "dbmate",
            Peer::Refinery => "refinery",
            Peer::GolangMigrate => unreachable!("golang-migrate's CLI is not run"),
        }
    }

    /// A project on `db` and the tool, when both are there.
    pub(crate) fn project(self, db: Db) -> Option<(Project, Peer)> {
        let dir = tools_dir()?;
        let binary = dir.join(self.binary());
        assert!(binary.is_file(), "{} is missing", binary.display());
        Some((Project::on(db)?, self))
    }

    /// The tool's command, in the project folder.
    fn command(self, project: &Project) -> Command {
        let binary = tools_dir().expect("tools").join(self.binary());
        let mut command = Command::new(binary);
        command
            .current_dir(project.root())
            .env_remove("DATABASE_URL");
        command
    }

    /// The database's URL as this tool reads one.
    pub(crate) fn url(self, project: &Project) -> String {
        let url = project.url();
        match (project.db_kind(), self) {
            (Db::Sqlite, Peer::Diesel) => project.db().display().to_string(),
            (Db::Sqlite, Peer::Refinery) => format!("sqlite://{}", project.db().display()),
            (Db::Sqlite, _) => format!("sqlite:{}", project.db().display()),
            (Db::Postgres, Peer::Dbmate) => format!("{url}?sslmode=disable"),
            _ => url,
        }
    }

    /// The tool's table, every row as one line of text.
    pub(crate) fn rows(self, project: &Project) -> Vec<String> {
        let sql = match self {
            Peer::Sqlx => {
                "SELECT CONCAT(version, ' ', description, ' ', installed_on, ' ', success, ' ', execution_time) FROM _sqlx_migrations ORDER BY version"
            }
            Peer::Diesel => {
                "SELECT CONCAT(version, ' ', run_on) FROM __diesel_schema_migrations ORDER BY version"
            }
            Peer::Dbmate => "SELECT version FROM schema_migrations ORDER BY version",
            Peer::Refinery => {
                "SELECT CONCAT(version, ' ', name, ' ', applied_on, ' ', checksum) FROM refinery_schema_history ORDER BY version"
            }
            Peer::GolangMigrate => {
                "SELECT CONCAT(version, ' ', dirty) FROM schema_migrations ORDER BY version"
            }
        };
        project.query(sql)
    }
}

/// Runs `peer` over the project's folder (refinery's own, for refinery).
pub(crate) fn migrate_with(project: &Project, peer: Peer) {
    let folder = match peer {
        Peer::Refinery => project.root().join("refinery"),
        _ => project.migrations(),
    };
    migrate_with_folder(project, peer, &folder);
}

/// Runs `peer` over `folder`, which must succeed.
pub(crate) fn migrate_with_folder(project: &Project, peer: Peer, folder: &std::path::Path) {
    let output = run_over(project, peer, folder);
    assert!(
        output.status.success(),
        "{} failed:\n{}\n{}",
        peer.name(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Runs `peer` over `folder`, as it ends.
pub(crate) fn run_over(
    project: &Project,
    peer: Peer,
    folder: &std::path::Path,
) -> std::process::Output {
    if project.db_kind() == Db::Sqlite {
        std::fs::File::create(project.db()).expect("the SQLite file");
    }
    let url = peer.url(project);
    let migrations = folder.display().to_string();
    let mut command = peer.command(project);
    match peer {
        Peer::Sqlx => command.args([
            "migrate",
            "run",
            "--source",
            &migrations,
            "--database-url",
            &url,
        ]),
        Peer::Diesel => command.args([
            "migration",
            "run",
            "--migration-dir",
            &migrations,
            "--database-url",
            &url,
        ]),
        Peer::Dbmate => command.args([
            "--url",
            &url,
            "--migrations-dir",
            &migrations,
            "--no-dump-schema",
            "migrate",
        ]),
        Peer::Refinery => command.env("REFINERY_TEST_URL", &url).args([
            "migrate",
            "-e",
            "REFINERY_TEST_URL",
            "-p",
            &migrations,
        ]),
        Peer::GolangMigrate => unreachable!("golang-migrate's CLI is not run"),
    };
    command.output().expect("run the tool")
}

/// What golang-migrate leaves after `migrate up N`: the first `applied` ups
/// run, and its table (as its sqlite3, postgres and mysql drivers create
/// it) holding the one row `version, dirty`.
pub(crate) fn golang_migrate(project: &Project, applied: usize, dirty: bool) {
    let db = project.db_kind();
    if db == Db::Sqlite {
        std::fs::File::create(project.db()).expect("the SQLite file");
    }
    for (_, _, up, _) in steps(db).into_iter().take(applied) {
        project.execute(&up);
    }
    match db {
        Db::Sqlite => project.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version uint64,dirty bool);
             CREATE UNIQUE INDEX IF NOT EXISTS version_unique ON schema_migrations (version);",
        ),
        _ => project.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version bigint not null primary key, dirty boolean not null)",
        ),
    }
    let (version, ..) = &steps(db)[applied - 1];
    let dirty = if dirty { "TRUE" } else { "FALSE" };
    project.execute(&format!(
        "INSERT INTO schema_migrations (version, dirty) VALUES ({}, {dirty})",
        version.trim_start_matches('0')
    ));
}

/// Four migrations, as (version, name, up, down), in the project's SQL.
pub(crate) fn steps(db: Db) -> Vec<(String, &'static str, String, String)> {
    let (email, drop_index) = match db {
        Db::MySql => ("VARCHAR(255)", "DROP INDEX orders_status ON orders;"),
        _ => ("TEXT", "DROP INDEX orders_status;"),
    };
    vec![
        (
            "0001".to_owned(),
            "create_customers",
            format!("CREATE TABLE customers (id INTEGER PRIMARY KEY, email {email} NOT NULL);\n"),
            "DROP TABLE customers;\n".to_owned(),
        ),
        (
            "0002".to_owned(),
            "create_orders",
            "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers (id), status INTEGER NOT NULL DEFAULT 0);\n".to_owned(),
            "DROP TABLE orders;\n".to_owned(),
        ),
        (
            "0003".to_owned(),
            "index_orders",
            "CREATE INDEX orders_status ON orders (status);\n".to_owned(),
            format!("{drop_index}\n"),
        ),
        (
            "0004".to_owned(),
            "order_counts",
            "CREATE VIEW order_counts AS SELECT customer_id, COUNT(*) AS n FROM orders GROUP BY customer_id;\n"
                .to_owned(),
            "DROP VIEW order_counts;\n".to_owned(),
        ),
    ]
}

/// Writes [`steps`] in `layout` (diesel and dbmate want timestamps).
pub(crate) fn write_steps(project: &Project, layout: Layout, db: Db) {
    for (version, name, up, down) in steps(db) {
        let stamp = format!("2026011209{version}");
        match layout {
            Layout::Flat => {
                project.migration(&format!("{version}_{name}"), &up, &down);
            }
            Layout::Directory => {
                project.write(&format!("migrations/{stamp}_{name}/up.sql"), &up);
                project.write(&format!("migrations/{stamp}_{name}/down.sql"), &down);
            }
            Layout::Single => {
                project.write(
                    &format!("migrations/{stamp}_{name}.sql"),
                    format!("-- migrate:up\n{up}\n-- migrate:down\n{down}"),
                );
            }
            Layout::Refinery => {
                let number = version.trim_start_matches('0');
                project.write(&format!("refinery/V{number}__{name}.sql"), &up);
                project.migration(&format!("{number}_{name}"), &up, &down);
            }
        }
    }
}
