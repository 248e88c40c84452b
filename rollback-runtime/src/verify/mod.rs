//! `verify`: proves that each migration's down undoes its up (DESIGN §6).
//!
//! The migrations are replayed into a scratch database (see `scratch.rs`).
//! For each migration, with S0 the schema before it: sentinel rows go into
//! the tables it does not touch (see `sentinels.rs`); up; S1 = schema; down;
//! the schema must be S0 again; up again; the schema must be S1 again; after
//! every step the sentinel tables' contents must be unchanged. Applying and
//! reverting go through the engine ([`Session`]) exactly as `cargo rollback
//! up` and a rollback do (init SQL, transactions, the tracking table), with
//! backups off.
//!
//! After a failure the run goes on, so that one run lists every broken
//! migration, each judged on the schema the folder produces: after any
//! round trip that fails (a difference, a down or a second up that fails),
//! the scratch database is emptied and every migration up to the failed one
//! is applied again, once, unchecked — what a wrong down left behind never
//! reaches the next migration. The one exception is a down that failed and
//! was rolled back whole by the database, which leaves the migration
//! applied once and clean. Only an up that fails the first time stops the
//! run — later migrations build on it — and they are reported `skipped`.

mod drift;
mod report;
pub(crate) mod scratch;
mod sentinels;

use std::borrow::Cow;
use std::time::{Duration, Instant};

use rollback_core::{Migration, MigrationSet, Version};

use crate::dialect::{ConnectOptions, Inspector};
use crate::error::{Error, Result, display_chain};
use crate::progress::Event;
use crate::schema::{Snapshot, column_order_notes, differences};
use crate::session::{ApplyOptions, RevertOptions, Session};
use crate::state::Selection;
use crate::url::DatabaseUrl;
pub use drift::{SchemaDrift, schema_drift};
pub use report::{MigrationReport, VerifyReport, VerifyResult};
pub use scratch::SCRATCH_PREFIX;
use scratch::Scratch;
use sentinels::{Fingerprints, Sentinels, changes};

/// How `verify` runs. Built with [`VerifyOptions::new`] and its setters, so
/// that a new setting is not a breaking change.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct VerifyOptions {
    /// SQL run on every connection to the scratch database before any
    /// migration (`PRAGMA foreign_keys = OFF`, …), as in the project.
    pub init_sql: Option<String>,
    /// Check from this version on; older migrations are applied unchecked.
    pub from: Option<Version>,
    /// How long one statement may run; no limit when `None`.
    pub statement_timeout: Option<Duration>,
}

impl VerifyOptions {
    /// Every migration checked, no init SQL, no statement timeout.
    pub fn new() -> VerifyOptions {
        VerifyOptions::default()
    }

    /// SQL run on every connection to the scratch database; none when `None`.
    pub fn init_sql(mut self, sql: impl Into<Option<String>>) -> Self {
        self.init_sql = sql.into();
        self
    }

    /// Check from this version on; every migration when `None`.
    pub fn from(mut self, version: impl Into<Option<Version>>) -> Self {
        self.from = version.into();
        self
    }

    /// How long one statement may run; no limit when `None`.
    pub fn statement_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.statement_timeout = timeout.into();
        self
    }
}

/// Verifies every migration of `migrator` in a scratch database beside the
/// one `url` names (a temporary file for SQLite; a new database on the same
/// server otherwise, dropped afterwards). The database `url` names is never
/// changed. For a test:
///
/// ```rust,no_run
/// static MIGRATOR: rollback_runtime::Migrator =
///     rollback_runtime::embed_migrations!("../examples/shop/migrations");
///
/// # async fn check() -> rollback_runtime::Result<()> {
/// let report = rollback_runtime::verify(&MIGRATOR, "postgres://localhost/app").await?;
/// assert!(report.passed(), "{report:#?}");
/// # Ok(())
/// # }
/// ```
pub async fn verify(migrator: &impl AsRef<MigrationSet>, url: &str) -> Result<VerifyReport> {
    verify_with(
        migrator.as_ref(),
        url,
        &VerifyOptions::default(),
        &mut |_| {},
    )
    .await
}

