//! `cargo rollback check`: the folder's rules, for CI.

use anyhow::Result;
use rollback_runtime::Error;
use rollback_runtime::migration::{LoadOptions, LoadWarning};
use serde::Serialize;

use crate::cli::GlobalArgs;
use crate::failure::{SUCCESS, warn};
use crate::output::Output;
use crate::project::Project;

#[derive(Serialize)]
struct Report {
    migrations: usize,
    irreversible: Vec<Irreversible>,
    warnings: Vec<String>,
}

#[derive(Serialize)]
struct Irreversible {
    version: String,
    name: String,
    reason: String,
}

pub fn run(global: &GlobalArgs, output: Output) -> Result<u8> {
    let project = Project::resolve(global)?;
    let options = LoadOptions {
        empty_down: project.empty_down,
        ..LoadOptions::default()
    };
    let loaded =
        rollback_runtime::migration::load(&project.migrations, &options).map_err(Error::from)?;
    let set = &loaded.migrations;
    let report = Report {
        migrations: set.migrations().len(),
        irreversible: set
            .migrations()
            .iter()
            .filter_map(|migration| {
                migration.irreversible().map(|reason| Irreversible {
                    version: migration.version().to_string(),
                    name: migration.name().to_owned(),
                    reason: reason.to_owned(),
                })
            })
            .collect(),
        warnings: loaded.warnings.iter().map(LoadWarning::to_string).collect(),
    };
    if output.json() {
        output.json_value(&report);
        return Ok(SUCCESS);
    }
    if !output.quiet {
        for warning in &report.warnings {
            warn(warning);
        }
    }
    for migration in &report.irreversible {
        output.say(&format!(
            "irreversible: {} {} ({})",
            migration.version, migration.name, migration.reason
        ));
    }
    output.say(&format!(
        "{}: {} migrations, every up paired with its down ({} irreversible).",
        project.migrations.display(),
        report.migrations,
        report.irreversible.len()
    ));
    Ok(SUCCESS)
}
