//! Exit codes, and how an error is printed: one `error:` line with its cause
//! chain, never a panic or a backtrace.

use std::io::Write;
use std::process::ExitCode;

use anstyle::{AnsiColor, Style};
use rollback_runtime::error::display_chain;
use rollback_runtime::{Error, ErrorKind};

use crate::hints::hint;

/// Exit code: the command did what it was asked.
pub const SUCCESS: u8 = 0;
/// Exit code: the work failed (a SQL error, a lost connection).
pub const FAILED: u8 = 1;
/// Exit code: bad usage or bad input (arguments, folder, URL, version).
pub const USAGE: u8 = 2;
/// Exit code: refused by a safety check (confirmation missing, drift, dirty
/// database, irreversible migration); nothing was changed by the refused step.
pub const REFUSED: u8 = 3;
/// Exit code: `generate` made a down that restores the schema but has
/// statements it cannot undo (`-- rollback: cannot invert:` lines), and
/// `--allow-partial` did not accept it: a decision for a person, not a
/// failure of the down.
pub const PARTIAL: u8 = 4;

/// An input error found by the CLI itself (a missing URL, a bad package name).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// A refusal decided by the CLI itself (a rollback not confirmed).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct RefusedError(pub String);

/// The exit code for an error: the first error in its chain that knows its kind.
pub fn exit_code(error: &anyhow::Error) -> u8 {
    for cause in error.chain() {
        if let Some(error) = cause.downcast_ref::<Error>() {
            return match error.kind() {
                ErrorKind::Input => USAGE,
                ErrorKind::Refused => REFUSED,
                _ => FAILED,
            };
        }
        if cause.is::<UsageError>() {
            return USAGE;
        }
        if cause.is::<RefusedError>() {
            return REFUSED;
        }
    }
    FAILED
}

/// Prints the error to stderr: each line of its message as an `error:` line
/// (a folder with three problems gives three lines), causes joined with `: `,
/// and the flag or command that settles it ([`hint`]) at the end.
pub fn report(error: &anyhow::Error) -> ExitCode {
    let style = Style::new().bold().fg_color(Some(AnsiColor::Red.into()));
    let mut stderr = anstream::stderr().lock();
    for line in message(error).lines() {
        let _ = writeln!(stderr, "{style}error{style:#}: {line}");
    }
    ExitCode::from(exit_code(error))
}

/// The error's message: its cause chain, then the hint that settles it.
pub fn message(error: &anyhow::Error) -> String {
    let mut message = display_chain(error.as_ref());
    if let Some(hint) = error
        .chain()
        .find_map(|cause| cause.downcast_ref::<Error>())
        .and_then(hint)
    {
        message.push_str(&hint);
    }
    message
}

/// Prints a warning to stderr.
pub fn warn(message: &str) {
    let style = Style::new().bold().fg_color(Some(AnsiColor::Yellow.into()));
    let _ = writeln!(
        anstream::stderr().lock(),
        "{style}warning{style:#}: {message}"
    );
}
