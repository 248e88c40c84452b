//! Writing results to stdout: human lines or JSON, colors only where wanted,
//! and a closed pipe (`cargo rollback status | head -1`) ends the program quietly.

use std::io::{self, Write};

use anstream::ColorChoice;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::cli::{ColorWhen, Format, GlobalArgs};

/// How results are printed.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    /// Human lines or JSON.
    pub format: Format,
    /// Only errors and requested data.
    pub quiet: bool,
    /// Also the settings used.
    pub verbose: bool,
}

impl Output {
    /// Reads the global options and sets the process-wide color choice.
    pub fn from_args(global: &GlobalArgs) -> Output {
        color_choice(global.color).write_global();
        Output {
            format: global.format.unwrap_or(Format::Human),
            quiet: global.quiet,
            verbose: global.verbose,
        }
    }

    /// Whether output is JSON.
    pub fn json(&self) -> bool {
        self.format == Format::Json
    }

    /// A progress or summary line, for people only.
    pub fn say(&self, line: &str) {
        if !self.quiet && !self.json() {
            print_line(line);
        }
    }

    /// A detail shown with `-v`, on stderr so that it never mixes with data.
    pub fn detail(&self, line: &str) {
        if self.verbose {
            let _ = writeln!(anstream::stderr().lock(), "{line}");
        }
    }

    /// The JSON document of a command.
    pub fn json_value<T: Serialize>(&self, value: &T) {
        let text = serde_json::to_string_pretty(value).expect("output types serialize");
        print_line(&text);
    }
}

/// `--color`, else `CARGO_TERM_COLOR` (as cargo subcommands do), else auto
/// (which honors `NO_COLOR` and terminals).
fn color_choice(flag: Option<ColorWhen>) -> ColorChoice {
    let from_cargo = || match std::env::var("CARGO_TERM_COLOR").ok()?.as_str() {
        "always" => Some(ColorWhen::Always),
        "never" => Some(ColorWhen::Never),
        "auto" => Some(ColorWhen::Auto),
        _ => None,
    };
    match flag.or_else(from_cargo).unwrap_or(ColorWhen::Auto) {
        ColorWhen::Auto => ColorChoice::Auto,
        ColorWhen::Always => ColorChoice::Always,
        ColorWhen::Never => ColorChoice::Never,
    }
}

/// Writes one line to stdout; a closed pipe exits successfully, as ripgrep does.
pub fn print_line(line: &str) {
    let mut stdout = anstream::stdout().lock();
    if let Err(error) = writeln!(stdout, "{line}").and_then(|()| stdout.flush())
        && error.kind() == io::ErrorKind::BrokenPipe
    {
        std::process::exit(0);
    }
}

/// "2 hours ago", for status lines.
pub fn ago(when: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let seconds = (now - when).num_seconds().max(0);
    let (count, unit) = match seconds {
        0..60 => return "just now".to_owned(),
        60..3_600 => (seconds / 60, "minute"),
        3_600..86_400 => (seconds / 3_600, "hour"),
        86_400..2_592_000 => (seconds / 86_400, "day"),
        2_592_000..31_536_000 => (seconds / 2_592_000, "month"),
        _ => (seconds / 31_536_000, "year"),
    };
    let plural = if count == 1 { "" } else { "s" };
    format!("{count} {unit}{plural} ago")
}

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;

    use super::*;

    #[test]
    fn ago_reads_naturally() {
        let now = Utc::now();
        assert_eq!(ago(now, now), "just now");
        assert_eq!(ago(now - TimeDelta::minutes(1), now), "1 minute ago");
        assert_eq!(ago(now - TimeDelta::hours(2), now), "2 hours ago");
        assert_eq!(ago(now - TimeDelta::days(3), now), "3 days ago");
        assert_eq!(ago(now - TimeDelta::days(800), now), "2 years ago");
        assert_eq!(ago(now + TimeDelta::hours(1), now), "just now");
    }
}
