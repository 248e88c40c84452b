//! SQLite: the embedded default. A database is a file; DDL is
//! transactional; the run lock is the write lock of `BEGIN IMMEDIATE`.

#[cfg(feature = "sqlite")]
mod driver;
mod recreate;
#[cfg(all(test, feature = "sqlite"))]
mod recreate_tests;
mod snapshot;
pub(crate) mod spelling;
#[cfg(feature = "sqlite")]
mod statements;

use async_trait::async_trait;

use super::backend::Backend;
use super::driver::Driver;
use super::options::ConnectOptions;
use crate::error::Result;
use crate::url::DatabaseUrl;
pub(crate) use spelling::Sqlite;

#[async_trait]
impl Backend for Sqlite {
    fn file_url(&self, path: &std::path::Path) -> Option<String> {
        Some(format!("sqlite:{}", path.display()))
    }

    async fn connect(
        &self,
        url: &DatabaseUrl,
        options: &ConnectOptions,
    ) -> Result<Box<dyn Driver>> {
        #[cfg(feature = "sqlite")]
        return Ok(Box::new(driver::SqliteDriver::connect(url, options).await?));
        #[cfg(not(feature = "sqlite"))]
        return {
            let _ = options;
            Err(super::backend::missing_feature(url, "sqlite"))
        };
    }
}

/// Opens the dedicated connection of a run on an application's pool: the
/// pool's options on a connection of its own, so that the lock and any init
/// SQL stay off the pool.
#[cfg(feature = "sqlite")]
pub(crate) async fn open_pool(
    pool: &sqlx::SqlitePool,
    options: &ConnectOptions,
) -> Result<(Box<dyn Driver>, DatabaseUrl)> {
    let pool_options = (*pool.connect_options()).clone();
    let url = DatabaseUrl::parse(&format!("sqlite:{}", pool_options.get_filename().display()))?;
    let driver = driver::SqliteDriver::open(pool_options, &url, options).await?;
    Ok((Box::new(driver), url))
}
