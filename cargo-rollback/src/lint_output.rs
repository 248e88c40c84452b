//! `cargo rollback lint`'s findings in each format: lines for people, JSON,
//! SARIF 2.1.0 for code scanning, and GitHub Actions annotations.

use std::collections::BTreeMap;

use anstyle::{AnsiColor, Style};
use rollback_runtime::sql::lint::{Finding, Rule, Severity, rules};
use serde_json::{Value, json};

use crate::cli::Format;
use crate::output::{Output, print_line};

/// How many findings of each severity, and over how many migrations.
#[derive(Debug, serde::Serialize)]
pub struct Summary {
    /// Migrations linted.
    pub migrations: usize,
    /// Error-level findings.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
    /// Infos.
    pub infos: usize,
}

impl Summary {
    /// Counts `findings`.
    pub fn of(findings: &[Finding], migrations: usize) -> Summary {
        let count = |severity| findings.iter().filter(|f| f.severity == severity).count();
        Summary {
            migrations,
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            infos: count(Severity::Info),
        }
    }
}

/// Prints the findings in the output's format.
pub fn print(findings: &[Finding], summary: &Summary, output: Output) {
    match output.format {
        Format::Json => output.json_value(&json!({
            "findings": findings.iter().map(finding_json).collect::<Vec<_>>(),
            "summary": summary,
        })),
        Format::Sarif => output.json_value(&sarif(findings)),
        Format::Github => {
            for finding in findings {
                print_line(&github(finding));
            }
        }
        Format::Human | Format::Markdown | Format::Junit => human(findings, summary, output),
    }
}

fn name(code: &str) -> &'static str {
    rules()
        .find(|rule| rule.code == code)
        .map_or("", |rule| rule.name)
}

fn finding_json(finding: &Finding) -> Value {
    json!({
        "code": finding.code,
        "name": name(finding.code),
        "severity": finding.severity,
        "path": finding.path,
        "line": finding.line,
        "message": finding.message,
        "fix": finding.fix,
    })
}

fn human(findings: &[Finding], summary: &Summary, output: Output) {
    for finding in findings {
        let color = match finding.severity {
            Severity::Error => AnsiColor::Red,
            Severity::Warning => AnsiColor::Yellow,
            Severity::Info => AnsiColor::Cyan,
        };
        let style = Style::new().bold().fg_color(Some(color.into()));
        print_line(&format!(
            "{}:{}: {style}{}[{}]{style:#} {} ({})\n  fix: {}",
            finding.path,
            finding.line,
            finding.severity,
            finding.code,
            finding.message,
            name(finding.code),
            finding.fix
        ));
    }
    output.say(&format!(
        "{} migration{} linted: {} error{}, {} warning{}, {} info",
        summary.migrations,
        plural(summary.migrations),
        summary.errors,
        plural(summary.errors),
        summary.warnings,
        plural(summary.warnings),
        summary.infos
    ));
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

/// SARIF's level for a severity.
fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn sarif(findings: &[Finding]) -> Value {
    let all: Vec<&Rule> = rules().collect();
    let index: BTreeMap<&str, usize> = all
        .iter()
        .enumerate()
        .map(|(at, rule)| (rule.code, at))
        .collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|finding| {
            json!({
                "ruleId": finding.code,
                "ruleIndex": index.get(finding.code),
                "level": sarif_level(finding.severity),
                "message": { "text": format!("{} Fix: {}", finding.message, finding.fix) },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": finding.path.replace('\\', "/") },
                        "region": { "startLine": finding.line },
                    }
                }],
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "cargo-rollback",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": env!("CARGO_PKG_REPOSITORY"),
                    "rules": all.iter().map(|rule| json!({
                        "id": rule.code,
                        "name": rule.name,
                        "shortDescription": { "text": rule.why },
                        "help": { "text": rule.fix },
                        "defaultConfiguration": { "level": sarif_level(rule.severity) },
                    })).collect::<Vec<_>>(),
                }
            },
            "results": results,
        }],
    })
}

/// One workflow command: `::error file=…,line=…,title=…::message`.
fn github(finding: &Finding) -> String {
    let command = match finding.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    format!(
        "::{command} file={},line={},title={}::{}",
        property(&finding.path),
        finding.line,
        property(&format!("{} {}", finding.code, name(finding.code))),
        data(&format!("{} Fix: {}", finding.message, finding.fix))
    )
}

/// Escapes a workflow command's message.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_commands_escape_their_values() {
        assert_eq!(data("50%\nnext"), "50%25%0Anext");
        assert_eq!(property("a:b,c"), "a%3Ab%2Cc");
    }
}
