//! The tools adoption reads: each one's tracking table as the tool itself
//! writes it, how to recognise it, and its rows as [`ToolRecord`]s.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Serialize;

use crate::dialect::Spelling;

/// A migration tool a database was migrated with before cargo-rollback.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AdoptFrom {
    /// sqlx-cli and `sqlx::migrate!`: `_sqlx_migrations`, with a SHA-384 of each up.
    Sqlx,
    /// diesel_cli and `diesel_migrations`: `__diesel_schema_migrations`.
    Diesel,
    /// dbmate: `schema_migrations (version)`.
    Dbmate,
    /// golang-migrate: `schema_migrations (version, dirty)`, one row.
    GolangMigrate,
    /// refinery: `refinery_schema_history`, with a SipHash of each migration.
    Refinery,
}

impl AdoptFrom {
    /// Every tool, in the order they are looked for.
    pub const ALL: [AdoptFrom; 5] = [
        AdoptFrom::Sqlx,
        AdoptFrom::Diesel,
        AdoptFrom::Dbmate,
        AdoptFrom::GolangMigrate,
        AdoptFrom::Refinery,
    ];

    /// The tool's name, as `--from` spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            AdoptFrom::Sqlx => "sqlx",
            AdoptFrom::Diesel => "diesel",
            AdoptFrom::Dbmate => "dbmate",
            AdoptFrom::GolangMigrate => "golang-migrate",
            AdoptFrom::Refinery => "refinery",
        }
    }

    /// The tracking table the tool writes (its default name).
    pub fn table(self) -> &'static str {
        match self {
            AdoptFrom::Sqlx => "_sqlx_migrations",
            AdoptFrom::Diesel => "__diesel_schema_migrations",
            AdoptFrom::Dbmate | AdoptFrom::GolangMigrate => "schema_migrations",
            AdoptFrom::Refinery => "refinery_schema_history",
        }
    }

    /// Whether a table of [`table`](Self::table)'s name with these columns
    /// is this tool's: dbmate and golang-migrate share the name, and only
    /// golang-migrate's has `dirty`.
    pub(crate) fn recognises(self, columns: &[String]) -> bool {
        let has = |wanted: &str| {
            columns
                .iter()
                .any(|column| column.eq_ignore_ascii_case(wanted))
        };
        match self {
            AdoptFrom::Dbmate => has("version") && !has("dirty"),
            AdoptFrom::GolangMigrate => has("version") && has("dirty"),
            _ => has("version"),
        }
    }

    /// The query that reads the table, every value as text.
    pub(crate) fn query(self, spelling: &dyn Spelling) -> String {
        let text = |column: &str| spelling.text_of(column);
        let table = self.table();
        match self {
            AdoptFrom::Sqlx => format!(
                "SELECT {}, {}, {}, {}, {}, {} FROM {table} ORDER BY version",
                text("version"),
                text("description"),
                text("installed_on"),
                text("success"),
                spelling.hex_of("checksum"),
                text("execution_time"),
            ),
            AdoptFrom::Diesel => format!(
                "SELECT {}, {} FROM {table} ORDER BY version",
                text("version"),
                text("run_on")
            ),
            AdoptFrom::Dbmate => {
                format!("SELECT {} FROM {table} ORDER BY version", text("version"))
            }
            AdoptFrom::GolangMigrate => format!(
                "SELECT {}, {} FROM {table} ORDER BY version",
                text("version"),
                text("dirty")
            ),
            AdoptFrom::Refinery => format!(
                "SELECT {}, {}, {}, {} FROM {table} ORDER BY version",
                text("version"),
                text("name"),
                text("applied_on"),
                text("checksum")
            ),
        }
    }

    /// The table's rows (as [`query`](Self::query) reads them) as what the
    /// tool says is applied; an error names the value it cannot read.
    pub(crate) fn recorded(self, rows: Vec<Vec<Option<String>>>) -> Result<Recorded, String> {
        if self == AdoptFrom::GolangMigrate {
            return match <[_; 1]>::try_from(rows) {
                Ok([row]) => {
                    let mut cells = row.into_iter();
                    let version = cells.next().flatten().ok_or("its row has no version")?;
                    let dirty = cells.next().flatten().as_deref().map(flag).transpose()?;
                    Ok(Recorded::UpTo {
                        version,
                        dirty: dirty.unwrap_or(false),
                    })
                }
                Err(rows) if rows.is_empty() => Ok(Recorded::Each(Vec::new())),
                Err(rows) => Err(format!(
                    "{} holds {} rows, where golang-migrate writes one",
                    self.table(),
                    rows.len()
                )),
            };
        }
        rows.into_iter()
            .map(|row| self.record(row))
            .collect::<Result<_, _>>()
            .map(Recorded::Each)
    }

    /// One row of a table with a row per migration.
    fn record(self, row: Vec<Option<String>>) -> Result<ToolRecord, String> {
        let mut cells = row.into_iter();
        let mut next = || cells.next().flatten();
        let version = next().ok_or_else(|| format!("a row of {} has no version", self.table()))?;
        Ok(match self {
            AdoptFrom::Sqlx => {
                let name = next();
                let applied_at = next().as_deref().map(timestamp).transpose()?;
                let success = next().as_deref().map(flag).transpose()?;
                let checksum = next().map(|hex| ToolChecksum::Sha384(hex.to_ascii_lowercase()));
                // Nanoseconds; -1 while sqlx's MySQL migrator runs the script.
                let execution_ms = next()
                    .and_then(|nanos| nanos.parse::<i64>().ok())
                    .filter(|nanos| *nanos >= 0)
                    .map(|nanos| nanos / 1_000_000);
                ToolRecord {
                    failed: success != Some(true),
                    name,
                    applied_at,
                    execution_ms,
                    checksum,
                    version,
                }
            }
            AdoptFrom::Diesel => ToolRecord {
                applied_at: next().as_deref().map(timestamp).transpose()?,
                ..ToolRecord::applied(version)
            },
            AdoptFrom::Dbmate | AdoptFrom::GolangMigrate => ToolRecord::applied(version),
            AdoptFrom::Refinery => {
                let name = next();
                let applied_at = next().as_deref().map(timestamp).transpose()?;
                let checksum = next().map(ToolChecksum::Refinery);
                ToolRecord {
                    name,
                    applied_at,
                    checksum,
                    ..ToolRecord::applied(version)
                }
            }
        })
    }
}

