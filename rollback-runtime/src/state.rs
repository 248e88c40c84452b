//! Pure decisions: what state each migration is in, what to apply, what to
//! revert and with which down. No database here; the session feeds these
//! functions the tracking rows it read under the lock.

use std::cmp::Ordering;
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rollback_core::{Migration, MigrationSet, Version, VersionOrder, is_blank, read_directives};
use serde::Serialize;

use crate::error::{Error, Refusal, Result};
use crate::records::{AppliedMigration, AppliedVersion, Direction, ScriptProgress};

/// Where a migration stands, as `status` shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MigrationState {
    /// Applied, and its up still matches the file.
    Applied,
    /// In the folder, not applied.
    Pending,
    /// Applied, but the up on disk has changed since.
    Modified,
    /// Applied, and no file has it any more (revertible from its stored down).
    Missing,
    /// Started and not finished on a database that could not roll it back.
    Dirty,
}

impl MigrationState {
    /// The spelling used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            MigrationState::Applied => "applied",
            MigrationState::Pending => "pending",
            MigrationState::Modified => "modified",
            MigrationState::Missing => "missing",
            MigrationState::Dirty => "dirty",
        }
    }
}

/// One line of `status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct MigrationStatus {
    /// The version as written.
    pub version: String,
    /// The name after the version.
    pub name: String,
    /// Where it stands.
    pub state: MigrationState,
    /// When it was applied.
    pub applied_at: Option<DateTime<Utc>>,
    /// How long its up took.
    pub execution_ms: Option<i64>,
    /// The down on disk differs from the down stored when it was applied.
    pub down_modified: bool,
    /// Why it cannot be reverted, when it cannot.
    pub irreversible: Option<String>,
    /// For a dirty migration, the statement its script had reached, when
    /// that was recorded (an older version recorded none).
    pub stopped_at: Option<StoppedAt>,
}

/// Where a dirty migration's script stopped: `statement` of `statements`
/// of its `script`. The statements before it took effect, the ones after
/// it did not, and it itself may or may not have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StoppedAt {
    /// The script that was running: the migration was being applied (`up`)
    /// or reverted (`down`).
    pub script: Direction,
    /// The 1-based statement it had reached.
    pub statement: i64,
    /// How many statements the script has.
    pub statements: i64,
}

impl StoppedAt {
    /// What a progress row says about its migration.
    pub(crate) fn of(progress: &ScriptProgress) -> StoppedAt {
        StoppedAt {
            script: progress.direction,
            statement: progress.statement,
            statements: progress.statements,
        }
    }
}

impl std::fmt::Display for StoppedAt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "statement {} of {} of its {}",
            self.statement,
            self.statements,
            self.script.as_str()
        )
    }
}

/// The tracking rows matched to the folder by version.
pub(crate) struct Ledger<'a> {
    order: VersionOrder,
    by_key: HashMap<String, &'a AppliedMigration>,
    /// Rows oldest application first.
    by_application: Vec<&'a AppliedMigration>,
}

impl<'a> Ledger<'a> {
    pub(crate) fn new(set: &MigrationSet, applied: &'a [AppliedMigration]) -> Ledger<'a> {
        let order = set.order();
        let by_key = applied
            .iter()
            .map(|row| (order.key(&row_version(row)), row))
            .collect();
        let mut by_application: Vec<&AppliedMigration> = applied.iter().collect();
        by_application.sort_by(|a, b| {
            a.applied_at
                .cmp(&b.applied_at)
                .then_with(|| order.compare(&row_version(a), &row_version(b)))
        });
        Ledger {
            order,
            by_key,
            by_application,
        }
    }

    fn row(&self, version: &Version) -> Option<&'a AppliedMigration> {
        self.by_key.get(&self.order.key(version)).copied()
    }

    fn compare(&self, a: &Version, b: &Version) -> Ordering {
        self.order.compare(a, b)
    }
}

