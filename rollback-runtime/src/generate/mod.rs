//! `generate`: writes the down for an up and proves it (DESIGN §7).
//!
//! The earlier migrations are replayed into a scratch database (the one
//! `verify` uses), so that what an up statement removes can be read back
//! from the catalog as it is just before the statement runs. For each up:
//!
//! 1. S0 = the schema; each statement's inverse is read from its text
//!    ([`invert_script`]); the up runs statement by statement, and before
//!    a statement that removes or changes something, the catalog is asked
//!    for the SQL that puts it back (each database's `Reconstruct`) — the capture.
//! 2. The down those inverses make (`render`) runs; the schema must be S0
//!    again, or the down is reported failed with the difference.
//! 3. The migration with that down goes through `verify`'s round trip
//!    (engine, sentinel rows, up, down, up). Only a down that passes it is
//!    fit to be written.
//!
//! Several ups are generated in one replay, in version order, each from the
//! schema its predecessors produced: this is how a whole folder's downs are
//! generated and counted.

mod capture;
mod fallback;
mod render;

use std::borrow::Cow;
use std::time::{Duration, Instant};

use rollback_core::sql::{Dialect, Effect, StatementClass, analyze_statement, invert_script};
use rollback_core::{Migration, MigrationSet, Script, Version};
use serde::Serialize;

use crate::error::{Error, Result, display_chain};
use crate::schema::Snapshot;
use crate::url::DatabaseUrl;
use crate::verify::scratch::Scratch;
use crate::verify::{MigrationReport, Next, Replay, VerifyOptions, VerifyResult};
use capture::{Block, capture};
pub use render::GENERATED_HEADER;

/// How `generate` runs. Built with [`GenerateOptions::new`] and its setters,
/// so that a new setting is not a breaking change.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct GenerateOptions {
    /// SQL run on every connection to the scratch database before any
    /// migration, as in the project.
    pub init_sql: Option<String>,
    /// How long one statement may run; no limit when `None`.
    pub statement_timeout: Option<Duration>,
}

impl GenerateOptions {
    /// No init SQL, no statement timeout.
    pub fn new() -> GenerateOptions {
        GenerateOptions::default()
    }

    /// SQL run on every connection to the scratch database; none when `None`.
    pub fn init_sql(mut self, sql: impl Into<Option<String>>) -> Self {
        self.init_sql = sql.into();
        self
    }

    /// How long one statement may run; no limit when `None`.
    pub fn statement_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.statement_timeout = timeout.into();
        self
    }
}

/// An up statement that nothing can undo: its down holds a
/// `-- rollback: cannot invert: <statement>` line instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Uninvertible {
    /// 1-based line of the statement in the up.
    pub line: usize,
    /// The statement.
    pub statement: String,
    /// Why: "deleted rows cannot be brought back".
    pub reason: String,
}

/// The down written for one up, and what its round trip found.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct GeneratedDown {
    /// The migration's version.
    pub version: String,
    /// The migration's name.
    pub name: String,
    /// The down script, as it would be written to the file.
    pub down: String,
    /// The statements nothing can undo.
    pub cannot_invert: Vec<Uninvertible>,
    /// What the down puts back without its contents ("the rows of orders").
    pub not_restored: Vec<String>,
    /// `verify`'s verdict on the migration with this down: pass, fail (with
    /// the differences) or error (the up itself failed).
    pub verification: MigrationReport,
}

impl GeneratedDown {
    /// Whether the round trip restored the schema exactly.
    pub fn verified(&self) -> bool {
        self.verification.result == VerifyResult::Pass
    }

    /// Whether every up statement was inverted.
    pub fn complete(&self) -> bool {
        self.cannot_invert.is_empty()
    }
}

