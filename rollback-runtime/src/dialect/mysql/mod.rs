//! MySQL and MariaDB: DDL commits at once, so each migration is recorded dirty before it runs; the run lock is `GET_LOCK`.

#[cfg(feature = "mysql")]
mod driver;
mod recreate;
#[cfg(all(test, feature = "mysql"))]
mod recreate_tests;
mod snapshot;
pub(crate) mod spelling;
#[cfg(feature = "mysql")]
mod statements;

use async_trait::async_trait;

use super::backend::Backend;
use super::driver::Driver;
use super::options::ConnectOptions;
use crate::error::Result;
use crate::url::DatabaseUrl;
pub(crate) use spelling::MySql;

#[async_trait]
impl Backend for MySql {
    async fn connect(
        &self,
        url: &DatabaseUrl,
        options: &ConnectOptions,
    ) -> Result<Box<dyn Driver>> {
        #[cfg(feature = "mysql")]
        return Ok(Box::new(driver::MySqlDriver::connect(url, options).await?));
        #[cfg(not(feature = "mysql"))]
        return {
            let _ = options;
            Err(super::backend::missing_feature(url, "mysql"))
        };
    }
}

/// Opens the dedicated connection of a run on an application's pool: the
/// pool's options on a connection of its own, so that the lock and any init
/// SQL stay off the pool.
#[cfg(feature = "mysql")]
pub(crate) async fn open_pool(
    pool: &sqlx::MySqlPool,
    options: &ConnectOptions,
) -> Result<(Box<dyn Driver>, DatabaseUrl)> {
    let pool_options = (*pool.connect_options()).clone();
    let url = DatabaseUrl::of_server(
        "mysql",
        pool_options.get_host(),
        pool_options.get_database(),
    )?;
    let driver = driver::MySqlDriver::open(pool_options, &url, options).await?;
    Ok((Box::new(driver), url))
}
