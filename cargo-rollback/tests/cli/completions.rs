//! `completions SHELL`: a script for each shell, printed with no database
//! and no cargo project around.

use std::process::{Command, Output};

use rstest::rstest;

use crate::support::BIN;

/// Runs the binary with `args` in an empty folder, with no `DATABASE_URL`.
fn run_alone(args: &[&str]) -> Output {
    let dir = tempfile::tempdir().expect("temporary folder");
    Command::new(BIN)
        .args(args)
        .current_dir(dir.path())
        .env_remove("DATABASE_URL")
        .output()
        .expect("run cargo-rollback")
}

#[rstest]
#[case::bash("bash", "complete -F _cargo__rollback")]
#[case::zsh("zsh", "#compdef cargo-rollback")]
#[case::fish("fish", "complete -c cargo-rollback")]
#[case::powershell(
    "powershell",
    "Register-ArgumentCompleter -Native -CommandName 'cargo-rollback'"
)]
fn each_shell_gets_a_script_naming_every_subcommand(#[case] shell: &str, #[case] syntax: &str) {
    let run = run_alone(&["completions", shell]);
    let script = String::from_utf8(run.stdout).expect("UTF-8 script");
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(script.contains(syntax), "no `{syntax}` in:\n{script}");
    for subcommand in ["up", "plan", "status", "verify", "generate", "backups"] {
        assert!(
            script.contains(subcommand),
            "{shell}: no `{subcommand}` in the script"
        );
    }
    assert!(script.contains("database-url"), "{shell}: no global option");
    assert!(script.ends_with('\n') && !script.ends_with("\n\n"));
}

/// The bash script, sourced into bash, completes `cargo-rollback ver` to
/// `verify`, and a subcommand's own options after it.
#[test]
fn bash_completes_subcommands_and_their_options() {
    let script = run_alone(&["completions", "bash"]).stdout;
    let complete = |words: &str| {
        let program = format!(
            "source /dev/stdin; COMP_WORDS=({words}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); \
             _cargo__rollback cargo-rollback \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"; \
             echo \"${{COMPREPLY[@]}}\""
        );
        let mut child = Command::new("bash")
            .args(["-c", &program])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("run bash");
        std::io::Write::write_all(&mut child.stdin.take().unwrap(), &script).unwrap();
        let output = child.wait_with_output().expect("wait for bash");
        String::from_utf8(output.stdout).unwrap().trim().to_owned()
    };
    assert_eq!(complete("cargo-rollback ver"), "verify");
    assert_eq!(complete("cargo-rollback completions z"), "zsh");
    assert!(
        complete("cargo-rollback verify --f").contains("--from"),
        "verify's --from"
    );
}

#[test]
fn an_unknown_shell_is_bad_usage() {
    let run = run_alone(&["completions", "tcsh"]);
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("invalid value 'tcsh'") && stderr.contains("bash"),
        "{stderr}"
    );
}
