//! `cargo rollback completions SHELL`: the shell's completion script for
//! `cargo-rollback`, from the same clap definition that parses the command
//! line, so it never falls behind a new option. It needs no database and no
//! project.

use anyhow::Result;
use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;
use crate::failure::SUCCESS;
use crate::output::print_line;

/// The name the script completes: the installed binary. (`cargo rollback`
/// is `cargo`'s to complete; a completion cannot name a command with a space.)
const BINARY: &str = "cargo-rollback";

pub fn run(shell: Shell) -> Result<u8> {
    // Generated into memory first: clap_complete panics when a write fails,
    // and `print_line` ends quietly on a closed pipe instead.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), BINARY, &mut script);
    let mut script = String::from_utf8_lossy(&script).into_owned();
    if shell == Shell::Bash {
        // clap_complete 4.6 spells a hyphenated binary's subcommand states two
        // ways, `cargo__rollback__subcmd__up` where it walks the words and
        // `cargo__subcmd__rollback__subcmd__up` in the arms that complete
        // them, so no subcommand's options would complete
        // (clap-rs/clap#6421). One spelling, the walk's, mends it; once
        // clap_complete is fixed this replaces nothing.
        script = script.replace(
            "cargo__subcmd__rollback__subcmd__",
            "cargo__rollback__subcmd__",
        );
    }
    print_line(script.trim_end());
    Ok(SUCCESS)
}
