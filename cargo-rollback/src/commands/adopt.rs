//! `cargo rollback adopt`: take over a database another tool migrated
//! (DESIGN §11), as lines for people or one JSON object.

use anyhow::Result;
use rollback_runtime::AdoptFrom;
use rollback_runtime::adopt::{AdoptOptions, Adoption, adopt};
use rollback_runtime::verify::VerifyOptions;

use crate::cli::{GlobalArgs, ToolArg};
use crate::failure::{RefusedError, SUCCESS};
use crate::fleet::{Context, Target, TargetDone};
use crate::output::Output;
use crate::project::Project;
use crate::session::with_session;
use crate::wording::{label, migrations};

/// The command's own options.
pub struct AdoptArgs {
    pub from: Option<ToolArg>,
    pub dry_run: bool,
    pub accept_drift: bool,
}

pub async fn run(global: &GlobalArgs, args: &AdoptArgs, output: Output) -> Result<u8> {
    let project = Project::resolve(global)?;
    let set = project.load_migrations(output)?;
    let options = adopt_options(global, &project, args);
    let adoption = with_session(global, &project, false, output, async |session| {
        Ok(adopt(session, &set, &options).await?)
    })
    .await?;
    if output.json() {
        output.json_value(&adoption);
    } else {
        say(&adoption, args, output);
    }
    refuse_a_drifted_rehearsal(&adoption, args)?;
    Ok(SUCCESS)
}

/// What the command's flags and the project's settings ask of adoption.
pub fn adopt_options(global: &GlobalArgs, project: &Project, args: &AdoptArgs) -> AdoptOptions {
    AdoptOptions::new()
        .from(args.from.map(tool))
        .dry_run(args.dry_run)
        .accept_drift(args.accept_drift)
        .replay(
            VerifyOptions::new()
                .init_sql(project.init_sql.clone())
                .statement_timeout(global.statement_timeout),
        )
}

/// `adopt` on one target of a fleet: a target another tool migrated is
/// taken over with the same checks, and one with nothing to adopt is done.
pub async fn on_target(
    context: &Context<'_>,
    options: &AdoptOptions,
    args: &AdoptArgs,
    target: &Target,
) -> Result<TargetDone> {
    let adoption = context
        .with_session(target, false, async |session| {
            Ok(adopt(session, context.set, options).await?)
        })
        .await?;
    refuse_a_drifted_rehearsal(&adoption, args)?;
    let tool = adoption.tool;
    let count = migrations(adoption.adopted.len());
    let result = match (adoption.adopted.is_empty(), adoption.dry_run) {
        (true, _) => format!("nothing to adopt from {tool}"),
        (false, true) => format!("would adopt {count} from {tool}"),
        (false, false) => format!("adopted {count} from {tool}"),
    };
    Ok(TargetDone::with_detail(result, adoption))
}

/// A dry run exits as the real run would: refused when the schema drifted
/// and the differences were not accepted.
fn refuse_a_drifted_rehearsal(adoption: &Adoption, args: &AdoptArgs) -> Result<()> {
    if adoption.dry_run && !adoption.drift.is_empty() && !args.accept_drift {
        return Err(RefusedError(
            "a real run would refuse: the schema differs from the folder's migrations (--accept-drift records anyway)"
                .to_owned(),
        )
        .into());
    }
    Ok(())
}

fn tool(arg: ToolArg) -> AdoptFrom {
    match arg {
        ToolArg::Sqlx => AdoptFrom::Sqlx,
        ToolArg::Diesel => AdoptFrom::Diesel,
        ToolArg::Dbmate => AdoptFrom::Dbmate,
        ToolArg::GolangMigrate => AdoptFrom::GolangMigrate,
        ToolArg::Refinery => AdoptFrom::Refinery,
    }
}

fn say(adoption: &Adoption, args: &AdoptArgs, output: Output) {
    let tool = adoption.tool;
    let table = adoption.table;
    if args.from.is_none() {
        output.say(&format!("Found {tool}'s tracking table, {table}."));
    }
    for skipped in &adoption.reverted_since {
        output.say(&format!(
            "Not adopting {skipped}: cargo-rollback reverted it since recording it ({table} still lists it)."
        ));
    }
    if adoption.adopted.is_empty() {
        output.say(&format!(
            "Nothing to adopt: of the migrations {tool} applied, cargo-rollback has recorded {} and reverted {} since.",
            migrations(adoption.already_recorded),
            adoption.reverted_since.len()
        ));
        return;
    }
    let verb = if adoption.dry_run {
        "would record"
    } else {
        "recorded"
    };
    for migration in &adoption.adopted {
        output.say(&format!(
            "  {verb} {} (applied {}, {} ms)",
            label(&migration.version, &migration.name),
            migration.applied_at.format("%Y-%m-%d %H:%M:%S"),
            migration.execution_ms
        ));
    }
    if adoption.drift.is_empty() {
        output.say("The schema is what a replay of these migrations produces.");
    } else {
        output.say("The schema differs from a replay of these migrations:");
        for line in &adoption.drift {
            output.say(&format!("  {line}"));
        }
        if args.accept_drift && !adoption.dry_run {
            output.say("Recorded anyway (--accept-drift); the audit log keeps the differences.");
        }
    }
    let count = migrations(adoption.adopted.len());
    if adoption.dry_run {
        output.say(&format!(
            "Dry run: would adopt {count} from {tool}; nothing was recorded."
        ));
    } else {
        output.say(&format!(
            "Adopted {count} from {tool}; {table} is unchanged, so {tool} can take over again."
        ));
    }
}