impl fmt::Display for AdoptFrom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for AdoptFrom {
    type Err = String;

    fn from_str(text: &str) -> Result<AdoptFrom, String> {
        AdoptFrom::ALL
            .into_iter()
            .find(|tool| tool.as_str() == text)
            .ok_or_else(|| {
                let names: Vec<&str> = AdoptFrom::ALL.iter().map(|tool| tool.as_str()).collect();
                format!("unknown tool `{text}`: one of {}", names.join(", "))
            })
    }
}

/// What a tool's table says is applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Recorded {
    /// A row per applied migration.
    Each(Vec<ToolRecord>),
    /// golang-migrate's one row: every migration up to `version` is applied,
    /// and `dirty` says the last one stopped part-way.
    UpTo { version: String, dirty: bool },
}

/// One migration as another tool recorded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ToolRecord {
    /// The version as the tool stored it (digits, for every tool but a
    /// hand-edited table).
    pub version: String,
    /// The name or description it stored, where it stores one.
    pub name: Option<String>,
    /// When it applied the migration, where it says.
    pub applied_at: Option<DateTime<Utc>>,
    /// How long the up took, where it says.
    pub execution_ms: Option<i64>,
    /// Its checksum of the up, where it keeps one.
    pub checksum: Option<ToolChecksum>,
    /// Recorded as failed (sqlx's `success = false`).
    pub failed: bool,
}

impl ToolRecord {
    /// A migration recorded as applied, with nothing else known.
    pub(crate) fn applied(version: String) -> ToolRecord {
        ToolRecord {
            version,
            name: None,
            applied_at: None,
            execution_ms: None,
            checksum: None,
            failed: false,
        }
    }
}

/// A checksum another tool keeps of a migration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ToolChecksum {
    /// sqlx: SHA-384 of the up file, lowercase hex.
    Sha384(String),
    /// refinery: SipHash-1-3 of name, version and SQL, in decimal.
    Refinery(String),
}

/// A boolean as the three databases render one as text.
fn flag(text: &str) -> Result<bool, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "1" | "t" | "true" => Ok(true),
        "0" | "f" | "false" => Ok(false),
        other => Err(format!("`{other}` is not a boolean")),
    }
}

