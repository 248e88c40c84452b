//! `cargo rollback init`: the build.rs line that makes cargo rebuild the crate
//! when a migration is added (`include_str!` sees edits, not new files).

use std::fs;
use std::path::Path;

use anyhow::{Context, Result};

use crate::cli::GlobalArgs;
use crate::failure::{SUCCESS, UsageError};
use crate::output::Output;
use crate::project::Project;

pub fn run(global: &GlobalArgs, output: Output) -> Result<u8> {
    let project = Project::resolve(global)?;
    let package_dir = project.package_dir.clone().ok_or_else(|| {
        UsageError("init needs a cargo package: run it inside one, or pass -p".to_owned())
    })?;
    let migrations = if project.migrations.is_absolute() {
        project.migrations.clone()
    } else {
        std::env::current_dir()?.join(&project.migrations)
    };
    fs::create_dir_all(&migrations)
        .with_context(|| format!("creating {}", migrations.display()))?;
    let relative = migrations
        .strip_prefix(&package_dir)
        .unwrap_or(&migrations)
        .to_string_lossy()
        .replace('\\', "/");
    let line = format!("println!(\"cargo:rerun-if-changed={relative}\");");
    let build_rs = package_dir.join("build.rs");
    let message = write_build_rs(&build_rs, &relative, &line)?;
    output.say(&message);
    Ok(SUCCESS)
}

/// The build.rs `init` writes where there is none, kept as a file in
/// `templates/`: as it is, the one for the default `migrations` folder.
const BUILD_RS_TEMPLATE: &str = include_str!("../../templates/build.rs");

/// The template's rerun line, which names the project's own folder instead.
const TEMPLATE_LINE: &str = "println!(\"cargo:rerun-if-changed=migrations\");";

fn write_build_rs(build_rs: &Path, relative: &str, line: &str) -> Result<String> {
    if !build_rs.exists() {
        let contents = BUILD_RS_TEMPLATE.replacen(TEMPLATE_LINE, line, 1);
        fs::write(build_rs, contents).with_context(|| format!("writing {}", build_rs.display()))?;
        return Ok(format!("Created {} with `{line}`.", build_rs.display()));
    }
    let existing =
        fs::read_to_string(build_rs).with_context(|| format!("reading {}", build_rs.display()))?;
    if existing.contains(&format!("rerun-if-changed={relative}\"")) {
        return Ok(format!(
            "{} already rebuilds when {relative} changes.",
            build_rs.display()
        ));
    }
    let Some(body) = existing
        .find("fn main()")
        .and_then(|at| existing[at..].find('{').map(|brace| at + brace + 1))
    else {
        return Err(UsageError(format!(
            "{} has no `fn main() {{`: add `{line}` to its main function by hand",
            build_rs.display()
        ))
        .into());
    };
    let updated = format!("{}\n    {line}{}", &existing[..body], &existing[body..]);
    fs::write(build_rs, updated).with_context(|| format!("writing {}", build_rs.display()))?;
    Ok(format!("Added `{line}` to {}.", build_rs.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds_the_line_once_to_an_existing_build_script() {
        let dir = std::env::temp_dir().join(format!("rollback-init-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let build_rs = dir.join("build.rs");
        fs::write(&build_rs, "fn main() {\n    println!(\"other\");\n}\n").unwrap();
        let line = "println!(\"cargo:rerun-if-changed=migrations\");";
        write_build_rs(&build_rs, "migrations", line).unwrap();
        write_build_rs(&build_rs, "migrations", line).unwrap();
        let text = fs::read_to_string(&build_rs).unwrap();
        assert_eq!(text.matches(line).count(), 1, "{text}");
        assert!(text.contains("println!(\"other\")"));
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_new_build_script_names_the_folder_in_place_of_the_templates() {
        assert_eq!(BUILD_RS_TEMPLATE.matches(TEMPLATE_LINE).count(), 1);
        let dir = tempfile::tempdir().unwrap();
        let build_rs = dir.path().join("build.rs");
        let line = "println!(\"cargo:rerun-if-changed=db/migrations\");";
        write_build_rs(&build_rs, "db/migrations", line).unwrap();
        let text = fs::read_to_string(&build_rs).unwrap();
        assert_eq!(text, BUILD_RS_TEMPLATE.replace(TEMPLATE_LINE, line));
        assert!(!text.contains(TEMPLATE_LINE), "{text}");
    }
}