/// A tracking row's version. Rows are written from parsed versions, so this
/// always parses; a row edited by hand into something else keeps its text.
fn row_version(row: &AppliedMigration) -> Version {
    Version::parse(&row.version).unwrap_or_else(|| Version::__embedded("", ""))
}

/// The state of every migration in the folder or in the database, by version.
pub fn statuses(set: &MigrationSet, applied: &[AppliedMigration]) -> Vec<MigrationStatus> {
    let ledger = Ledger::new(set, applied);
    let mut lines: Vec<(Version, MigrationStatus)> = Vec::new();
    for migration in set.migrations() {
        let row = ledger.row(migration.version());
        let state = match row {
            None => MigrationState::Pending,
            Some(row) if row.dirty => MigrationState::Dirty,
            Some(row) if row.up_checksum != migration.up().checksum() => MigrationState::Modified,
            Some(_) => MigrationState::Applied,
        };
        lines.push((
            migration.version().clone(),
            MigrationStatus {
                version: migration.version().to_string(),
                name: migration.name().to_owned(),
                state,
                applied_at: row.map(|row| row.applied_at),
                execution_ms: row.map(|row| row.execution_ms),
                down_modified: row
                    .is_some_and(|row| row.down_checksum != migration.down().checksum()),
                irreversible: migration.irreversible().map(str::to_owned),
                stopped_at: None,
            },
        ));
    }
    for row in applied {
        let version = row_version(row);
        if set.find(&version).is_some() {
            continue;
        }
        lines.push((
            version,
            MigrationStatus {
                version: row.version.clone(),
                name: row.name.clone(),
                state: if row.dirty {
                    MigrationState::Dirty
                } else {
                    MigrationState::Missing
                },
                applied_at: Some(row.applied_at),
                execution_ms: Some(row.execution_ms),
                down_modified: false,
                irreversible: stored_irreversible(&row.down_sql),
                stopped_at: None,
            },
        ));
    }
    lines.sort_by(|(a, _), (b, _)| ledger.compare(a, b));
    lines.into_iter().map(|(_, status)| status).collect()
}

/// What `up` may do with migrations the folder no longer has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MissingPolicy {
    /// Refuse to apply anything (the default: the binary or checkout is older
    /// than the database).
    #[default]
    Error,
    /// Apply pending migrations and leave the unknown ones as they are.
    Ignore,
    /// Revert the unknown ones from their stored down scripts, newest first,
    /// then apply pending migrations (for apps that roll back by redeploying).
    Revert,
}

/// Refuses work on a database with a dirty migration.
pub(crate) fn refuse_dirty(applied: &[AppliedMigration]) -> Result<()> {
    match applied.iter().find(|row| row.dirty) {
        Some(row) => Err(Refusal::Dirty {
            migration: row.label(),
            version: row.version.clone(),
        }
        .into()),
        None => Ok(()),
    }
}

/// What `up` will do, decided from the lean tracking rows of the no-op read.
#[derive(Debug)]
pub(crate) struct ApplyPlan<'s> {
    /// The migrations to apply, oldest version first.
    pub pending: Vec<&'s Migration>,
    /// Whether the database holds migrations the set lacks: the caller reads
    /// their full rows (for [`refuse_missing`] or to revert them) only then,
    /// so that an ordinary run reads the lean rows alone.
    pub unknown: bool,
}