/// [`verify`] with options, for a folder read at run time too, calling
/// `progress` as each migration's check ends.
pub async fn verify_with(
    set: &MigrationSet,
    url: &str,
    options: &VerifyOptions,
    progress: &mut (dyn FnMut(&MigrationReport) + Send),
) -> Result<VerifyReport> {
    let url = DatabaseUrl::parse(url)?;
    let start = match &options.from {
        None => 0,
        Some(version) => {
            let found = set.find(version).ok_or_else(|| Error::UnknownVersion {
                version: version.as_str().to_owned(),
                looked_in: "in the folder",
            })?;
            set.migrations()
                .iter()
                .position(|migration| migration.version() == found.version())
                .unwrap_or_default()
        }
    };
    let scratch = Scratch::create(&url).await?;
    let mut replay = Replay::open(Cow::Borrowed(set), scratch, options).await?;
    let outcome = replay.run(set.migrations(), start, progress).await;
    let removed = replay.close().await;
    let report = outcome?;
    removed?;
    Ok(report)
}

/// The replay's connections to the scratch database and what it tracks;
/// `generate` checks the downs it writes with it too.
pub(crate) struct Replay<'a> {
    /// The migrations replayed (`generate` swaps in a migration with the
    /// down it wrote).
    pub(crate) set: Cow<'a, MigrationSet>,
    connect: ConnectOptions,
    session: Session,
    /// The connection that reads schemas and rows, and runs what the
    /// engine does not.
    pub(crate) inspector: Inspector,
    sentinels: Sentinels,
    /// Declared last: dropped after the connections (a cancelled run).
    scratch: Scratch,
}

/// How one migration's check ended, for the replay.
pub(crate) enum Next {
    /// The scratch database holds the migration applied, with this schema.
    Continue(Snapshot),
    /// The replay cannot go on.
    Stop,
}

