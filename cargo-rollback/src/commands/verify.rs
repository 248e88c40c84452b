//! `cargo rollback verify`: replays every migration into a scratch database
//! and proves that each down undoes its up (DESIGN §6), as lines for people,
//! a JSON array or JUnit XML. Exit 1 when any migration fails.

use std::io::Write;
use std::time::Instant;

use anyhow::Result;
use rollback_runtime::VerifyReport;
use rollback_runtime::verify::{MigrationReport, VerifyOptions, VerifyResult, verify_with};

use crate::cli::{Format, GlobalArgs};
use crate::failure::{FAILED, SUCCESS};
use crate::fleet::{Context, Target, TargetDone};
use crate::output::{Output, print_line};
use crate::project::{Project, database_url};
use crate::selection::parse_version;
use crate::wording::{label, migrations};

pub async fn run(global: &GlobalArgs, from: Option<&str>, output: Output) -> Result<u8> {
    let project = Project::resolve(global)?;
    let set = project.load_migrations(output)?;
    let url = database_url(global)?;
    let options = options(global, &project, from)?;
    let started = Instant::now();
    let human = output.format == Format::Human;
    let mut show = |checked: &MigrationReport| {
        if human {
            print_migration(checked, output);
        }
    };
    let verifying = verify_with(&set, &url, &options, &mut show);
    // Ctrl-C drops the run: its scratch database is dropped with it, before
    // the process exits.
    let report = tokio::select! {
        report = verifying => report?,
        _ = tokio::signal::ctrl_c() => {
            anyhow::bail!("verify interrupted; its scratch database was dropped")
        }
    };
    match output.format {
        Format::Json => output.json_value(&report),
        Format::Junit => print_line(report.junit().trim_end()),
        _ => output.say(&summary(&report, started.elapsed().as_secs_f64())),
    }
    Ok(if report.passed() { SUCCESS } else { FAILED })
}

/// What `verify`'s options ask of the runtime.
fn options(global: &GlobalArgs, project: &Project, from: Option<&str>) -> Result<VerifyOptions> {
    Ok(VerifyOptions::new()
        .init_sql(project.init_sql.clone())
        .from(from.map(parse_version).transpose()?)
        .statement_timeout(global.statement_timeout))
}

/// [`options`] for a fleet.
pub fn verify_options(context: &Context<'_>, from: Option<&str>) -> Result<VerifyOptions> {
    options(context.global, context.project, from)
}

/// `verify` beside one target of a fleet: its scratch database is made on
/// that target's server; a migration that fails fails the target.
pub async fn on_target(
    context: &Context<'_>,
    options: &VerifyOptions,
    target: &Target,
) -> Result<TargetDone> {
    let report = verify_with(context.set, &target.url, options, &mut |_| {}).await?;
    let failing: Vec<&str> = report
        .migrations
        .iter()
        .filter(|checked| matches!(checked.result, VerifyResult::Fail | VerifyResult::Error))
        .map(|checked| checked.version.as_str())
        .collect();
    if !failing.is_empty() {
        anyhow::bail!(
            "{} of {} fail verification: {}",
            failing.len(),
            migrations(report.migrations.len()),
            failing.join(", ")
        );
    }
    Ok(TargetDone::with_detail(
        format!("{} verified", migrations(report.migrations.len())),
        report,
    ))
}

fn print_migration(checked: &MigrationReport, output: Output) {
    let migration = label(&checked.version, &checked.name);
    let seconds = checked.seconds;
    let (mark, what) = match checked.result {
        VerifyResult::Pass => ("✅", "pass"),
        VerifyResult::Fail => ("❌", "FAIL"),
        VerifyResult::Irreversible => ("⏭️ ", "irreversible, applied unchecked"),
        VerifyResult::Error => ("💥", "ERROR"),
        VerifyResult::Skipped => ("⏸️ ", "skipped"),
    };
    if checked.result == VerifyResult::Pass && output.quiet {
        return;
    }
    let mut lines = vec![format!("{mark} {migration}: {what} ({seconds:.2}s)")];
    for line in checked.error.iter().chain(&checked.diff) {
        lines.push(format!("     {line}"));
    }
    if !output.quiet {
        for note in &checked.notes {
            lines.push(format!("     note: {note}"));
        }
    }
    say_while_running(&lines.join("\n"));
}

/// Prints a line while the run goes on. Unlike [`print_line`], a closed pipe
/// (`cargo rollback verify | head`) does not end the process, which would
/// leave the scratch database behind: the run finishes and cleans up.
fn say_while_running(text: &str) {
    let mut stdout = anstream::stdout().lock();
    let _ = writeln!(stdout, "{text}").and_then(|()| stdout.flush());
}

fn summary(report: &VerifyReport, seconds: f64) -> String {
    let mut parts = vec![format!("{} pass", report.count(VerifyResult::Pass))];
    for result in [
        VerifyResult::Fail,
        VerifyResult::Error,
        VerifyResult::Irreversible,
        VerifyResult::Skipped,
    ] {
        let count = report.count(result);
        if count > 0 {
            parts.push(format!("{count} {}", result.as_str()));
        }
    }
    format!(
        "{} checked in {seconds:.1}s: {}",
        migrations(report.migrations.len()),
        parts.join(", ")
    )
}
