//! A connection that reads schemas and rows as text, beside the engine's:
//! `verify` reads the scratch database's schema and plants and checks the
//! sentinel rows with it while the engine applies and reverts, and
//! `generate` reads the catalog definitions a down must put back. It is
//! opened like every other connection (by `dialect::inspect`), with the
//! project's init SQL, so that rows are inserted as the project's
//! connections would insert them.

use rollback_core::sql::Dialect;

use super::catalog::Rows;
use super::driver::Driver;
use super::spelling::Spelling;
use crate::error::{Error, Result};
use crate::schema::Snapshot;

/// A connection that reads schemas and rows as text.
pub(crate) struct Inspector {
    driver: Box<dyn Driver>,
    spelling: &'static dyn Spelling,
}

impl Inspector {
    /// An inspector on `driver`, whose database spells its SQL `spelling`.
    pub(crate) fn new(driver: Box<dyn Driver>, spelling: &'static dyn Spelling) -> Inspector {
        Inspector { driver, spelling }
    }

    pub(crate) fn dialect(&self) -> Dialect {
        self.spelling.dialect()
    }

    /// Rows of a statement run as text (planned each time).
    pub(crate) async fn rows(&mut self, sql: &str) -> Result<Rows, sqlx::Error> {
        self.driver.catalog().rows(sql).await
    }

    pub(crate) async fn execute(&mut self, sql: &str) -> Result<(), sqlx::Error> {
        self.driver.execute(sql).await
    }

    /// The schema as the catalog shows it now.
    pub(crate) async fn snapshot(&mut self) -> Result<Snapshot> {
        let queries = self.spelling.snapshot_queries();
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
            .driver
            .catalog()
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
        self.driver.close().await;
    }
}