/// Generates the downs of the migrations of `set` with `versions`, in
/// version order, in a scratch database beside the one `url` names (never
/// changed itself). The other migrations of `set` before them are applied as
/// they are, to build the schema each up starts from; their downs are not
/// used. Calls `progress` as each down is done. An up that fails in the
/// scratch database ends the run: the downs after it are not generated.
pub async fn generate_downs(
    set: &MigrationSet,
    versions: &[Version],
    url: &str,
    options: &GenerateOptions,
    progress: &mut (dyn FnMut(&GeneratedDown) + Send),
) -> Result<Vec<GeneratedDown>> {
    let url = DatabaseUrl::parse(url)?;
    let mut targets = Vec::with_capacity(versions.len());
    for version in versions {
        let found = set.find(version).ok_or_else(|| Error::UnknownVersion {
            version: version.as_str().to_owned(),
            looked_in: "in the folder",
        })?;
        targets.extend(
            set.migrations()
                .iter()
                .position(|migration| migration.version() == found.version()),
        );
    }
    targets.sort_unstable();
    targets.dedup();
    let verify_options = VerifyOptions::new()
        .init_sql(options.init_sql.clone())
        .statement_timeout(options.statement_timeout);
    let scratch = Scratch::create(&url).await?;
    let mut replay = Replay::open(Cow::Owned(set.clone()), scratch, &verify_options).await?;
    let outcome = generate_in(&mut replay, &targets, progress).await;
    let removed = replay.close().await;
    let generated = outcome?;
    removed?;
    Ok(generated)
}

/// The replay's part of [`generate_downs`]: the scratch database is removed
/// by the caller whatever happens here.
async fn generate_in(
    replay: &mut Replay<'_>,
    targets: &[usize],
    progress: &mut (dyn FnMut(&GeneratedDown) + Send),
) -> Result<Vec<GeneratedDown>> {
    let mut generated = Vec::with_capacity(targets.len());
    let mut next = 0;
    for &index in targets {
        if let Some(previous) = index.checked_sub(1).filter(|previous| *previous >= next) {
            // The migrations in between run as they are, on the tables
            // they name emptied of sentinel rows, as `verify` runs each.
            let between = replay.set.migrations()[next..=previous].to_vec();
            let ups: Vec<&str> = between
                .iter()
                .map(|migration| migration.up().sql())
                .collect();
            let schema = replay.inspector.snapshot().await?;
            replay.prepare_sentinels(&schema, &ups).await;
            replay.apply(&between[between.len() - 1]).await?;
        }
        let migration = replay.set.migrations()[index].clone();
        let (down, stop) = generate_one(replay, index, &migration).await?;
        progress(&down);
        generated.push(down);
        if stop {
            break;
        }
        next = index + 1;
    }
    Ok(generated)
}

/// Generates and checks the down of the migration at `index`, which is not
/// applied yet; leaves it applied with that down. Returns whether the
/// replay must stop (the up failed).
async fn generate_one(
    replay: &mut Replay<'_>,
    index: usize,
    migration: &Migration,
) -> Result<(GeneratedDown, bool)> {
    let timer = Instant::now();
    let dialect = replay.inspector.dialect();
    let before = replay.inspector.snapshot().await?;
    replay
        .prepare_sentinels(&before, &[migration.up().sql()])
        .await;
    let inverses = invert_script(migration.up().sql(), dialect);
    let mut report = MigrationReport::passing(migration);
    let blocks = match capture(&mut replay.inspector, migration.up(), inverses).await {
        Ok(blocks) => blocks,
        Err(failure) => {
            report.result = VerifyResult::Error;
            report.error = Some(format!("up failed: {failure}"));
            report.seconds = elapsed(timer);
            let down = generated(migration, String::new(), &[], report);
            return Ok((down, true));
        }
    };
    let text = render::down(migration, &blocks);
    let no_transaction = render::surrounding(&blocks).is_some();
    let with_down = migration.with_down(Script::from_text(&text, no_transaction));
    let mut set = replay.set.migrations().to_vec();
    set[index] = with_down.clone();
    replay.set = Cow::Owned(MigrationSet::new(set));

    // A down that cannot undo an `INSERT` leaves its rows behind, and the
    // round trip ran the up again on them: the next migrations must start
    // from the up applied once. An `UPDATE` or `DELETE` run again leaves the
    // schema as once, and rebuilding after each would make a long folder's
    // replay quadratic.
    let adds_rows = blocks
        .iter()
        .any(|block| block.cannot_invert.is_some() && may_add_rows(&block.statement, dialect));
    let rebuild = match undo(replay, &blocks, &before).await? {
        Undone::AsBefore => match replay.check(&with_down, &before, &mut report).await? {
            // A failed round trip has rebuilt the scratch database already.
            Next::Continue(_) => adds_rows && report.result == VerifyResult::Pass,
            // The up ran in the capture, so this is the up run again after
            // the down: the down left what the up cannot run on (rows it
            // inserted into a table that was there before).
            Next::Stop => {
                report.result = VerifyResult::Fail;
                report.diff.extend(
                    report
                        .error
                        .take()
                        .map(|error| format!("after down, the {error}")),
                );
                true
            }
        },
        Undone::Differently(failure) => {
            report.result = VerifyResult::Fail;
            report.diff.extend(failure);
            true
        }
    };
    let stop = rebuild && matches!(replay.rebuild(&with_down).await?, Next::Stop);
    if stop {
        report
            .notes
            .push("the scratch database could not be rebuilt after this migration".to_owned());
    }
    report.seconds = elapsed(timer);
    Ok((generated(migration, text, &blocks, report), stop))
}

