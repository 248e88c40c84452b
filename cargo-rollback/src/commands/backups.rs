//! `cargo rollback backups [drop ID]`: the backups rollbacks took.

use anyhow::Result;
use chrono::Utc;
use rollback_runtime::backup::{Backup, PruneRule};

use crate::age::parse_age;
use crate::cli::{BackupsAction, GlobalArgs};
use crate::confirm::ask;
use crate::failure::{SUCCESS, UsageError};
use crate::output::{Output, ago, print_line};
use crate::project::Project;
use crate::session::with_session;
use crate::wording::{count, label};

pub async fn run(global: &GlobalArgs, action: Option<BackupsAction>, output: Output) -> Result<u8> {
    let project = Project::resolve(global)?;
    let dropped = match action {
        Some(BackupsAction::Prune { older_than, keep }) => {
            return prune(global, &project, older_than, keep, output).await;
        }
        Some(BackupsAction::Drop { id }) => Some(id),
        None => None,
    };
    with_session(
        global,
        &project,
        false,
        output,
        async |session| match dropped {
            None => {
                list(&session.backups().await?, output);
                Ok(())
            }
            Some(id) => {
                if !global.yes {
                    confirm_drop(&session.backups().await?, id)?;
                }
                let backup = session.drop_backup(id).await?;
                if output.json() {
                    output.json_value(&backup);
                } else {
                    output.say(&format!(
                        "Dropped backup {} of {} ({} rows).",
                        backup.id,
                        label(&backup.version, &backup.name),
                        backup.rows
                    ));
                }
                Ok(())
            }
        },
    )
    .await?;
    Ok(SUCCESS)
}

/// `backups prune`: the backups the flags (else `backup-retention`) select,
/// shown and confirmed, then deleted with a log row each.
async fn prune(
    global: &GlobalArgs,
    project: &Project,
    older_than: Option<String>,
    keep: Option<usize>,
    output: Output,
) -> Result<u8> {
    // Read here rather than by clap, whose errors take several lines.
    let older_than = older_than
        .map(|text| parse_age(&text))
        .transpose()
        .map_err(|message| UsageError(format!("--older-than: {message}")))?;
    let rule = match (older_than, keep) {
        (None, None) => match project.backup_retention {
            Some(retention) => PruneRule::new().older_than(retention),
            None => {
                return Err(UsageError(
                    "backups prune needs --older-than DURATION or --keep N (or backup-retention in [package.metadata.rollback])"
                        .to_owned(),
                )
                .into());
            }
        },
        (older_than, keep) => PruneRule::new().older_than(older_than).keep(keep),
    };
    let pruned = with_session(global, project, false, output, async |session| {
        if !global.yes {
            let now = Utc::now();
            let backups = session.backups().await?;
            let chosen = rule.select(&backups, now);
            if chosen.is_empty() {
                return Ok(Vec::new());
            }
            let lines: Vec<String> = chosen.iter().map(|backup| line(backup, now)).collect();
            ask(
                "PRUNE",
                &format!("delete {}", count(chosen.len(), "backup")),
                &format!(
                    "Pruning deletes these backups' copies for good:\n{}",
                    lines.join("\n")
                ),
            )?;
        }
        Ok(session.prune_backups(&rule).await?)
    })
    .await?;
    if output.json() {
        output.json_value(&pruned);
        return Ok(SUCCESS);
    }
    for backup in &pruned {
        output.say(&format!(
            "Pruned backup {} of {} ({} rows).",
            backup.id,
            label(&backup.version, &backup.name),
            backup.rows
        ));
    }
    output.say(&match pruned.len() {
        0 => "No backups to prune.".to_owned(),
        n => format!("Pruned {}.", count(n, "backup")),
    });
    Ok(SUCCESS)
}

/// Asks before backup `id`, one of `backups`, is dropped for good.
fn confirm_drop(backups: &[Backup], id: i64) -> Result<()> {
    let Some(backup) = backups.iter().find(|backup| backup.id == id) else {
        return Err(rollback_runtime::Error::UnknownBackup { id }.into());
    };
    ask(
        "DROP",
        &format!("drop backup {id}"),
        &format!(
            "Dropping backup {id} deletes its copies for good:\n{}",
            line(backup, Utc::now())
        ),
    )
}

fn list(backups: &[Backup], output: Output) {
    if output.json() {
        let rows: Vec<serde_json::Value> = backups
            .iter()
            .map(|backup| {
                serde_json::json!({
                    "id": backup.id,
                    "version": backup.version,
                    "name": backup.name,
                    "tables": backup.items.iter().map(|item| item.describe()).collect::<Vec<_>>(),
                    "rows": backup.rows,
                    "bytes": backup.bytes,
                    "created_at": backup.created_at,
                    "restored_at": backup.restored_at,
                    "items": backup.items,
                })
            })
            .collect();
        output.json_value(&rows);
        return;
    }
    if backups.is_empty() {
        output.say("No backups.");
    }
    let now = Utc::now();
    for backup in backups {
        print_line(&line(backup, now));
    }
}

/// `3  20260112 drop_note  orders.note  10,000 rows  1.2 MiB  2 hours ago`.
fn line(backup: &Backup, now: chrono::DateTime<Utc>) -> String {
    let tables: Vec<String> = backup.items.iter().map(|item| item.describe()).collect();
    let restored = match backup.restored_at {
        Some(at) => format!(", restored {}", ago(at, now)),
        None => String::new(),
    };
    format!(
        "{:>4}  {}  {}  {} rows  {}  {}{restored}",
        backup.id,
        label(&backup.version, &backup.name),
        tables.join(", "),
        backup.rows,
        size(backup.bytes),
        ago(backup.created_at, now)
    )
}

/// Bytes for people.
fn size(bytes: i64) -> String {
    const KIB: f64 = 1024.0;
    let bytes = bytes as f64;
    if bytes < KIB {
        format!("{bytes} B")
    } else if bytes < KIB * KIB {
        format!("{:.1} KiB", bytes / KIB)
    } else if bytes < KIB * KIB * KIB {
        format!("{:.1} MiB", bytes / KIB / KIB)
    } else {
        format!("{:.1} GiB", bytes / KIB / KIB / KIB)
    }
}
