//! The verifier's own connection to the scratch database, beside the
//! engine's: it reads the schema and plants and checks the sentinel rows,
//! while the engine's connection applies and reverts. It runs the project's
//! init SQL too, so that rows are inserted as the project's connections
//! would insert them.

use async_trait::async_trait;
use rollback_core::sql::Dialect;
use sqlx::{
    AssertSqlSafe, ColumnIndex, Connection, Database, Decode, Executor, IntoArguments, Row, Type,
};

use crate::error::{Error, Result};
use crate::schema::{CatalogQueries, Snapshot};
use crate::url::DatabaseUrl;

/// Text rows of a query.
pub(crate) type Rows = Vec<Vec<Option<String>>>;

#[async_trait]
trait Link: Send {
    /// Rows of a statement run as text (planned each time).
    async fn rows(&mut self, sql: &str) -> Result<Rows, sqlx::Error>;
    /// Rows of a statement prepared once per connection: the catalog
    /// queries, run three times per migration, are planned only once.
    async fn prepared_rows(&mut self, sql: &'static str) -> Result<Rows, sqlx::Error>;
    async fn execute(&mut self, sql: &str) -> Result<(), sqlx::Error>;
    async fn close(self: Box<Self>);
}

#[cfg_attr(
    not(any(feature = "sqlite", feature = "postgres", feature = "mysql")),
    expect(dead_code, reason = "only the database backends open connections")
)]
struct Linked<DB: Database> {
    conn: DB::Connection,
}

#[async_trait]
impl<DB> Link for Linked<DB>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    usize: ColumnIndex<DB::Row>,
    for<'r> Option<String>: Decode<'r, DB>,
    String: Type<DB>,
    DB::Arguments: IntoArguments<DB>,
{
    async fn rows(&mut self, sql: &str) -> Result<Rows, sqlx::Error> {
        let rows = sqlx::raw_sql(AssertSqlSafe(sql.to_owned()))
            .fetch_all(&mut self.conn)
            .await?;
        text_rows(&rows)
    }

    async fn prepared_rows(&mut self, sql: &'static str) -> Result<Rows, sqlx::Error> {
        let rows = sqlx::query(sql).fetch_all(&mut self.conn).await?;
        text_rows(&rows)
    }

    async fn execute(&mut self, sql: &str) -> Result<(), sqlx::Error> {
        sqlx::raw_sql(AssertSqlSafe(sql.to_owned()))
            .execute(&mut self.conn)
            .await
            .map(drop)
    }

    async fn close(self: Box<Self>) {
        let _ = self.conn.close().await;
    }
}

#[cfg_attr(
    not(any(feature = "sqlite", feature = "postgres", feature = "mysql")),
    expect(dead_code, reason = "only the database backends open connections")
)]
fn text_rows<R: Row>(rows: &[R]) -> Result<Rows, sqlx::Error>
where
    usize: ColumnIndex<R>,
    for<'r> Option<String>: Decode<'r, R::Database>,
    String: Type<R::Database>,
{
    rows.iter()
        .map(|row| {
            (0..row.len())
                .map(|index| row.try_get::<Option<String>, _>(index))
                .collect()
        })
        .collect()
}

/// A connection that reads schemas and rows as text.
pub(crate) struct Inspector {
    link: Box<dyn Link>,
    dialect: Dialect,
}

impl Inspector {
    /// Connects to `url` and runs the session settings, then `init_sql`.
    pub(crate) async fn connect(url: &DatabaseUrl, init_sql: Option<&str>) -> Result<Inspector> {
        let connect_error = |source| Error::Connect {
            url: url.masked(),
            source,
        };
        let link = open(url).await.map_err(connect_error)?;
        let mut inspector = Inspector {
            link,
            dialect: url.dialect(),
        };
        if url.dialect() == Dialect::MySql {
            inspector
                .execute("SET SESSION group_concat_max_len = 16777216")
                .await
                .map_err(connect_error)?;
        }
        if let Some(init_sql) = init_sql {
            inspector
                .execute(init_sql)
                .await
                .map_err(|source| Error::InitSql {
                    url: url.masked(),
                    source,
                })?;
        }
        Ok(inspector)
    }

    pub(crate) fn dialect(&self) -> Dialect {
        self.dialect
    }

    pub(crate) async fn rows(&mut self, sql: &str) -> Result<Rows, sqlx::Error> {
        self.link.rows(sql).await
    }

    pub(crate) async fn execute(&mut self, sql: &str) -> Result<(), sqlx::Error> {
        self.link.execute(sql).await
    }

    /// The schema as the catalog shows it now.
    pub(crate) async fn snapshot(&mut self) -> Result<Snapshot> {
        let queries = queries(self.dialect);
        let reading = |source| Error::Database {
            action: "reading the scratch database's schema",
            source,
        };
        let mut objects = Vec::new();
        for sql in queries.objects {
            for row in self.rows(sql).await.map_err(&reading)? {
                let mut cells = row.into_iter();
                objects.push(std::array::from_fn(|_| cells.next().flatten()));
            }
        }
        let order = self
            .link
            .prepared_rows(queries.column_order)
            .await
            .map_err(&reading)?
            .into_iter()
            .map(|row| {
                let mut cells = row.into_iter().map(Option::unwrap_or_default);
                (
                    cells.next().unwrap_or_default(),
                    cells.next().unwrap_or_default(),
                )
            });
        let mut snapshot = Snapshot::from_rows(objects, order);
        if let Some(finish) = queries.finish {
            finish(&mut snapshot);
        }
        Ok(snapshot)
    }

    pub(crate) async fn close(self) {
        self.link.close().await;
    }
}

fn queries(dialect: Dialect) -> &'static CatalogQueries {
    static NONE: CatalogQueries = CatalogQueries {
        objects: &[],
        column_order: "",
        finish: None,
    };
    match dialect {
        #[cfg(feature = "sqlite")]
        Dialect::Sqlite => &crate::schema::sqlite::QUERIES,
        #[cfg(feature = "postgres")]
        Dialect::Postgres => &crate::schema::postgres::QUERIES,
        #[cfg(feature = "mysql")]
        Dialect::MySql => &crate::schema::mysql::QUERIES,
        #[allow(
            unreachable_patterns,
            reason = "reachable when a database feature is off"
        )]
        _ => &NONE,
    }
}

async fn open(url: &DatabaseUrl) -> Result<Box<dyn Link>, sqlx::Error> {
    match url.dialect() {
        #[cfg(feature = "sqlite")]
        Dialect::Sqlite => {
            use std::str::FromStr;
            let options =
                sqlx::sqlite::SqliteConnectOptions::from_str(url.expose())?.create_if_missing(true);
            Ok(Box::new(Linked::<sqlx::Sqlite> {
                conn: sqlx::SqliteConnection::connect_with(&options).await?,
            }))
        }
        #[cfg(feature = "postgres")]
        Dialect::Postgres => Ok(Box::new(Linked::<sqlx::Postgres> {
            conn: sqlx::PgConnection::connect(url.expose()).await?,
        })),
        #[cfg(feature = "mysql")]
        Dialect::MySql => Ok(Box::new(Linked::<sqlx::MySql> {
            conn: sqlx::MySqlConnection::connect(url.expose()).await?,
        })),
        #[allow(
            unreachable_patterns,
            reason = "reachable when a database feature is off"
        )]
        dialect => Err(sqlx::Error::Configuration(
            format!(
                "this build of rollback-runtime has no {} support",
                dialect.as_str()
            )
            .into(),
        )),
    }
}