/// How running a generated down right after the capture ended.
enum Undone {
    /// The schema is S0 again.
    AsBefore,
    /// A statement failed or the schema differs: what went wrong.
    Differently(Vec<String>),
}

/// Runs the down's statements as the capture left the database (the up
/// applied, untracked) and compares the schema with `before`.
async fn undo(replay: &mut Replay<'_>, blocks: &[Block], before: &Snapshot) -> Result<Undone> {
    let surrounding = render::surrounding(blocks).unwrap_or_default();
    let around = Block {
        line: 0,
        statement: String::new(),
        sql: surrounding.before,
        notes: Vec::new(),
        cannot_invert: None,
        skipped: None,
        surrounding: None,
    };
    let after = Block {
        sql: surrounding.after,
        ..around.clone()
    };
    for block in std::iter::once(&around).chain(blocks).chain([&after]) {
        for sql in &block.sql {
            if let Err(error) = replay.inspector.execute(sql).await {
                return Ok(Undone::Differently(vec![format!(
                    "the down failed at `{}` (undoing line {}): {}",
                    render::one_line(sql),
                    block.line,
                    display_chain(&error)
                )]));
            }
        }
    }
    let after = replay.inspector.snapshot().await?;
    let differences = crate::schema::differences(before, &after);
    if differences.is_empty() {
        Ok(Undone::AsBefore)
    } else {
        Ok(Undone::Differently(
            differences
                .iter()
                .map(|difference| difference.describe("after down"))
                .collect(),
        ))
    }
}

/// Whether running `statement` again may add rows: an `INSERT`, `COPY`,
/// `MERGE`, or code the statement does not show (`DO`, `CALL`, one the
/// parser cannot read); not an `UPDATE` or a `DELETE`.
fn may_add_rows(statement: &str, dialect: Dialect) -> bool {
    let (class, effects, _) = analyze_statement(statement, dialect);
    match class {
        StatementClass::Unclassified => true,
        StatementClass::Data => !effects.iter().any(|effect| {
            matches!(
                effect,
                Effect::UpdateRows { .. } | Effect::DeleteRows { .. }
            )
        }),
        StatementClass::Schema | StatementClass::Destructive => false,
    }
}

fn generated(
    migration: &Migration,
    down: String,
    blocks: &[Block],
    verification: MigrationReport,
) -> GeneratedDown {
    GeneratedDown {
        version: migration.version().as_str().to_owned(),
        name: migration.name().to_owned(),
        down,
        cannot_invert: blocks
            .iter()
            .filter_map(|block| {
                block.cannot_invert.as_ref().map(|reason| Uninvertible {
                    line: block.line,
                    statement: block.statement.clone(),
                    reason: reason.clone(),
                })
            })
            .collect(),
        not_restored: blocks
            .iter()
            .flat_map(|block| block.notes.iter().cloned())
            .collect(),
        verification,
    }
}

fn elapsed(timer: Instant) -> f64 {
    (timer.elapsed().as_secs_f64() * 1000.0).round() / 1000.0
}
