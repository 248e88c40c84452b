//! One database as generic code reaches it: how to connect to it, how it
//! spells its SQL ([`Spelling`]), how `generate` reads back what a statement
//! removes ([`Reconstruct`]), and how scratch databases are made on it.

use async_trait::async_trait;

use super::driver::Driver;
use super::options::ConnectOptions;
use super::quote;
use super::reconstruct::Reconstruct;
use super::spelling::Spelling;
use crate::error::Result;
use crate::url::DatabaseUrl;

/// A database the runtime supports; each folder of `dialect/` provides one.
#[async_trait]
pub(crate) trait Backend: Spelling + Reconstruct {
    /// The URL of a database file at `path`, where a database is a file
    /// (SQLite); `None` where databases live on a server.
    fn file_url(&self, _path: &std::path::Path) -> Option<String> {
        None
    }

    /// Opens the dedicated connection of a run (or of `verify`'s inspector).
    async fn connect(&self, url: &DatabaseUrl, options: &ConnectOptions)
    -> Result<Box<dyn Driver>>;

    /// Creates a scratch database named `name` on a server.
    fn create_database(&self, name: &str) -> String {
        format!("CREATE DATABASE {}", quote::ident(self.dialect(), name))
    }

    /// Drops a scratch database named `name`, if it exists.
    fn drop_database(&self, name: &str) -> String {
        format!(
            "DROP DATABASE IF EXISTS {}",
            quote::ident(self.dialect(), name)
        )
    }
}

/// The error of connecting without the database's sqlx driver compiled in.
#[cfg(not(all(feature = "sqlite", feature = "postgres", feature = "mysql")))]
pub(crate) fn missing_feature(url: &DatabaseUrl, feature: &str) -> crate::error::Error {
    crate::error::Error::InvalidUrl {
        url: url.masked(),
        reason: format!(
            "this build of rollback-runtime has no {} support: enable its `{feature}` feature",
            url.dialect().as_str()
        ),
    }
}
