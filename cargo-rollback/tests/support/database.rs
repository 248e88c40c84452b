//! The database under a test project: a SQLite file in the project folder, or
//! a uniquely named database created on the PostgreSQL or MariaDB server that
//! the environment names, dropped when the project is.
//!
//! `ROLLBACK_TEST_POSTGRES_URL` and `ROLLBACK_TEST_MYSQL_URL` are URLs of an
//! existing database on each server with the right to create others (README,
//! "Tests"). Outside CI, a missing one skips that server's tests and says so on
//! the terminal; in CI (`CI` set) it fails them, so nothing is skipped there.

use std::io::Write;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use sqlx::AnyConnection;
use sqlx::{AssertSqlSafe, Connection, Row};

/// The SQLite file's name in the project folder.
pub const SQLITE_FILE: &str = "app.db";

/// A kind of database the suite runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
    MySql,
}

impl Db {
    /// The variable holding the server's admin URL.
    pub fn env_var(self) -> Option<&'static str> {
        match self {
            Db::Sqlite => None,
            Db::Postgres => Some("ROLLBACK_TEST_POSTGRES_URL"),
            Db::MySql => Some("ROLLBACK_TEST_MYSQL_URL"),
        }
    }

    /// The server's admin URL; `None` when unset outside CI.
    pub fn admin_url(self) -> Option<String> {
        let var = self.env_var()?;
        match std::env::var(var) {
            Ok(url) if !url.is_empty() => Some(url),
            _ if std::env::var_os("CI").is_some() => {
                panic!("{var} is not set: CI must run every test against {self:?}")
            }
            _ => {
                say_skipped(self, var);
                None
            }
        }
    }
}

/// Says once per server, on the terminal (past the test harness's capture),
/// that its tests did not run.
fn say_skipped(db: Db, var: &str) {
    static SAID: Mutex<Vec<Db>> = Mutex::new(Vec::new());
    let mut said = SAID.lock().unwrap_or_else(|poison| poison.into_inner());
    if !said.contains(&db) {
        said.push(db);
        let _ = writeln!(
            std::io::stderr(),
            "\n*** SKIPPING every {db:?} test: {var} is not set (see README, \"Tests\") ***\n"
        );
    }
}

pub struct ScratchDatabase {
    kind: Db,
    url: String,
    /// Server databases: the admin URL and the name to drop.
    server: Option<(String, String)>,
}

impl ScratchDatabase {
    pub fn create(kind: Db, dir: &Path) -> Option<ScratchDatabase> {
        if kind == Db::Sqlite {
            return Some(ScratchDatabase {
                kind,
                url: format!("sqlite:{}", dir.join(SQLITE_FILE).display()),
                server: None,
            });
        }
        let admin = kind.admin_url()?;
        let name = unique_name();
        block_on(async {
            let mut conn = connect(&admin).await;
            execute(&mut conn, &format!("CREATE DATABASE {name}")).await;
            let _ = conn.close().await;
        });
        Some(ScratchDatabase {
            kind,
            url: with_database(&admin, &name),
            server: Some((admin, name)),
        })
    }

    pub fn kind(&self) -> Db {
        self.kind
    }

    pub fn url(&self) -> String {
        self.url.clone()
    }

    pub fn query(&self, sql: &str) -> Vec<String> {
        let url = self.url.clone();
        let sql = sql.to_owned();
        block_on(async move {
            let mut conn = connect(&url).await;
            let rows = sqlx::query(AssertSqlSafe(sql.clone()))
                .fetch_all(&mut conn)
                .await
                .unwrap_or_else(|error| panic!("{sql}: {error}"));
            let _ = conn.close().await;
            rows.iter()
                .map(|row| {
                    row.try_get::<String, _>(0)
                        .or_else(|_| row.try_get::<i64, _>(0).map(|n| n.to_string()))
                        .or_else(|_| row.try_get::<i32, _>(0).map(|n| n.to_string()))
                        .unwrap_or_else(|_| "NULL".to_owned())
                })
                .collect()
        })
    }

    pub fn has_table(&self, table: &str) -> bool {
        let sql = match self.kind {
            Db::Sqlite => format!("SELECT count(*) FROM sqlite_master WHERE name = '{table}'"),
            Db::Postgres => format!(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = '{table}'"
            ),
            Db::MySql => format!(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = '{table}'"
            ),
        };
        self.query(&sql) != ["0"]
    }

