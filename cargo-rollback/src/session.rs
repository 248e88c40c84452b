//! The database session a command works in: opened from `--database-url` /
//! `DATABASE_URL` and the project's settings, and closed on every path out of
//! the command's work, whether it succeeded or failed.

use anyhow::Result;
use rollback_runtime::session::{ConnectOptions, Session};

use crate::cli::GlobalArgs;
use crate::output::Output;
use crate::project::{Project, database_url};

/// Opens a session, runs `work` in it and closes it, whatever `work`
/// returned: a command never has to remember to close its connection (and so
/// release a SQLite file or a server connection) on each of its branches.
/// `create_if_missing` lets `up` create a SQLite file that does not exist.
pub async fn with_session<T>(
    global: &GlobalArgs,
    project: &Project,
    create_if_missing: bool,
    output: Output,
    work: impl AsyncFnOnce(&mut Session) -> Result<T>,
) -> Result<T> {
    let url = database_url(global)?;
    with_session_at(&url, global, project, create_if_missing, output, work).await
}

/// [`with_session`] on the database at `url`: one target of a fleet.
pub async fn with_session_at<T>(
    url: &str,
    global: &GlobalArgs,
    project: &Project,
    create_if_missing: bool,
    output: Output,
    work: impl AsyncFnOnce(&mut Session) -> Result<T>,
) -> Result<T> {
    let mut session = open(url, global, project, create_if_missing, output).await?;
    let result = work(&mut session).await;
    session.close().await;
    result
}

/// Opens the database at `url`.
async fn open(
    url: &str,
    global: &GlobalArgs,
    project: &Project,
    create_if_missing: bool,
    output: Output,
) -> Result<Session> {
    let options = ConnectOptions::new()
        .create_if_missing(create_if_missing)
        .init_sql(project.init_sql.clone())
        .lock_timeout(global.lock_timeout)
        .statement_timeout(global.statement_timeout);
    let session = Session::connect(url, &options).await?;
    output.detail(&format!("database: {}", session.url()));
    Ok(session)
}