/// A timestamp as the databases render one as text (UTC when it has no
/// offset: SQLite's `CURRENT_TIMESTAMP`, and the session time zone sqlx
/// sets on MySQL), or as refinery writes it (RFC 3339).
fn timestamp(text: &str) -> Result<DateTime<Utc>, String> {
    let text = text.trim();
    if let Ok(when) = DateTime::parse_from_rfc3339(text) {
        return Ok(when.with_timezone(&Utc));
    }
    for format in ["%Y-%m-%d %H:%M:%S%.f%#z", "%Y-%m-%dT%H:%M:%S%.f%#z"] {
        if let Ok(when) = DateTime::parse_from_str(text, format) {
            return Ok(when.with_timezone(&Utc));
        }
    }
    for format in ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"] {
        if let Ok(when) = NaiveDateTime::parse_from_str(text, format) {
            return Ok(when.and_utc());
        }
    }
    Err(format!("`{text}` is not a timestamp"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[Option<&str>]) -> Vec<Option<String>> {
        cells.iter().map(|cell| cell.map(str::to_owned)).collect()
    }

    #[test]
    fn timestamps_are_read_as_each_database_renders_them() {
        let expected = "2026-01-02T03:04:05Z";
        for text in [
            "2026-01-02 03:04:05",
            "2026-01-02 03:04:05+00",
            "2026-01-02 04:04:05+01:00",
            "2026-01-02T03:04:05Z",
            "2026-01-02T03:04:05.000000000+00:00",
        ] {
            assert_eq!(
                timestamp(text)
                    .unwrap()
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                expected,
                "{text}"
            );
        }
        assert!(timestamp("yesterday").is_err());
    }

    #[test]
    fn sqlx_rows_say_failed_migrations_and_times_in_milliseconds() {
        let rows = vec![
            row(&[
                Some("1"),
                Some("users"),
                Some("2026-01-02 03:04:05"),
                Some("1"),
                Some("ABCD"),
                Some("2500000"),
            ]),
            row(&[
                Some("2"),
                Some("orders"),
                Some("2026-01-02 03:04:06"),
                Some("false"),
                Some("ef"),
                Some("-1"),
            ]),
        ];
        let Recorded::Each(records) = AdoptFrom::Sqlx.recorded(rows).unwrap() else {
            panic!("a row per migration");
        };
        assert!(!records[0].failed);
        assert_eq!(records[0].execution_ms, Some(2));
        assert_eq!(
            records[0].checksum,
            Some(ToolChecksum::Sha384("abcd".to_owned()))
        );
        assert!(records[1].failed);
        assert_eq!(records[1].execution_ms, None);
    }

    #[test]
    fn golang_migrate_has_one_row() {
        assert_eq!(
            AdoptFrom::GolangMigrate.recorded(vec![row(&[Some("3"), Some("t")])]),
            Ok(Recorded::UpTo {
                version: "3".to_owned(),
                dirty: true
            })
        );
        assert_eq!(
            AdoptFrom::GolangMigrate.recorded(Vec::new()),
            Ok(Recorded::Each(Vec::new()))
        );
        assert!(
            AdoptFrom::GolangMigrate
                .recorded(vec![
                    row(&[Some("3"), Some("0")]),
                    row(&[Some("4"), Some("0")])
                ])
                .is_err()
        );
    }

    #[test]
    fn dbmate_and_golang_migrate_are_told_apart_by_their_columns() {
        let columns = |names: &[&str]| {
            names
                .iter()
                .map(|name| (*name).to_owned())
                .collect::<Vec<_>>()
        };
        assert!(AdoptFrom::Dbmate.recognises(&columns(&["version"])));
        assert!(!AdoptFrom::GolangMigrate.recognises(&columns(&["version"])));
        assert!(AdoptFrom::GolangMigrate.recognises(&columns(&["version", "dirty"])));
        assert!(!AdoptFrom::Dbmate.recognises(&columns(&["version", "dirty"])));
        assert!(!AdoptFrom::Sqlx.recognises(&[]));
    }

    #[test]
    fn tools_parse_by_name() {
        assert_eq!("golang-migrate".parse(), Ok(AdoptFrom::GolangMigrate));
        assert!(
            "flyway"
                .parse::<AdoptFrom>()
                .unwrap_err()
                .contains("sqlx, diesel")
        );
    }
}
