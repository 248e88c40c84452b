//! `adopt`: take over a database another tool migrated (DESIGN §11).
//!
//! The other tool's tracking table is read as the tool writes it (see
//! [`AdoptFrom`]), each migration it recorded is matched to the folder's by
//! its digits, and nothing is recorded that is not true: adoption refuses,
//! changing nothing, when the tool recorded a failed or dirty migration,
//! when the database holds versions the folder lacks, when the tool's
//! checksum of an up is not the file's, or when the live schema differs
//! from what the recorded migrations produce in a scratch replay
//! ([`schema_drift`]). Otherwise each migration gets its
//! `_rollback_migrations` row (checksums, the folder's down, and the
//! tool's time of application where it kept one) and the run one `adopt`
//! row in `_rollback_log`, in one transaction, under the migration lock.
//! The other tool's table is never written: switching back is pointing
//! that tool at the database again.
//!
//! A migration cargo-rollback has recorded already is left as it is, and
//! one its log shows reverted since it was recorded is not adopted again
//! (the other tool's row for it is stale), so adoption can run at every
//! start of an application and does nothing after the first.

mod checksums;
mod matching;
mod tools;

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use rollback_core::MigrationSet;
use serde::Serialize;

use crate::error::{Error, Refusal, Result};
use crate::records::{AppliedMigration, LogEntry, Operation};
use crate::session::Session;
use crate::verify::{SchemaDrift, VerifyOptions, schema_drift};
use matching::{Decision, decide};
pub use tools::AdoptFrom;
use tools::Recorded;

/// How [`adopt`] runs. Built with [`AdoptOptions::new`] and its setters, so
/// that a new setting is not a breaking change.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct AdoptOptions {
    /// The tool to adopt from; found by its tracking table when `None`.
    pub from: Option<AdoptFrom>,
    /// Report what would be recorded and the schema check, change nothing.
    pub dry_run: bool,
    /// Record even when the live schema differs from the replay; the audit
    /// row says so.
    pub accept_drift: bool,
    /// How the scratch replay runs (init SQL, statement timeout).
    pub replay: VerifyOptions,
}

impl AdoptOptions {
    /// Find the tool, check everything, record.
    pub fn new() -> AdoptOptions {
        AdoptOptions::default()
    }

    /// The tool to adopt from; found by its tracking table when `None`.
    pub fn from(mut self, tool: impl Into<Option<AdoptFrom>>) -> Self {
        self.from = tool.into();
        self
    }

    /// Report only.
    pub fn dry_run(mut self, dry_run: bool) -> Self {
        self.dry_run = dry_run;
        self
    }

    /// Record even when the live schema differs from the replay.
    pub fn accept_drift(mut self, accept: bool) -> Self {
        self.accept_drift = accept;
        self
    }

    /// How the scratch replay runs.
    pub fn replay(mut self, options: VerifyOptions) -> Self {
        self.replay = options;
        self
    }
}

/// What adoption recorded (or, in a dry run, would record).
#[derive(Debug, Clone, Serialize)]
pub struct Adoption {
    /// The tool whose table was read.
    pub tool: AdoptFrom,
    /// That table.
    pub table: &'static str,
    /// The migrations recorded, oldest version first.
    pub adopted: Vec<AdoptedMigration>,
    /// Migrations the tool recorded that cargo-rollback had recorded already.
    pub already_recorded: usize,
    /// Migrations the tool recorded that cargo-rollback reverted since it
    /// recorded them (`version name`): not adopted again.
    pub reverted_since: Vec<String>,
    /// How the live schema differs from the replay of the migrations
    /// (empty when it is the same, or when nothing was to be adopted).
    pub drift: Vec<String>,
    /// Whether the schema was compared with a replay (there was something
    /// to adopt).
    pub schema_checked: bool,
    /// Nothing was changed.
    pub dry_run: bool,
}

/// One migration adoption records.
#[derive(Debug, Clone, Serialize)]
pub struct AdoptedMigration {
    /// Its version, as the folder writes it.
    pub version: String,
    /// Its name.
    pub name: String,
    /// When the other tool applied it, or the adoption's time where the tool
    /// does not say.
    pub applied_at: DateTime<Utc>,
    /// How long its up took, as the other tool measured it (0 where it did not).
    pub execution_ms: i64,
}

/// Adopts the migrations another tool applied to the database of
/// `session` (see the module's documentation); `set` is the folder.
pub async fn adopt(
    session: &mut Session,
    set: &MigrationSet,
    options: &AdoptOptions,
) -> Result<Adoption> {
    let tool = which_tool(session, options.from).await?;
    let found = Found::read(session, tool).await?;
    let decision = found.decide(session, tool, set).await?;
    if !decision.problems.is_empty() || decision.adopt.is_empty() || options.dry_run {
        return Found::settle(session, tool, decision, options).await;
    }
    session.lock_for_adoption().await?;
    let result = async {
        // Read again under the lock: another run may have adopted, applied
        // or reverted in between.
        let found = Found::read(session, tool).await?;
        let decision = found.decide(session, tool, set).await?;
        Found::settle(session, tool, decision, options).await
    }
    .await;
    session.unlock_after_adoption(result).await
}

