//! A shop that migrates its own database when it starts.
//!
//! ```sh
//! DATABASE_URL=sqlite:shop.db cargo run -p shop
//! ```

use anyhow::Result;
use rollback_runtime::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};

/// Every migration of `migrations/`, checked and embedded at compile time.
static MIGRATOR: Migrator = rollback_runtime::embed_migrations!("migrations");

#[tokio::main]
async fn main() -> Result<()> {
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| "sqlite:shop.db".to_owned());
    let options: SqliteConnectOptions = url.parse()?;
    let pool = SqlitePool::connect_with(options.create_if_missing(true)).await?;

    // Applies whatever is pending; a no-op when the database is up to date.
    let applied = MIGRATOR.run(&pool).await?;
    for step in &applied {
        println!("applied {} {}", step.version, step.name);
    }

    sqlx::query("INSERT OR IGNORE INTO customers (email, name) VALUES ('ada@example.com', 'Ada')")
        .execute(&pool)
        .await?;
    sqlx::query(
        "INSERT INTO orders (customer_id, total_cents)
         SELECT id, 4200 FROM customers WHERE email = 'ada@example.com'",
    )
    .execute(&pool)
    .await?;
    let (orders, spent): (i64, i64) = sqlx::query_as(
        "SELECT orders, spent_cents FROM customer_totals WHERE email = 'ada@example.com'",
    )
    .fetch_one(&pool)
    .await?;
    println!(
        "shop is up: {} migrations embedded, ada has {orders} orders, {spent} cents spent",
        MIGRATOR.migrations().migrations().len()
    );
    Ok(())
}
