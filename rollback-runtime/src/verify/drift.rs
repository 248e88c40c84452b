//! How a live database's schema differs from what its migrations produce:
//! the migrations replayed into a scratch database beside it (as `verify`
//! does), both schemas read with the same snapshot, and compared. Adoption
//! checks with it that another tool's records are true; it serves any
//! command that asks whether a database still is what its migrations say.

use std::borrow::Cow;

use rollback_core::MigrationSet;

use super::scratch::Scratch;
use super::{Replay, VerifyOptions};
use crate::dialect::{self, ConnectOptions};
use crate::error::Result;
use crate::schema::{Difference, Snapshot, column_order_notes, differences};
use crate::url::DatabaseUrl;

/// How the live schema differs from the replay of its migrations.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SchemaDrift {
    /// Each object that differs: `Missing` is in the replay and not in the
    /// live database, `Unexpected` the other way round.
    pub differences: Vec<Difference>,
    /// Tables whose columns are the same in another order (not a difference).
    pub notes: Vec<String>,
}

impl SchemaDrift {
    /// Whether the live schema is the replay's.
    pub fn is_empty(&self) -> bool {
        self.differences.is_empty()
    }

    /// Each difference on a line, naming the object: `table audit: unexpected`.
    pub fn lines(&self) -> Vec<String> {
        self.differences.iter().map(ToString::to_string).collect()
    }
}

/// Replays `migrations` (every one, oldest version first) into a scratch
/// database beside the one `url` names, and returns how the schema at
/// `url` differs from the replay's. The database at `url` is only read.
/// `ignored_tables` are left out of both schemas (another tool's tracking
/// table); cargo-rollback's own tables always are.
pub async fn schema_drift(
    migrations: &MigrationSet,
    url: &str,
    options: &VerifyOptions,
    ignored_tables: &[&str],
) -> Result<SchemaDrift> {
    let url = DatabaseUrl::parse(url)?;
    let connect = ConnectOptions::new()
        .init_sql(options.init_sql.clone())
        .statement_timeout(options.statement_timeout);
    let mut live = dialect::inspect(&url, &connect).await?;
    let actual = live.snapshot().await;
    live.close().await;
    let actual = without(actual?, ignored_tables);

    let scratch = Scratch::create(&url).await?;
    let mut replay = Replay::open(Cow::Borrowed(migrations), scratch, options).await?;
    let replayed = async {
        if let Some(last) = migrations.migrations().last() {
            replay.apply(last).await?;
        }
        replay.inspector.snapshot().await
    }
    .await;
    let removed = replay.close().await;
    let expected = without(replayed?, ignored_tables);
    removed?;
    Ok(SchemaDrift {
        differences: differences(&expected, &actual),
        notes: column_order_notes(&expected, &actual),
    })
}

fn without(snapshot: Snapshot, tables: &[&str]) -> Snapshot {
    tables
        .iter()
        .fold(snapshot, |snapshot, table| snapshot.without_table(table))
}
