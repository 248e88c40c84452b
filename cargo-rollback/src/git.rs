//! The files git says changed since a revision, for `lint --since`.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::Result;

use crate::failure::UsageError;

/// The files added or changed since `revision` (committed, staged, in the
/// working tree, or new and untracked), canonicalized. Deleted files are
/// left out: there is nothing to lint.
pub fn changed_since(revision: &str) -> Result<BTreeSet<PathBuf>> {
    let top = git(&["rev-parse", "--show-toplevel"], None)
        .map_err(|message| UsageError(format!("--since needs a git repository: {message}")))?;
    let top = PathBuf::from(top.trim());
    let diff = git(&["diff", "--name-only", revision, "--"], Some(&top)).map_err(|message| {
        UsageError(format!(
            "--since {revision}: not a revision git knows ({message})"
        ))
    })?;
    let untracked = git(&["ls-files", "--others", "--exclude-standard"], Some(&top))
        .map_err(|message| UsageError(format!("--since {revision}: {message}")))?;
    Ok(diff
        .lines()
        .chain(untracked.lines())
        .filter(|line| !line.is_empty())
        .filter_map(|name| fs::canonicalize(top.join(name)).ok())
        .collect())
}

/// Runs git; its standard output, or its first line of error.
fn git(args: &[&str], dir: Option<&Path>) -> Result<String, String> {
    let mut command = Command::new("git");
    command.args(args);
    if let Some(dir) = dir {
        command.current_dir(dir);
    }
    let output = command
        .output()
        .map_err(|error| format!("cannot run git: {error}"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(stderr
            .lines()
            .find(|line| !line.trim().is_empty())
            .unwrap_or("git failed")
            .trim_start_matches("fatal: ")
            .to_owned());
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}