impl<'a> Replay<'a> {
    pub(crate) async fn open(
        set: Cow<'a, MigrationSet>,
        scratch: Scratch,
        options: &VerifyOptions,
    ) -> Result<Replay<'a>> {
        let connect = ConnectOptions::new()
            .create_if_missing(true)
            .init_sql(options.init_sql.clone())
            .statement_timeout(options.statement_timeout);
        let (session, inspector) = connections(&scratch, &connect).await?;
        Ok(Replay {
            set,
            connect,
            session,
            inspector,
            sentinels: Sentinels::default(),
            scratch,
        })
    }

    pub(crate) async fn close(self) -> Result<()> {
        self.session.close().await;
        self.inspector.close().await;
        self.scratch.remove().await
    }

    async fn run(
        &mut self,
        migrations: &[Migration],
        start: usize,
        progress: &mut (dyn FnMut(&MigrationReport) + Send),
    ) -> Result<VerifyReport> {
        if let Some(before) = start.checked_sub(1) {
            self.apply(&migrations[before]).await?;
        }
        let mut schema = self.inspector.snapshot().await?;
        let mut report = VerifyReport::default();
        let mut stopped_by: Option<String> = None;
        for migration in &migrations[start..] {
            let timer = Instant::now();
            let mut checked = MigrationReport::passing(migration);
            if let Some(failed) = &stopped_by {
                checked.result = VerifyResult::Skipped;
                checked.notes.push(format!(
                    "not checked: {failed} could not be applied, and this migration builds on it"
                ));
            } else {
                match self.check(migration, &schema, &mut checked).await? {
                    Next::Continue(after) => schema = after,
                    Next::Stop => stopped_by = Some(migration.to_string()),
                }
            }
            checked.seconds = (timer.elapsed().as_secs_f64() * 1000.0).round() / 1000.0;
            progress(&checked);
            report.migrations.push(checked);
        }
        Ok(report)
    }

    /// Checks one migration, with `before` the schema it starts from.
    pub(crate) async fn check(
        &mut self,
        migration: &Migration,
        before: &Snapshot,
        checked: &mut MigrationReport,
    ) -> Result<Next> {
        if let Some(reason) = migration.irreversible() {
            checked.result = VerifyResult::Irreversible;
            checked.notes.push(format!("irreversible: {reason}"));
            return match self.apply(migration).await {
                Ok(()) => Ok(Next::Continue(self.inspector.snapshot().await?)),
                Err(error) => {
                    checked.result = VerifyResult::Error;
                    checked.error = Some(format!("up failed: {}", display_chain(&error)));
                    Ok(Next::Stop)
                }
            };
        }
        self.prepare_sentinels(before, &[migration.up().sql(), migration.down().sql()])
            .await;
        let rows = self.sentinels.fingerprints(&mut self.inspector).await;

        if let Err(error) = self.apply(migration).await {
            checked.result = VerifyResult::Error;
            checked.error = Some(format!("up failed: {}", display_chain(&error)));
            return Ok(Next::Stop);
        }
        let applied = self.inspector.snapshot().await?;
        self.check_rows(&rows, "after up", checked).await;

        if let Err(error) = self.revert().await {
            checked.result = VerifyResult::Error;
            checked.error = Some(format!("down failed: {}", display_chain(&error)));
            return self.recover(migration, &applied).await;
        }
        let reverted = self.inspector.snapshot().await?;
        compare(before, &reverted, "after down", checked);
        self.check_rows(&rows, "after down", checked).await;

        if let Err(error) = self.apply(migration).await {
            checked.result = VerifyResult::Fail;
            checked
                .diff
                .push(format!("up again failed: {}", display_chain(&error)));
            return self.rebuild(migration).await;
        }
        let again = self.inspector.snapshot().await?;
        compare(&applied, &again, "after up again", checked);
        self.check_rows(&rows, "after up again", checked).await;
        if checked.diff.is_empty() {
            return Ok(Next::Continue(again));
        }
        // What the failed down left (and the up ran again on) is not what
        // the folder produces: the next migrations are judged on a rebuild.
        checked.result = VerifyResult::Fail;
        self.rebuild(migration).await
    }

    /// Empties the sentinel rows of the tables `scripts` name, and plants
    /// rows in the others of `before`: a migration runs on the tables it
    /// names as the earlier migrations left them.
    pub(crate) async fn prepare_sentinels(&mut self, before: &Snapshot, scripts: &[&str]) {
        self.sentinels
            .prepare(&mut self.inspector, before, scripts)
            .await;
    }

    async fn check_rows(
        &mut self,
        before: &Fingerprints,
        when: &str,
        checked: &mut MigrationReport,
    ) {
        let now = self.sentinels.fingerprints(&mut self.inspector).await;
        checked.diff.extend(changes(before, &now, when));
    }

    /// After a failed down: where the database rolled the down back (the
    /// migration still applied, clean, the schema as the up left it), the
    /// replay goes on from there; otherwise from a rebuilt database.
    async fn recover(&mut self, migration: &Migration, applied: &Snapshot) -> Result<Next> {
        let clean = self.session.applied().await.is_ok_and(|rows| {
            rows.iter()
                .any(|row| row.version == migration.version().as_str() && !row.dirty)
        });
        if clean && &self.inspector.snapshot().await? == applied {
            return Ok(Next::Continue(applied.clone()));
        }
        self.rebuild(migration).await
    }

    /// Empties the scratch database and applies everything up to and
    /// including `migration`, unchecked.
    pub(crate) async fn rebuild(&mut self, migration: &Migration) -> Result<Next> {
        self.sentinels.clear();
        self.scratch.recreate().await?;
        let (session, inspector) = connections(&self.scratch, &self.connect).await?;
        std::mem::replace(&mut self.session, session).close().await;
        std::mem::replace(&mut self.inspector, inspector)
            .close()
            .await;
        if self.apply(migration).await.is_err() {
            return Ok(Next::Stop);
        }
        Ok(Next::Continue(self.inspector.snapshot().await?))
    }

    pub(crate) async fn apply(&mut self, migration: &Migration) -> Result<()> {
        let options = ApplyOptions::new().target(migration.version().clone());
        self.session
            .apply(&self.set, &options, &mut |_: &Event<'_>| {})
            .await
            .map(drop)
    }

    async fn revert(&mut self) -> Result<()> {
        let options = RevertOptions::new(Selection::Newest).backup(false);
        self.session
            .revert(&self.set, &options, &mut |_: &Event<'_>| {})
            .await
            .map(drop)
    }
}

/// Opens the engine's connection and the inspector's, in that order (the
/// engine creates a SQLite file).
async fn connections(scratch: &Scratch, connect: &ConnectOptions) -> Result<(Session, Inspector)> {
    let session = Session::connect(scratch.url().expose(), connect).await?;
    let inspector = crate::dialect::inspect(scratch.url(), connect).await?;
    Ok((session, inspector))
}

/// Records how `actual` differs from `expected`.
fn compare(expected: &Snapshot, actual: &Snapshot, when: &str, checked: &mut MigrationReport) {
    checked.diff.extend(
        differences(expected, actual)
            .iter()
            .map(|difference| difference.describe(when)),
    );
    checked.notes.extend(
        column_order_notes(expected, actual)
            .into_iter()
            .map(|note| format!("{note} {when}")),
    );
}
