//! One SQL script (an up or a down) and the `-- rollback:` directives it carries.

use std::borrow::Cow;

use crate::checksum::{checksum, normalize};

/// An up or down script, normalized, with its checksum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Script {
    sql: Cow<'static, str>,
    checksum: Cow<'static, str>,
    no_transaction: bool,
    first_line: u32,
}

impl Script {
    /// Normalizes file text (see [`normalize`]) and checksums it.
    /// `no_transaction` comes from the directives or from the layout's own
    /// setting (diesel's `metadata.toml`, dbmate's `transaction:false`).
    pub fn from_text(text: &str, no_transaction: bool) -> Script {
        let sql = normalize(text).into_owned();
        Script {
            checksum: Cow::Owned(checksum(&sql)),
            sql: Cow::Owned(sql),
            no_transaction,
            first_line: 1,
        }
    }

    /// The same script, said to start at `line` of its file (a section of a
    /// dbmate file), so that errors point at the file's own line numbers.
    pub fn starting_at_line(self, line: u32) -> Script {
        Script {
            first_line: line,
            ..self
        }
    }

    /// Builds a script in a `static` (the code `embed_migrations!` writes).
    #[doc(hidden)]
    pub const fn __embedded(
        sql: &'static str,
        checksum: &'static str,
        no_transaction: bool,
        first_line: u32,
    ) -> Script {
        Script {
            sql: Cow::Borrowed(sql),
            checksum: Cow::Borrowed(checksum),
            no_transaction,
            first_line,
        }
    }

    /// The script text, BOM removed and line endings normalized to LF.
    pub fn sql(&self) -> &str {
        &self.sql
    }

    /// Hex SHA-256 of [`sql`](Self::sql).
    pub fn checksum(&self) -> &str {
        &self.checksum
    }

    /// Whether the script must run outside a transaction (`CREATE INDEX
    /// CONCURRENTLY`, `VACUUM`, …).
    pub fn no_transaction(&self) -> bool {
        self.no_transaction
    }

    /// The line of its file where the script starts: 1, except for the
    /// sections of a single-file migration.
    pub fn first_line(&self) -> u32 {
        self.first_line
    }

    /// Whether the script holds nothing but white space and comments.
    pub fn is_blank(&self) -> bool {
        is_blank(&self.sql)
    }
}

/// What the `-- rollback:` comments of a script ask for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Directives {
    /// `-- rollback:no-transaction`, or sqlx's `-- no-transaction`.
    pub no_transaction: bool,
    /// `-- rollback:irreversible <reason>`: the reason, possibly empty.
    pub irreversible: Option<String>,
}

const DIRECTIVE_PREFIX: &str = "rollback:";

/// Reads the directives of a script: every line that is a comment starting
/// with `rollback:`, plus sqlx's `-- no-transaction`. An unknown
/// `-- rollback:` directive is an error, so a typo such as
/// `rollback:irreversable` cannot silently turn a safeguard off.
pub fn read_directives(sql: &str) -> Result<Directives, String> {
    let mut directives = Directives::default();
    for line in sql.lines() {
        let Some(comment) = line.trim_start().strip_prefix("--") else {
            continue;
        };
        let comment = comment.trim();
        if comment == "no-transaction" {
            directives.no_transaction = true;
            continue;
        }
        // `-- rollback: cannot invert: …` (a note written by `generate`) is prose:
        // a directive is glued to its prefix.
        let Some(directive) = comment
            .get(..DIRECTIVE_PREFIX.len())
            .filter(|prefix| prefix.eq_ignore_ascii_case(DIRECTIVE_PREFIX))
            .map(|_| &comment[DIRECTIVE_PREFIX.len()..])
            .filter(|directive| directive.starts_with(|c: char| !c.is_whitespace()))
        else {
            continue;
        };
        let (word, rest) = directive
            .split_once(char::is_whitespace)
            .unwrap_or((directive, ""));
        match word {
            "no-transaction" => directives.no_transaction = true,
            "irreversible" => directives.irreversible = Some(rest.trim().to_owned()),
            // Read by `cargo rollback lint`, which silences the next statement.
            "lint-ignore" => {}
            other => {
                return Err(format!(
                    "unknown directive `-- rollback:{other}` (known: `-- rollback:irreversible <reason>`, `-- rollback:no-transaction`, `-- rollback:lint-ignore <CODE> <reason>`)"
                ));
            }
        }
    }
    Ok(directives)
}

/// Whether `sql` holds nothing but white space, `--` comments, `/* */`
/// comments and empty statements (`;`).
pub fn is_blank(sql: &str) -> bool {
    let mut rest = sql;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == ';');
        if rest.is_empty() {
            return true;
        }
        if let Some(comment) = rest.strip_prefix("--") {
            rest = comment.split_once('\n').map_or("", |(_, after)| after);
        } else if let Some(comment) = rest.strip_prefix("/*") {
            match comment.split_once("*/") {
                Some((_, after)) => rest = after,
                None => return false,
            }
        } else {
            return false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_scripts() {
        assert!(is_blank(""));
        assert!(is_blank("  \n\t"));
        assert!(is_blank(
            "-- nothing to undo\n/* really\n nothing */\n-- end"
        ));
        assert!(!is_blank("-- comment\nDROP TABLE a;"));
        assert!(!is_blank("/* unterminated"));
        assert!(!is_blank("SELECT 1"));
    }

    #[test]
    fn directives_are_read() {
        let d = read_directives("-- rollback:irreversible data is gone\nDROP TABLE a;").unwrap();
        assert_eq!(d.irreversible.as_deref(), Some("data is gone"));
        assert!(!d.no_transaction);
        let d =
            read_directives("-- no-transaction\nCREATE INDEX CONCURRENTLY i ON t (a);").unwrap();
        assert!(d.no_transaction);
        let d = read_directives("  --   rollback:no-transaction\n").unwrap();
        assert!(d.no_transaction);
        let d = read_directives("-- ROLLBACK:No-Transaction").unwrap_err();
        assert!(d.contains("No-Transaction"), "{d}");
        let d =
            read_directives("-- rollback:lint-ignore RB301 small table\nCREATE INDEX i ON t (a);")
                .unwrap();
        assert_eq!(d, Directives::default());
        let d = read_directives("-- rollback:irreversible").unwrap();
        assert_eq!(d.irreversible.as_deref(), Some(""));
    }

    #[test]
    fn unknown_directive_is_an_error() {
        let err = read_directives("-- rollback:irreversable oops").unwrap_err();
        assert!(err.contains("rollback:irreversable"), "{err}");
    }

    #[test]
    fn ordinary_comments_are_not_directives() {
        let d = read_directives(
            "-- rolls back the users table\n-- see rollback: docs\n-- rollback: cannot invert: DROP TABLE a",
        )
        .unwrap();
        assert_eq!(d, Directives::default());
    }

    #[test]
    fn script_checksum_ignores_line_endings() {
        let a = Script::from_text("SELECT 1;\r\n", false);
        let b = Script::from_text("SELECT 1;\n", false);
        assert_eq!(a.checksum(), b.checksum());
        assert_eq!(a.sql(), "SELECT 1;\n");
    }
}
