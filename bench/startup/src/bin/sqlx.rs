//! `sqlx DATABASE_URL`: the same start-up with `sqlx::migrate!`, the peer an
//! application would embed instead.

use sqlx::{Connection, MySqlConnection, PgConnection, SqliteConnection};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::args().nth(1).ok_or("usage: sqlx DATABASE_URL")?;
    if url.starts_with("postgres") {
        MIGRATOR.run(&mut PgConnection::connect(&url).await?).await?;
    } else if url.starts_with("mysql") || url.starts_with("mariadb") {
        MIGRATOR.run(&mut MySqlConnection::connect(&url).await?).await?;
    } else {
        MIGRATOR.run(&mut SqliteConnection::connect(&url).await?).await?;
    }
    Ok(())
}
