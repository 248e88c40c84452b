//! `-- rollback:lint-ignore CODE[,CODE] reason`: silences the named rules on
//! the next statement, and only with a reason.

/// One lint-ignore directive of a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Ignore {
    /// The 1-based line of the script it is on.
    pub line: usize,
    /// The codes it names, as written.
    pub codes: Vec<String>,
    /// Why, possibly empty (which silences nothing).
    pub reason: String,
}

const DIRECTIVE: &str = "rollback:lint-ignore";

/// The lint-ignore directives of `sql`: lines whose comment starts with
/// `rollback:lint-ignore`.
pub(super) fn read(sql: &str) -> Vec<Ignore> {
    sql.lines()
        .enumerate()
        .filter_map(|(index, line)| {
            let comment = line.trim_start().strip_prefix("--")?.trim();
            let rest = comment
                .get(..DIRECTIVE.len())
                .filter(|prefix| prefix.eq_ignore_ascii_case(DIRECTIVE))
                .map(|_| &comment[DIRECTIVE.len()..])?;
            if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
                return None;
            }
            let rest = rest.trim();
            let (codes, reason) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
            Some(Ignore {
                line: index + 1,
                codes: codes
                    .split(',')
                    .filter(|code| !code.is_empty())
                    .map(str::to_owned)
                    .collect(),
                reason: reason.trim().to_owned(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives_are_read_with_codes_and_reasons() {
        let sql = "-- a comment\n-- rollback:lint-ignore RB101,RB102 moved to archive\nDROP TABLE a;\n  --   rollback:lint-ignore RB301\n-- rollback:lint-ignored RB1 no";
        assert_eq!(
            read(sql),
            [
                Ignore {
                    line: 2,
                    codes: vec!["RB101".to_owned(), "RB102".to_owned()],
                    reason: "moved to archive".to_owned(),
                },
                Ignore {
                    line: 4,
                    codes: vec!["RB301".to_owned()],
                    reason: String::new(),
                },
            ]
        );
    }
}
