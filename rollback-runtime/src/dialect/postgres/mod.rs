//! PostgreSQL: transactional DDL, schemas, advisory locks.

#[cfg(feature = "postgres")]
mod driver;
mod recreate;
#[cfg(all(test, feature = "postgres"))]
mod recreate_tests;
mod snapshot;
pub(crate) mod spelling;
#[cfg(feature = "postgres")]
mod statements;

use async_trait::async_trait;

use super::backend::Backend;
use super::driver::Driver;
use super::options::ConnectOptions;
use crate::error::Result;
use crate::url::DatabaseUrl;
pub(crate) use spelling::Postgres;

#[async_trait]
impl Backend for Postgres {
    /// Whatever is still connected (a cancelled run's connections) must not
    /// keep a scratch database alive.
    fn drop_database(&self, name: &str) -> String {
        format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            crate::dialect::quote::ident(rollback_core::sql::Dialect::Postgres, name)
        )
    }

    async fn connect(
        &self,
        url: &DatabaseUrl,
        options: &ConnectOptions,
    ) -> Result<Box<dyn Driver>> {
        #[cfg(feature = "postgres")]
        return Ok(Box::new(
            driver::PostgresDriver::connect(url, options).await?,
        ));
        #[cfg(not(feature = "postgres"))]
        return {
            let _ = options;
            Err(super::backend::missing_feature(url, "postgres"))
        };
    }
}

/// Opens the dedicated connection of a run on an application's pool: the
/// pool's options on a connection of its own, so that the lock and any init
/// SQL stay off the pool.
#[cfg(feature = "postgres")]
pub(crate) async fn open_pool(
    pool: &sqlx::PgPool,
    options: &ConnectOptions,
) -> Result<(Box<dyn Driver>, DatabaseUrl)> {
    let pool_options = (*pool.connect_options()).clone();
    let url = DatabaseUrl::of_server(
        "postgres",
        pool_options.get_host(),
        pool_options.get_database(),
    )?;
    let driver = driver::PostgresDriver::open(pool_options, &url, options).await?;
    Ok((Box::new(driver), url))
}