/// The tool named, or the one whose table the database has.
async fn which_tool(session: &mut Session, from: Option<AdoptFrom>) -> Result<AdoptFrom> {
    if let Some(tool) = from {
        let columns = session.column_names(tool.table()).await?;
        return if columns.is_empty() {
            Err(Error::AdoptWhich {
                reason: format!(
                    "the database has no {} table: {tool} has not migrated it",
                    tool.table()
                ),
                ambiguous: false,
            })
        } else if tool.recognises(&columns) {
            Ok(tool)
        } else {
            Err(Error::AdoptWhich {
                reason: format!(
                    "the {} table is not {tool}'s (its columns: {})",
                    tool.table(),
                    columns.join(", ")
                ),
                ambiguous: false,
            })
        };
    }
    let mut found = Vec::new();
    for tool in AdoptFrom::ALL {
        if tool.recognises(&session.column_names(tool.table()).await?) {
            found.push(tool);
        }
    }
    let named = |tools: &[AdoptFrom]| {
        tools
            .iter()
            .map(|tool| format!("{tool} ({})", tool.table()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match found.as_slice() {
        [tool] => Ok(*tool),
        [] => Err(Error::AdoptWhich {
            reason: format!(
                "found no other tool's tracking table; looked for {}",
                named(&AdoptFrom::ALL)
            ),
            ambiguous: true,
        }),
        several => Err(Error::AdoptWhich {
            reason: format!(
                "found the tracking tables of several tools: {}; say which one to adopt from",
                named(several)
            ),
            ambiguous: true,
        }),
    }
}

/// What the database says: the other tool's records and cargo-rollback's.
struct Found {
    recorded: Recorded,
    applied: Vec<AppliedMigration>,
}

impl Found {
    async fn read(session: &mut Session, tool: AdoptFrom) -> Result<Found> {
        let rows = session.text_rows(&tool.query(session.spelling())).await?;
        let recorded = tool.recorded(rows).map_err(|reason| Refusal::Adoption {
            tool: tool.to_string(),
            problems: vec![format!("{}: {reason}", tool.table())],
            drift: false,
        })?;
        Ok(Found {
            recorded,
            applied: session.applied().await?,
        })
    }

    /// The decision; cargo-rollback's log is read only when there is
    /// something the tool recorded that cargo-rollback has not.
    async fn decide<'a>(
        &self,
        session: &mut Session,
        tool: AdoptFrom,
        set: &'a MigrationSet,
    ) -> Result<Decision<'a>> {
        let decision = decide(tool, &self.recorded, set, &self.applied, &BTreeSet::new());
        if decision.adopt.is_empty() {
            return Ok(decision);
        }
        let reverted = session.reverted_versions().await?;
        Ok(decide(tool, &self.recorded, set, &self.applied, &reverted))
    }

    /// Refuses, reports, or checks the schema and records.
    async fn settle(
        session: &mut Session,
        tool: AdoptFrom,
        decision: Decision<'_>,
        options: &AdoptOptions,
    ) -> Result<Adoption> {
        if !decision.problems.is_empty() {
            return Err(Refusal::Adoption {
                tool: tool.to_string(),
                problems: decision.problems,
                drift: false,
            }
            .into());
        }
        let now = Utc::now();
        let rows: Vec<AppliedMigration> = decision
            .adopt
            .iter()
            .map(|(migration, record)| {
                let mut row =
                    AppliedMigration::for_migration(migration, record.applied_at.unwrap_or(now));
                row.execution_ms = record.execution_ms.unwrap_or(0);
                row
            })
            .collect();
        let mut adoption = Adoption {
            tool,
            table: tool.table(),
            adopted: rows
                .iter()
                .map(|row| AdoptedMigration {
                    version: row.version.clone(),
                    name: row.name.clone(),
                    applied_at: row.applied_at,
                    execution_ms: row.execution_ms,
                })
                .collect(),
            already_recorded: decision.already.len(),
            reverted_since: decision.reverted.iter().map(ToString::to_string).collect(),
            drift: Vec::new(),
            schema_checked: false,
            dry_run: options.dry_run,
        };
        if rows.is_empty() {
            return Ok(adoption);
        }
        // The schema these records describe: everything cargo-rollback will
        // have recorded once they are.
        let replayed = MigrationSet::new(
            decision
                .adopt
                .iter()
                .map(|(migration, _)| *migration)
                .chain(decision.already.iter().copied())
                .cloned()
                .collect(),
        );
        let drift: SchemaDrift = schema_drift(
            &replayed,
            session.url().expose(),
            &options.replay,
            &[tool.table()],
        )
        .await?;
        adoption.drift = drift.lines();
        adoption.schema_checked = true;
        if options.dry_run {
            return Ok(adoption);
        }
        if !drift.is_empty() && !options.accept_drift {
            return Err(Refusal::Adoption {
                tool: tool.to_string(),
                problems: drift
                    .lines()
                    .into_iter()
                    .map(|line| format!("the schema differs from the folder's migrations: {line}"))
                    .collect(),
                drift: true,
            }
            .into());
        }
        let mut name = format!("from {tool}: {}", counted(rows.len()));
        if !drift.is_empty() {
            name.push_str(&format!(
                "; schema drift accepted: {}",
                drift.lines().join("; ")
            ));
        }
        let newest = rows
            .last()
            .map(|row| row.version.as_str())
            .unwrap_or_default();
        let entry = LogEntry::finished_now(Operation::Adopt, newest, &name, now, None, 0);
        session.record_adopted(&rows, &entry).await?;
        Ok(adoption)
    }
}

fn counted(count: usize) -> String {
    match count {
        1 => "1 migration".to_owned(),
        _ => format!("{count} migrations"),
    }
}
