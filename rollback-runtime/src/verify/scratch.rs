//! The scratch database `verify` replays migrations into: a temporary SQLite
//! file, or a uniquely named database created on the server of the URL
//! (with the URL's credentials) and dropped afterwards. The URL's own
//! database is never written to: on a server it is only where the
//! `CREATE DATABASE` and `DROP DATABASE` are sent from.
//!
//! [`Scratch::remove`] drops it; if that never runs (an error, a panic, a
//! cancelled future after Ctrl-C) the value's `Drop` does the same on a
//! thread of its own, so no scratch database outlives the run.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::dialect;
use crate::error::Result;
use crate::url::DatabaseUrl;

/// Every scratch database's name begins with this.
pub const SCRATCH_PREFIX: &str = "rollback_verify_";

/// A scratch database, removed when dropped.
pub(crate) struct Scratch {
    url: DatabaseUrl,
    place: Place,
    removed: bool,
}

enum Place {
    File(PathBuf),
    Server { admin: DatabaseUrl, name: String },
}

impl Scratch {
    /// Creates an empty scratch database beside the one `url` names.
    pub(crate) async fn create(url: &DatabaseUrl) -> Result<Scratch> {
        Scratch::create_with_prefix(url, SCRATCH_PREFIX).await
    }

    /// [`Scratch::create`] with a name that begins with `prefix`: the test
    /// databases (`crate::test_util`) are made the same way, and are told
    /// from a `verify` run's by their name.
    pub(crate) async fn create_with_prefix(url: &DatabaseUrl, prefix: &str) -> Result<Scratch> {
        let name = unique_name(prefix);
        let path = std::env::temp_dir().join(format!("{name}.db"));
        let scratch = match dialect::backend(url.dialect()).file_url(&path) {
            Some(file_url) => Scratch {
                url: DatabaseUrl::parse(&file_url)?,
                place: Place::File(path),
                removed: false,
            },
            None => {
                let scratch = Scratch {
                    url: DatabaseUrl::parse(&with_database(url.expose(), &name))?,
                    place: Place::Server {
                        admin: url.clone(),
                        name,
                    },
                    removed: false,
                };
                scratch.create_on_server().await?;
                scratch
            }
        };
        Ok(scratch)
    }

    /// The scratch database's URL.
    pub(crate) fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// Empties it: drops it and creates it again, for a fresh start after a
    /// step left it in a state the replay cannot go on from.
    pub(crate) async fn recreate(&mut self) -> Result<()> {
        match &self.place {
            Place::File(path) => {
                remove_files(path);
                Ok(())
            }
            Place::Server { admin, name } => {
                server::drop_database(admin, name).await?;
                self.create_on_server().await
            }
        }
    }

    /// Drops it.
    pub(crate) async fn remove(mut self) -> Result<()> {
        self.removed = true;
        match &self.place {
            Place::File(path) => {
                remove_files(path);
                Ok(())
            }
            Place::Server { admin, name } => server::drop_database(admin, name).await,
        }
    }

    async fn create_on_server(&self) -> Result<()> {
        match &self.place {
            Place::File(_) => Ok(()),
            Place::Server { admin, name } => server::create_database(admin, name).await,
        }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if self.removed {
            return;
        }
        match &self.place {
            Place::File(path) => remove_files(path),
            Place::Server { admin, name } => {
                let (admin, name) = (admin.clone(), name.clone());
                // Drop may run inside an async runtime, which cannot be
                // blocked on: a thread with a runtime of its own can.
                let dropping = std::thread::spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build();
                    if let Ok(runtime) = runtime {
                        let _ = runtime.block_on(server::drop_database(&admin, &name));
                    }
                });
                let _ = dropping.join();
            }
        }
    }
}

/// `rollback_verify_<pid>_<millis>_<n>`: unique on the server across
/// processes and within one.
fn unique_name(prefix: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_millis());
    format!(
        "{prefix}{}_{millis}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// `url` with its database name replaced by `name`, query kept.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.find('?') {
        Some(at) => url.split_at(at),
        None => (url, ""),
    };
    let authority_start = base.find("://").map_or(0, |at| at + 3);
    let path_start = base[authority_start..]
        .find('/')
        .map_or(base.len(), |at| authority_start + at);
    format!("{}/{name}{query}", &base[..path_start])
}

fn remove_files(path: &std::path::Path) {
    let _ = std::fs::remove_file(path);
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut side = path.as_os_str().to_owned();
        side.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(side));
    }
}

/// Creating and dropping scratch databases on a server, each statement on a
/// connection of its own to the admin URL.
mod server {
    use crate::dialect::{self, ConnectOptions};
    use crate::error::{Error, Result};
    use crate::url::DatabaseUrl;

    pub(super) async fn create_database(admin: &DatabaseUrl, name: &str) -> Result<()> {
        let statement = dialect::backend(admin.dialect()).create_database(name);
        run(admin, &statement, "creating the scratch database").await
    }

    pub(super) async fn drop_database(admin: &DatabaseUrl, name: &str) -> Result<()> {
        let statement = dialect::backend(admin.dialect()).drop_database(name);
        run(admin, &statement, "dropping the scratch database").await
    }

    async fn run(admin: &DatabaseUrl, statement: &str, action: &'static str) -> Result<()> {
        let mut driver = dialect::connect(admin, &ConnectOptions::default()).await?;
        let done = driver.execute(statement).await;
        driver.close().await;
        done.map_err(Error::database(action))
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn the_database_name_is_replaced() {
        assert_eq!(
            with_database("postgres://u:p@h:5432/test?sslmode=disable", "x"),
            "postgres://u:p@h:5432/x?sslmode=disable"
        );
        assert_eq!(with_database("mysql://root@h", "x"), "mysql://root@h/x");
        assert_eq!(with_database("mysql://root@h/", "x"), "mysql://root@h/x");
    }
}
