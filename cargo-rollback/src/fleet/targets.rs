//! The targets file of `--targets`: one database URL a line, `#` comments
//! and blank lines ignored, `-` for standard input. Every line is checked
//! before any database is touched, so a typo on line 900 changes nothing.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use anyhow::Result;
use rollback_runtime::url::DatabaseUrl;

use crate::failure::UsageError;

/// One database of the fleet.
#[derive(Debug)]
pub struct Target {
    /// The URL as written, password included: only for connecting.
    pub url: String,
    /// The URL with its password masked: how the target is shown.
    pub shown: String,
}

/// Reads and checks the targets named by `--targets`.
pub fn read(path: &Path) -> Result<Vec<Target>> {
    let name = if path == Path::new("-") {
        "standard input".to_owned()
    } else {
        path.display().to_string()
    };
    let unreadable = |error: std::io::Error| UsageError(format!("cannot read {name}: {error}"));
    let reader: Box<dyn Read> = if path == Path::new("-") {
        Box::new(std::io::stdin())
    } else {
        Box::new(std::fs::File::open(path).map_err(unreadable)?)
    };
    let mut targets = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (index, line) in BufReader::new(reader).lines().enumerate() {
        let line = line.map_err(unreadable)?;
        let number = index + 1;
        let url = line.trim();
        if url.is_empty() || url.starts_with('#') {
            continue;
        }
        let parsed = DatabaseUrl::parse(url)
            .map_err(|error| UsageError(format!("{name} line {number}: {error}")))?;
        if let Some(first) = seen.insert(url.to_owned(), number) {
            return Err(UsageError(format!(
                "{name} line {number}: {} is already on line {first}",
                parsed.masked()
            ))
            .into());
        }
        targets.push(Target {
            url: url.to_owned(),
            shown: parsed.masked(),
        });
    }
    if targets.is_empty() {
        return Err(UsageError(format!("{name} lists no database URL")).into());
    }
    Ok(targets)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn file(text: &str) -> tempfile::NamedTempFile {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(text.as_bytes()).unwrap();
        file
    }

    #[test]
    fn comments_and_blank_lines_are_skipped_and_passwords_masked() {
        let file = file("# tenants\n\nsqlite:a.db\n  postgres://u:secret@h/db?schema=t1  \n");
        let targets = read(file.path()).unwrap();
        assert_eq!(targets.len(), 2);
        assert_eq!(targets[0].shown, "sqlite:a.db");
        assert_eq!(targets[1].url, "postgres://u:secret@h/db?schema=t1");
        assert_eq!(targets[1].shown, "postgres://u:***@h/db?schema=t1");
    }

    #[test]
    fn a_bad_line_is_named_by_its_number() {
        let file = file("sqlite:a.db\n# fine\noracle://u:pw@h/db\n");
        let error = read(file.path()).unwrap_err().to_string();
        assert!(error.contains("line 3"), "{error}");
        assert!(!error.contains("pw@"), "{error}");
    }

    #[test]
    fn a_repeated_url_and_an_empty_file_are_refused() {
        let repeated = read(file("sqlite:a.db\nsqlite:b.db\nsqlite:a.db\n").path())
            .unwrap_err()
            .to_string();
        assert!(
            repeated.contains("line 3") && repeated.contains("line 1"),
            "{repeated}"
        );
        let empty = read(file("# nothing\n\n").path()).unwrap_err().to_string();
        assert!(empty.contains("no database URL"), "{empty}");
    }
}
