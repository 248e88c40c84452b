//! `rollback DATABASE_URL`: what an application pays at start-up to migrate
//! itself with cargo-rollback's runtime; with every migration applied, the no-op.

static MIGRATOR: rollback_runtime::Migrator = rollback_runtime::embed_migrations!("migrations");

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::args().nth(1).ok_or("usage: rollback DATABASE_URL")?;
    MIGRATOR.run(url.as_str()).await?;
    Ok(())
}