/// The migrations `up` applies, after the safety checks that the lean rows
/// answer: no dirty migration, no applied up changed on disk, a known
/// target. Each row is matched to its migration by one binary search, and
/// the set is walked once for what is left: a run with every migration
/// applied (the start-up no-op) does nothing else.
pub(crate) fn plan_apply<'s>(
    set: &'s MigrationSet,
    applied: &[AppliedVersion],
    target: Option<&Version>,
) -> Result<ApplyPlan<'s>> {
    if let Some(row) = applied.iter().find(|row| row.dirty) {
        return Err(Refusal::Dirty {
            migration: row.label(),
            version: row.version.to_owned(),
        }
        .into());
    }
    let order = set.order();
    let migrations = set.migrations();
    let mut matched: Vec<Option<&AppliedVersion>> = vec![None; migrations.len()];
    let mut unknown = false;
    for row in applied {
        let found = Version::digits_of(row.version).and_then(|digits| {
            migrations
                .binary_search_by(|migration| order.compare_digits(migration.version(), &digits))
                .ok()
        });
        match found {
            Some(index) => matched[index] = Some(row),
            None => unknown = true,
        }
    }
    let modified: Vec<String> = migrations
        .iter()
        .zip(&matched)
        .filter(|(migration, row)| {
            row.is_some_and(|row| row.up_checksum != migration.up().checksum())
        })
        .map(|(migration, _)| migration.to_string())
        .collect();
    if !modified.is_empty() {
        return Err(Refusal::Modified {
            migrations: modified,
        }
        .into());
    }
    if let Some(target) = target
        && set.find(target).is_none()
    {
        return Err(Error::UnknownVersion {
            version: target.to_string(),
            looked_in: "in the folder",
        });
    }
    let pending = migrations
        .iter()
        .zip(&matched)
        .filter(|(_, row)| row.is_none())
        .map(|(migration, _)| migration)
        .filter(|migration| {
            target.is_none_or(|target| order.compare(migration.version(), target).is_le())
        })
        .collect();
    Ok(ApplyPlan { pending, unknown })
}

/// The refusal of an `up` under [`MissingPolicy::Error`] on a database
/// holding migrations the set lacks, listing them newest application first;
/// `None` when there are none.
pub(crate) fn refuse_missing(set: &MigrationSet, applied: &[AppliedMigration]) -> Option<Error> {
    let unknown: Vec<String> = missing_rows(set, applied)
        .map(AppliedMigration::label)
        .collect();
    (!unknown.is_empty()).then(|| {
        Refusal::Missing {
            migrations: unknown,
        }
        .into()
    })
}

/// Applied rows whose migration is not in the folder, newest application first.
pub(crate) fn missing_rows<'a>(
    set: &'a MigrationSet,
    applied: &'a [AppliedMigration],
) -> impl Iterator<Item = &'a AppliedMigration> {
    let ledger = Ledger::new(set, applied);
    ledger
        .by_application
        .into_iter()
        .rev()
        .filter(move |row| set.find(&row_version(row)).is_none())
}

/// Which applied migrations a rollback reverts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// The most recently applied one, if any (a rollback with no selector).
    Newest,
    /// The N most recently applied.
    Last(usize),
    /// Everything applied with a version newer than this one; it stays.
    To(Version),
    /// Everything applied.
    All,
    /// This one; with newer ones applied only when `out_of_order` is set.
    One {
        /// The version.
        version: Version,
        /// Revert it even though newer migrations are applied.
        out_of_order: bool,
    },
}

/// The rows to revert, most recently applied first.
pub(crate) fn select_reverts<'a>(
    set: &MigrationSet,
    applied: &'a [AppliedMigration],
    selection: &Selection,
) -> Result<Vec<&'a AppliedMigration>> {
    let ledger = Ledger::new(set, applied);
    let newest_first = ledger.by_application.iter().rev().copied();
    match selection {
        Selection::Newest => Ok(newest_first.take(1).collect()),
        Selection::Last(count) => {
            if *count > applied.len() {
                return Err(Error::NotEnoughApplied {
                    requested: *count,
                    applied: applied.len(),
                });
            }
            Ok(newest_first.take(*count).collect())
        }
        Selection::All => Ok(newest_first.collect()),
        Selection::To(target) => {
            if set.find(target).is_none() && ledger.row(target).is_none() {
                return Err(Error::UnknownVersion {
                    version: target.to_string(),
                    looked_in: "in the folder or in the database",
                });
            }
            Ok(newest_first
                .filter(|row| ledger.compare(&row_version(row), target).is_gt())
                .collect())
        }
        Selection::One {
            version,
            out_of_order,
        } => {
            let row = find_applied(set, applied, version)?;
            let mut newer: Vec<Version> = applied
                .iter()
                .map(row_version)
                .filter(|other| ledger.compare(other, version).is_gt())
                .collect();
            newer.sort_by(|a, b| ledger.compare(a, b));
            let newer: Vec<String> = newer.iter().map(ToString::to_string).collect();
            if !newer.is_empty() && !out_of_order {
                return Err(Refusal::OutOfOrder {
                    migration: row.label(),
                    newer,
                }
                .into());
            }
            Ok(vec![row])
        }
    }
}

