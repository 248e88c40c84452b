//! How a rollback plan reads: for a person at the terminal (`plan`, and
//! before a rollback asks for its confirmation), and as a Markdown document a
//! reviewer reads beside the change (`plan --format markdown`).

use rollback_runtime::plan::{Impact, PlannedRevert, PlannedStatement, RollbackPlan};
use rollback_runtime::sql::StatementClass;

use crate::age::format_age;
use crate::wording::{count, label, one_line};

/// The plan as a person reads it at the terminal (also shown before the
/// confirmation).
pub fn human(plan: &RollbackPlan) -> String {
    let mut text = format!(
        "Rollback plan for {} ({}): {}, about {}{}\n",
        plan.database,
        plan.dialect,
        count(plan.migrations.len(), "migration"),
        duration(plan.estimated_ms),
        if plan.backup {
            ", data backed up first"
        } else {
            ", NO BACKUP"
        }
    );
    for line in backup_lines(plan) {
        text.push_str(&format!("  {line}\n"));
    }
    for migration in &plan.migrations {
        text.push_str(&format!(
            "\n  {}  ({}{})\n",
            label(&migration.version, &migration.name),
            migration.source,
            if migration.no_transaction {
                ", outside a transaction"
            } else {
                ""
            }
        ));
        for statement in &migration.statements {
            text.push_str(&format!(
                "    {:<12} {}\n",
                class_name(statement.class),
                one_line(&statement.sql, 100)
            ));
            for line in impact_lines(statement) {
                text.push_str(&format!("                 → {line}\n"));
            }
        }
        for target in &migration.backups {
            text.push_str(&format!("    backup: {}\n", target.describe()));
        }
        for lost in &migration.not_backed_up {
            text.push_str(&format!("    not backed up: {lost}\n"));
        }
        text.push_str(&format!(
            "    estimated: {}\n",
            duration(migration.estimated_ms)
        ));
    }
    if let Some(stop) = &plan.stops_at {
        text.push_str(&format!(
            "\n  stops before {}: irreversible: {}\n",
            label(&stop.version, &stop.name),
            stop.reason
        ));
    }
    if plan.migrations.is_empty() {
        text.push_str("\n  nothing to revert\n");
    }
    text.trim_end().to_owned()
}

/// Who can read the copies and how long they are kept, when there are any.
fn backup_lines(plan: &RollbackPlan) -> Vec<String> {
    let Some(readers) = &plan.backup_readers else {
        return Vec::new();
    };
    let kept = match plan.backup_retention {
        Some(retention) => format!(
            "kept {} (backup-retention): the first rollback after that deletes them",
            format_age(retention)
        ),
        None => {
            "kept until deleted: `cargo rollback backups prune` (or backup-retention)".to_owned()
        }
    };
    vec![
        format!("who can read the backups: {readers}"),
        format!("backups are {kept}"),
    ]
}

/// The plan as a Markdown document a reviewer reads beside the change: what
/// runs, what is lost without a backup, how long it takes, how to undo it.
pub fn markdown(plan: &RollbackPlan) -> String {
    let mut doc = String::from("# Rollback plan\n\n");
    doc.push_str(&format!(
        "- **Database:** `{}` ({})\n",
        plan.database, plan.dialect
    ));
    doc.push_str(&format!(
        "- **Reverts:** {}, most recently applied first\n",
        count(plan.migrations.len(), "migration")
    ));
    doc.push_str(&format!(
        "- **Estimated duration:** about {}\n",
        duration(plan.estimated_ms)
    ));
    doc.push_str(&format!(
        "- **Backup:** {}\n",
        if plan.backup {
            "on: the data each down destroys is copied inside the database just before it runs"
        } else {
            "**off** (`--no-backup`): what the downs destroy is lost"
        }
    ));
    for line in backup_lines(plan) {
        doc.push_str(&format!("  - {line}\n"));
    }
    doc.push_str(&format!(
        "- **Confirmation:** {}\n",
        if plan.needs_confirmation() {
            "required (destructive or unclassified statements)"
        } else {
            "not required (schema changes only)"
        }
    ));
    if let Some(stop) = &plan.stops_at {
        doc.push_str(&format!(
            "- **Stops before:** `{}`, irreversible: {}\n",
            label(&stop.version, &stop.name),
            stop.reason
        ));
    }
    for (number, migration) in plan.migrations.iter().enumerate() {
        doc.push_str(&markdown_migration(number + 1, migration, plan.backup));
    }
    doc.push_str("\n## How to undo this rollback\n\n");
    match plan.migrations.last() {
        None => doc.push_str("Nothing is reverted, so there is nothing to undo.\n"),
        Some(_) => {
            let versions: Vec<String> = plan
                .migrations
                .iter()
                .map(|migration| format!("`{}`", migration.version))
                .collect();
            doc.push_str(&format!(
                "1. Apply the migrations again: `cargo rollback up` (it applies every pending migration; {} among them).\n",
                versions.join(", ")
            ));
            if plan.backup {
                doc.push_str(
                    "2. Put the backed-up data back: `cargo rollback backups` lists the backups this rollback took (one per migration that destroyed data); run `cargo rollback restore ID` for each, newest first. Each reports the rows it restored.\n",
                );
            } else {
                doc.push_str("2. Without a backup, the data listed above is gone: restore it from your own backups.\n");
            }
        }
    }
    doc.trim_end().to_owned()
}

