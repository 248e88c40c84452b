//! The text of `SHOW CREATE` taken apart, with no database: a table's
//! definition lines and what each defines, key columns, and the
//! `DEFINER=` and `AUTO_INCREMENT=` clauses left out.

use super::literal::MY;
use crate::dialect::quote::ident;

/// `create` without the `AUTO_INCREMENT=n` of its table options, on the
/// line that closes the definitions (a partitioning clause may follow).
pub(super) fn without_auto_increment(create: &str) -> String {
    create
        .lines()
        .map(|line| {
            if line.starts_with(')') {
                line.split(' ')
                    .filter(|option| !option.starts_with("AUTO_INCREMENT="))
                    .collect::<Vec<_>>()
                    .join(" ")
            } else {
                line.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The definitions of a `SHOW CREATE TABLE`, one a line, trimmed and
/// without their commas: columns, then keys, then constraints, up to the
/// line that closes them.
pub(super) fn definitions(create: &str) -> Vec<&str> {
    create
        .lines()
        .skip(1)
        .take_while(|line| !line.starts_with(')'))
        .map(|line| line.trim().trim_end_matches(','))
        .collect()
}

/// The first `` `quoted` `` name in `text`, unquoted.
fn first_quoted(text: &str) -> Option<String> {
    let start = text.find('`')? + 1;
    let mut name = String::new();
    let mut chars = text[start..].chars().peekable();
    while let Some(c) = chars.next() {
        if c == '`' {
            if chars.peek() != Some(&'`') {
                return Some(name);
            }
            chars.next();
        }
        name.push(c);
    }
    None
}

/// What a definition line defines, with its name (`PRIMARY` for the key).
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Line {
    Column(String),
    Key(String),
    Constraint(String),
}

pub(super) fn line_kind(line: &str) -> Option<Line> {
    if line.starts_with('`') {
        return first_quoted(line).map(Line::Column);
    }
    if line.starts_with("PRIMARY KEY") {
        return Some(Line::Key("PRIMARY".to_owned()));
    }
    if line.starts_with("CONSTRAINT") {
        return first_quoted(line).map(Line::Constraint);
    }
    let (head, _) = line.split_once('`')?;
    head.ends_with("KEY ")
        .then(|| first_quoted(line).map(Line::Key))
        .flatten()
}

/// The columns of the first parenthesized list outside backticks of a
/// key line (`` KEY `k` (`a`,`b`(10)) `` → a, b): the backticked names at
/// its top level, prefix lengths and the like skipped.
pub(super) fn key_columns(line: &str) -> Vec<String> {
    let mut columns = Vec::new();
    let mut depth = 0usize;
    let mut name: Option<String> = None;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (&mut name, c) {
            (Some(_), '`') if chars.peek() == Some(&'`') => {
                chars.next();
                name.get_or_insert_default().push('`');
            }
            (Some(_), '`') => {
                if let Some(done) = name.take().filter(|_| depth == 1) {
                    columns.push(done);
                }
            }
            (Some(found), c) => found.push(c),
            (None, '`') => name = Some(String::new()),
            (None, '(') => depth += 1,
            (None, ')') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return columns;
                }
            }
            (None, _) => {}
        }
    }
    columns
}

/// `create` without its first `DEFINER=user@host ` clause.
pub(super) fn without_definer(create: &str) -> String {
    let Some(start) = create.find("DEFINER=") else {
        return create.to_owned();
    };
    let mut quote: Option<char> = None;
    let mut end = create.len();
    for (at, c) in create[start..].char_indices() {
        match quote {
            Some(open) if c == open => quote = None,
            Some(_) => {}
            None if c == '`' || c == '\'' || c == '"' => quote = Some(c),
            None if c.is_whitespace() => {
                end = start + at + c.len_utf8();
                break;
            }
            None => {}
        }
    }
    format!("{}{}", &create[..start], &create[end..])
}

/// Whether a `CONSTRAINT` line involves `column`: a foreign key through
/// its own columns (not those it references), a check through its text.
pub(super) fn constraint_involves(line: &str, column: &str) -> bool {
    match line.split_once(" FOREIGN KEY ") {
        Some((_, key)) => {
            let own = key.split(" REFERENCES ").next().unwrap_or_default();
            key_columns(own).iter().any(|found| found == column)
        }
        None => line.contains(&ident(MY, column)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definers_and_counters_are_left_out() {
        assert_eq!(
            without_definer("CREATE DEFINER=`ro``ot`@`%` TRIGGER `t` BEFORE INSERT"),
            "CREATE TRIGGER `t` BEFORE INSERT"
        );
        assert_eq!(
            without_definer(
                "CREATE ALGORITHM=UNDEFINED DEFINER='a b'@localhost SQL SECURITY DEFINER VIEW"
            ),
            "CREATE ALGORITHM=UNDEFINED SQL SECURITY DEFINER VIEW"
        );
        assert_eq!(
            without_auto_increment(
                "CREATE TABLE `t` (\n  `id` int\n) ENGINE=InnoDB AUTO_INCREMENT=7 DEFAULT CHARSET=utf8mb4\n PARTITION BY HASH (`id`)"
            ),
            "CREATE TABLE `t` (\n  `id` int\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4\n PARTITION BY HASH (`id`)"
        );
    }

    #[test]
    fn lines_are_told_apart() {
        assert_eq!(
            line_kind("`a``b` int(11) DEFAULT NULL"),
            Some(Line::Column("a`b".to_owned()))
        );
        assert_eq!(
            line_kind("PRIMARY KEY (`id`)"),
            Some(Line::Key("PRIMARY".to_owned()))
        );
        assert_eq!(
            line_kind("FULLTEXT KEY `ft` (`body`)"),
            Some(Line::Key("ft".to_owned()))
        );
        assert_eq!(
            line_kind("CONSTRAINT `fk` FOREIGN KEY (`p`) REFERENCES `p` (`id`)"),
            Some(Line::Constraint("fk".to_owned()))
        );
        assert_eq!(key_columns("KEY `k(` (`a`,`b``c`(10))"), ["a", "b`c"]);
        let key = "CONSTRAINT `fk` FOREIGN KEY (`p`) REFERENCES `p` (`id`)";
        assert!(constraint_involves(key, "p"));
        assert!(!constraint_involves(key, "id"));
        assert!(constraint_involves("CONSTRAINT `c` CHECK (`n` > 0)", "n"));
    }
}