/// The tracking row of `version`; an error saying whether the version is
/// pending or unknown when there is none.
pub(crate) fn find_applied<'a>(
    set: &MigrationSet,
    applied: &'a [AppliedMigration],
    version: &Version,
) -> Result<&'a AppliedMigration> {
    Ledger::new(set, applied)
        .row(version)
        .ok_or_else(|| match set.find(version) {
            Some(migration) => Error::NotApplied {
                migration: migration.to_string(),
            },
            None => Error::UnknownVersion {
                version: version.to_string(),
                looked_in: "in the folder or in the database",
            },
        })
}

/// Which down runs when the file and the stored copy differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DownChoice {
    /// Refuse when they differ.
    #[default]
    Ask,
    /// The file on disk.
    File,
    /// The copy stored when the migration was applied.
    Stored,
}

/// The down script a revert runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DownScript {
    pub sql: String,
    pub no_transaction: bool,
    /// The file it was read from; `None` for the stored copy.
    pub path: Option<String>,
    /// The file line where it starts.
    pub first_line: u32,
}

/// Picks the down for `row`: the file, else the stored copy; refuses when
/// both exist and differ (unless `choice` decides) and when it is irreversible.
pub(crate) fn resolve_down(
    set: &MigrationSet,
    row: &AppliedMigration,
    choice: DownChoice,
) -> Result<DownScript> {
    let file = set.find(&row_version(row));
    let use_file = match file {
        None => false,
        Some(migration) if migration.down().checksum() == row.down_checksum => true,
        Some(migration) => match choice {
            DownChoice::File => true,
            DownChoice::Stored => false,
            DownChoice::Ask => {
                return Err(Refusal::DownConflict {
                    migration: row.label(),
                    path: migration.down_path().to_owned(),
                }
                .into());
            }
        },
    };
    match file.filter(|_| use_file) {
        Some(migration) => {
            if let Some(reason) = migration.irreversible() {
                return Err(Refusal::Irreversible {
                    migration: row.label(),
                    reason: reason.to_owned(),
                }
                .into());
            }
            Ok(DownScript {
                sql: migration.down().sql().to_owned(),
                no_transaction: migration.down().no_transaction(),
                path: Some(migration.down_path().to_owned()),
                first_line: migration.down().first_line(),
            })
        }
        None => {
            if let Some(reason) = stored_irreversible(&row.down_sql) {
                return Err(Refusal::Irreversible {
                    migration: row.label(),
                    reason,
                }
                .into());
            }
            Ok(DownScript {
                no_transaction: read_directives(&row.down_sql).is_ok_and(|d| d.no_transaction),
                sql: row.down_sql.clone(),
                path: None,
                first_line: 1,
            })
        }
    }
}

/// Why a stored down cannot run: its `-- rollback:irreversible` reason, or
/// emptiness (accepted at apply time under `empty-down = "irreversible"`).
fn stored_irreversible(down_sql: &str) -> Option<String> {
    match read_directives(down_sql) {
        Ok(directives) if directives.irreversible.is_some() => {
            directives.irreversible.map(|reason| {
                if reason.is_empty() {
                    "marked irreversible".to_owned()
                } else {
                    reason
                }
            })
        }
        _ if is_blank(down_sql) => Some("the down script is empty".to_owned()),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