fn markdown_migration(number: usize, migration: &PlannedRevert, backup: bool) -> String {
    let mut doc = format!(
        "\n## {number}. Revert `{}`\n\n",
        label(&migration.version, &migration.name)
    );
    doc.push_str(&format!(
        "Down script: `{}`, {}. Its up took {}; the revert is estimated at {}.\n\n",
        migration.source,
        if migration.no_transaction {
            "runs **outside a transaction**"
        } else {
            "runs in one transaction"
        },
        duration(migration.up_ms),
        duration(migration.estimated_ms)
    ));
    doc.push_str("| # | line | class | statement |\n|--:|--:|---|---|\n");
    for (index, statement) in migration.statements.iter().enumerate() {
        doc.push_str(&format!(
            "| {} | {} | {} | `{}` |\n",
            index + 1,
            statement.line,
            class_name(statement.class),
            one_line(&statement.sql, 120)
                .replace('|', "\\|")
                .replace('`', "'")
        ));
    }
    let lost: Vec<String> = migration.statements.iter().flat_map(impact_lines).collect();
    doc.push_str("\n**What it destroys:**");
    if lost.is_empty() && migration.not_backed_up.is_empty() {
        doc.push_str(" nothing stored.\n");
    } else {
        doc.push('\n');
        for line in lost {
            doc.push_str(&format!("- {line}\n"));
        }
        for line in &migration.not_backed_up {
            doc.push_str(&format!("- {line}\n"));
        }
    }
    if backup {
        doc.push_str("\n**Backed up first:**");
        if migration.backups.is_empty() {
            doc.push_str(" nothing (no data to lose).\n");
        } else {
            doc.push('\n');
            for target in &migration.backups {
                doc.push_str(&format!("- `{}`\n", target.describe()));
            }
        }
    }
    doc
}

/// What a statement destroys, one line per thing.
fn impact_lines(statement: &PlannedStatement) -> Vec<String> {
    let mut lines: Vec<String> = statement
        .impact
        .iter()
        .map(|impact| match impact {
            Impact::Table {
                table,
                rows,
                referenced_by,
                indexes,
                views,
            } => {
                let mut line = format!("drops table {table} with {}", count(*rows as usize, "row"));
                for (what, names) in [
                    ("referenced by", referenced_by),
                    ("indexes", indexes),
                    ("views", views),
                ] {
                    if !names.is_empty() {
                        line.push_str(&format!("; {what}: {}", names.join(", ")));
                    }
                }
                line
            }
            Impact::Column {
                table,
                column,
                rows,
                non_null,
            } => format!(
                "drops column {table}.{column}: {} that are not NULL, in {}",
                count(*non_null as usize, "value"),
                count(*rows as usize, "row")
            ),
            Impact::Rows { table, rows } => {
                format!(
                    "changes rows of {table} ({} now)",
                    count(*rows as usize, "row")
                )
            }
            Impact::View { view } => format!("drops view {view}"),
            Impact::Schema { schema, tables } => {
                format!("drops schema {schema} with tables: {}", tables.join(", "))
            }
            Impact::Absent { object } => format!("{object} does not exist now"),
        })
        .collect();
    if let Some(reason) = &statement.unclassified_reason {
        lines.push(format!("not understood, treated as destructive: {reason}"));
    }
    lines
}

/// A statement's class as a word.
fn class_name(class: StatementClass) -> &'static str {
    match class {
        StatementClass::Schema => "schema",
        StatementClass::Destructive => "destructive",
        StatementClass::Data => "data",
        StatementClass::Unclassified => "unclassified",
    }
}

/// "12 ms", "3.4 s".
fn duration(ms: i64) -> String {
    if ms < 1000 {
        format!("{} ms", ms.max(1))
    } else {
        format!("{:.1} s", ms as f64 / 1000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_rounded_for_people() {
        assert_eq!(duration(0), "1 ms");
        assert_eq!(duration(3_400), "3.4 s");
    }
}
