//! What `verify` found, per migration: the value the library returns, the
//! JSON the CLI prints (the same content), and JUnit XML for CI systems.

use serde::Serialize;

/// How one migration fared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum VerifyResult {
    /// The down restored the schema before the up (and the rows of the
    /// tables the migration does not touch), and the up again the schema
    /// after it.
    Pass,
    /// A difference: see the migration's `diff`.
    Fail,
    /// The migration has no down: it was applied and not checked.
    Irreversible,
    /// A script failed on the database: see the migration's `error`.
    Error,
    /// Not checked: an earlier migration could not be applied, so the
    /// schema this one expects could not be built.
    Skipped,
}

impl VerifyResult {
    /// `pass`, `fail`, `irreversible`, `error`, `skipped`.
    pub fn as_str(self) -> &'static str {
        match self {
            VerifyResult::Pass => "pass",
            VerifyResult::Fail => "fail",
            VerifyResult::Irreversible => "irreversible",
            VerifyResult::Error => "error",
            VerifyResult::Skipped => "skipped",
        }
    }

    /// Whether this result fails the run (exit 1).
    pub fn fails(self) -> bool {
        matches!(
            self,
            VerifyResult::Fail | VerifyResult::Error | VerifyResult::Skipped
        )
    }
}

/// One migration's verification.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct MigrationReport {
    /// The version.
    pub version: String,
    /// The name.
    pub name: String,
    /// Pass, fail, irreversible, error or skipped.
    pub result: VerifyResult,
    /// Each difference found, naming the object and the step after which it
    /// was seen (`index orders_customer: missing after down`).
    pub diff: Vec<String>,
    /// What is worth knowing but is no failure (column order, why a
    /// migration is irreversible or was skipped).
    pub notes: Vec<String>,
    /// The database's error when a script failed.
    pub error: Option<String>,
    /// How long checking it took.
    pub seconds: f64,
}

impl MigrationReport {
    /// A passing report for `migration`, before any check: what a check
    /// then records into.
    pub(crate) fn passing(migration: &rollback_core::Migration) -> MigrationReport {
        MigrationReport {
            version: migration.version().as_str().to_owned(),
            name: migration.name().to_owned(),
            result: VerifyResult::Pass,
            diff: Vec::new(),
            notes: Vec::new(),
            error: None,
            seconds: 0.0,
        }
    }
}

/// The verification of a folder: one entry per migration checked, oldest
/// first. Serializes as the array `cargo rollback verify --format json`
/// prints.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct VerifyReport {
    /// The migrations, oldest first.
    pub migrations: Vec<MigrationReport>,
}

impl VerifyReport {
    /// Whether every migration passed or is irreversible.
    pub fn passed(&self) -> bool {
        !self
            .migrations
            .iter()
            .any(|migration| migration.result.fails())
    }

    /// How many migrations had this result.
    pub fn count(&self, result: VerifyResult) -> usize {
        self.migrations
            .iter()
            .filter(|migration| migration.result == result)
            .count()
    }

    /// The migrations that failed, errored or were skipped.
    pub fn failures(&self) -> impl Iterator<Item = &MigrationReport> {
        self.migrations
            .iter()
            .filter(|migration| migration.result.fails())
    }

    /// JUnit XML: one test case per migration; a difference is a
    /// `<failure>` with the diff, a script error an `<error>`, an
    /// irreversible or skipped migration `<skipped>`.
    pub fn junit(&self) -> String {
        let seconds: f64 = self.migrations.iter().map(|m| m.seconds).sum();
        let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        xml.push_str(&format!(
            "<testsuites>\n  <testsuite name=\"cargo rollback verify\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{seconds:.3}\">\n",
            self.migrations.len(),
            self.count(VerifyResult::Fail),
            self.count(VerifyResult::Error),
            self.count(VerifyResult::Irreversible) + self.count(VerifyResult::Skipped),
        ));
        for migration in &self.migrations {
            let label = if migration.name.is_empty() {
                migration.version.clone()
            } else {
                format!("{} {}", migration.version, migration.name)
            };
            xml.push_str(&format!(
                "    <testcase classname=\"migrations\" name=\"{}\" time=\"{:.3}\">\n",
                escape(&label),
                migration.seconds
            ));
            let summary = migration
                .diff
                .first()
                .or(migration.error.as_ref())
                .or(migration.notes.first())
                .cloned()
                .unwrap_or_default();
            let body = migration
                .diff
                .iter()
                .chain(&migration.error)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n");
            match migration.result {
                VerifyResult::Pass => {}
                VerifyResult::Fail => xml.push_str(&format!(
                    "      <failure message=\"{}\">{}</failure>\n",
                    escape(&summary),
                    escape(&body)
                )),
                VerifyResult::Error => xml.push_str(&format!(
                    "      <error message=\"{}\">{}</error>\n",
                    escape(&summary),
                    escape(&body)
                )),
                VerifyResult::Irreversible | VerifyResult::Skipped => xml.push_str(&format!(
                    "      <skipped message=\"{}: {}\"/>\n",
                    migration.result.as_str(),
                    escape(&summary)
                )),
            }
            if !migration.notes.is_empty() {
                xml.push_str(&format!(
                    "      <system-out>{}</system-out>\n",
                    escape(&migration.notes.join("\n"))
                ));
            }
            xml.push_str("    </testcase>\n");
        }
        xml.push_str("  </testsuite>\n</testsuites>\n");
        xml
    }
}

/// Text for an XML attribute or element.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\n' => escaped.push_str("&#10;"),
            c if (c as u32) < 0x20 && c != '\t' => {}
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn junit_has_one_case_per_migration_and_escapes() {
        let report = VerifyReport {
            migrations: vec![
                MigrationReport {
                    version: "1".to_owned(),
                    name: "a<b".to_owned(),
                    result: VerifyResult::Fail,
                    diff: vec!["index \"i\": missing after down".to_owned()],
                    notes: Vec::new(),
                    error: None,
                    seconds: 0.5,
                },
                MigrationReport {
                    version: "2".to_owned(),
                    name: String::new(),
                    result: VerifyResult::Pass,
                    diff: Vec::new(),
                    notes: Vec::new(),
                    error: None,
                    seconds: 0.25,
                },
            ],
        };
        let xml = report.junit();
        assert!(xml.contains("tests=\"2\" failures=\"1\""), "{xml}");
        assert!(xml.contains("name=\"1 a&lt;b\""), "{xml}");
        assert!(xml.contains("&quot;i&quot;: missing after down"), "{xml}");
        assert!(!report.passed());
    }
}