    pub fn schema(&self) -> Vec<String> {
        let sql = match self.kind {
            Db::Sqlite => {
                "SELECT type || ' ' || name FROM sqlite_master
                 WHERE name NOT LIKE '_rollback_%' AND name NOT LIKE 'sqlite_%'"
            }
            Db::Postgres => {
                "SELECT CASE WHEN c.relkind = 'v' THEN 'view ' WHEN c.relkind = 'm' THEN 'materialized view '
                             WHEN c.relkind = 'i' THEN 'index ' WHEN c.relkind = 'S' THEN 'sequence ' ELSE 'table ' END
                        || c.relname
                 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'v', 'm', 'i', 'S', 'p')
                   AND c.relname NOT LIKE '\\_rollback\\_%'
                   AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid)
                   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i') AND c.relkind = 'S')
                 UNION ALL
                 SELECT 'trigger ' || tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                 JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE NOT t.tgisinternal AND n.nspname = current_schema()
                 UNION ALL
                 SELECT 'function ' || p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                 WHERE n.nspname = current_schema()"
            }
            Db::MySql => {
                "SELECT CONCAT(IF(table_type = 'VIEW', 'view ', 'table '), table_name)
                 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name NOT LIKE '\\_rollback\\_%'
                 UNION ALL
                 SELECT DISTINCT CONCAT('index ', s.index_name) FROM information_schema.statistics s
                 WHERE s.table_schema = DATABASE() AND s.index_name <> 'PRIMARY'
                   AND s.table_name NOT LIKE '\\_rollback\\_%'
                   AND NOT EXISTS (SELECT 1 FROM information_schema.table_constraints k
                                   WHERE k.table_schema = s.table_schema AND k.table_name = s.table_name
                                     AND k.constraint_name = s.index_name AND k.constraint_type = 'UNIQUE')
                   AND NOT EXISTS (SELECT 1 FROM information_schema.key_column_usage k
                                   WHERE k.table_schema = s.table_schema AND k.table_name = s.table_name
                                     AND k.constraint_name = s.index_name AND k.referenced_table_name IS NOT NULL)
                 UNION ALL
                 SELECT CONCAT('trigger ', trigger_name) FROM information_schema.triggers WHERE trigger_schema = DATABASE()
                 UNION ALL
                 SELECT CONCAT('function ', routine_name) FROM information_schema.routines WHERE routine_schema = DATABASE()"
            }
        };
        let mut schema = self.query(sql);
        schema.sort();
        schema
    }
}

impl Drop for ScratchDatabase {
    fn drop(&mut self) {
        let Some((admin, name)) = self.server.take() else {
            return;
        };
        let drop = match self.kind {
            Db::Postgres => format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            _ => format!("DROP DATABASE IF EXISTS {name}"),
        };
        block_on(async move {
            let mut conn = connect(&admin).await;
            execute(&mut conn, &drop).await;
            let _ = conn.close().await;
        });
    }
}

/// `rollback_test_<pid>_<n>`: unique across the tests of a run and across
/// runs in parallel.
fn unique_name() -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.subsec_nanos())
        .unwrap_or_default();
    format!(
        "rollback_test_{}_{}_{nanos}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// `admin` with its database replaced by `name`, query string kept.
pub fn with_database(admin: &str, name: &str) -> String {
    let authority_start = admin.find("://").map_or(0, |at| at + 3);
    let (base, query) = match admin.find('?') {
        Some(at) => admin.split_at(at),
        None => (admin, ""),
    };
    let path_start = base[authority_start..]
        .find('/')
        .map_or(base.len(), |at| authority_start + at);
    format!("{}/{name}{query}", &base[..path_start])
}

async fn connect(url: &str) -> AnyConnection {
    sqlx::any::install_default_drivers();
    AnyConnection::connect(url)
        .await
        .unwrap_or_else(|error| panic!("connect to the test database: {error}"))
}

async fn execute(conn: &mut AnyConnection, sql: &str) {
    sqlx::raw_sql(AssertSqlSafe(sql.to_owned()))
        .execute(conn)
        .await
        .unwrap_or_else(|error| panic!("{sql}: {error}"));
}

fn block_on<T>(future: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}
