//! Column types compared: whether a change narrows a column (values that fit
//! before may not fit after) and whether PostgreSQL must rewrite the table
//! for it. Types are read from the parser's spelling; a type this module
//! does not know compares only equal or different.

/// What a type means for these questions.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Shape {
    /// Character data, with its length limit (`None`: unbounded).
    Text(Option<u64>),
    /// An integer of so many bytes.
    Integer(u8),
    /// An exact number with its precision and scale, if given.
    Numeric(Option<(u64, u64)>),
    /// Anything else, as spelled.
    Other(String),
}

fn shape(spelled: &str) -> Shape {
    let spelled = spelled.trim().to_uppercase();
    let (base, arguments) = match spelled.split_once('(') {
        Some((base, rest)) => (
            base.trim().to_owned(),
            rest.trim_end_matches(|c: char| c == ')' || c.is_alphabetic() || c == ' ')
                .split(',')
                .filter_map(|part| part.trim().parse::<u64>().ok())
                .collect::<Vec<_>>(),
        ),
        None => (spelled.clone(), Vec::new()),
    };
    let base = base
        .trim_end_matches(" UNSIGNED")
        .trim_end_matches(" SIGNED")
        .to_owned();
    match base.as_str() {
        "TEXT" | "CITEXT" | "MEDIUMTEXT" | "LONGTEXT" | "CLOB" | "STRING" => Shape::Text(None),
        "TINYTEXT" => Shape::Text(Some(255)),
        "VARCHAR" | "CHARACTER VARYING" | "NVARCHAR" | "CHAR" | "CHARACTER" | "NCHAR"
        | "VARCHAR2" => Shape::Text(arguments.first().copied()),
        "TINYINT" => Shape::Integer(1),
        "SMALLINT" | "INT2" => Shape::Integer(2),
        "MEDIUMINT" => Shape::Integer(3),
        "INT" | "INTEGER" | "INT4" => Shape::Integer(4),
        "BIGINT" | "INT8" => Shape::Integer(8),
        "NUMERIC" | "DECIMAL" => Shape::Numeric(match arguments.as_slice() {
            [precision] => Some((*precision, 0)),
            [precision, scale] => Some((*precision, *scale)),
            _ => None,
        }),
        _ => Shape::Other(spelled),
    }
}

/// Why changing a column from `old` to `new` can fail on stored values, or
/// `None` when every old value fits the new type (or it cannot be told).
pub(super) fn narrowing(old: &str, new: &str) -> Option<String> {
    let (before, after) = (shape(old), shape(new));
    let narrows = match (&before, &after) {
        (Shape::Text(before), Shape::Text(Some(after))) => before.is_none_or(|b| *after < b),
        (Shape::Integer(before), Shape::Integer(after)) => after < before,
        (Shape::Numeric(before), Shape::Numeric(Some((precision, scale)))) => {
            before.is_none_or(|(p, s)| precision - scale.min(precision) < p - s.min(p))
        }
        (Shape::Text(_), Shape::Integer(_) | Shape::Numeric(_)) => true,
        (Shape::Text(_), Shape::Other(other)) => !other.is_empty(),
        _ => false,
    };
    narrows.then(|| format!("from {old} to {new}: stored values that do not fit make it fail"))
}

/// Whether PostgreSQL rewrites the table (and its indexes) to change a
/// column from `old` (when known) to `new`. Widening a `varchar` or making
/// it `text` does not; most other changes do.
pub(super) fn postgres_rewrites(old: Option<&str>, new: &str) -> bool {
    let after = shape(new);
    let Some(old) = old else {
        return after != Shape::Text(None);
    };
    match (shape(old), after) {
        (before, after) if before == after => false,
        (Shape::Text(_), Shape::Text(None)) => false,
        (Shape::Text(Some(before)), Shape::Text(Some(after))) => after < before,
        (Shape::Numeric(Some((p, s))), Shape::Numeric(Some((precision, scale)))) => {
            scale != s || precision < p
        }
        (Shape::Numeric(Some(_)), Shape::Numeric(None)) => false,
        _ => true,
    }
}

/// Whether MySQL changes the type in place: the same type, or a wider
/// `VARCHAR`. Other type changes copy the table (`ALGORITHM=COPY`).
pub(super) fn mysql_in_place(old: &str, new: &str) -> bool {
    match (shape(old), shape(new)) {
        (before, after) if before == after => true,
        (Shape::Text(Some(before)), Shape::Text(Some(after))) => after >= before,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_are_read_from_spellings() {
        assert_eq!(shape("VARCHAR(20)"), Shape::Text(Some(20)));
        assert_eq!(shape("character varying(20)"), Shape::Text(Some(20)));
        assert_eq!(shape("INT(11)"), Shape::Integer(4));
        assert_eq!(shape("BIGINT UNSIGNED"), Shape::Integer(8));
        assert_eq!(shape("NUMERIC(10,2)"), Shape::Numeric(Some((10, 2))));
        assert_eq!(shape("JSONB"), Shape::Other("JSONB".to_owned()));
    }

    #[test]
    fn narrowing_changes() {
        assert!(narrowing("VARCHAR(200)", "VARCHAR(100)").is_some());
        assert!(narrowing("TEXT", "VARCHAR(100)").is_some());
        assert!(narrowing("BIGINT", "INTEGER").is_some());
        assert!(narrowing("TEXT", "INTEGER").is_some());
        assert!(narrowing("NUMERIC(10,2)", "NUMERIC(6,2)").is_some());
        assert!(narrowing("VARCHAR(100)", "VARCHAR(200)").is_none());
        assert!(narrowing("INTEGER", "BIGINT").is_none());
        assert!(narrowing("VARCHAR(100)", "TEXT").is_none());
        assert!(narrowing("JSON", "JSONB").is_none());
    }

    #[test]
    fn postgres_rewrites_most_changes() {
        assert!(!postgres_rewrites(Some("VARCHAR(20)"), "VARCHAR(40)"));
        assert!(!postgres_rewrites(Some("VARCHAR(20)"), "TEXT"));
        assert!(!postgres_rewrites(None, "TEXT"));
        assert!(postgres_rewrites(Some("INTEGER"), "BIGINT"));
        assert!(postgres_rewrites(None, "BIGINT"));
        assert!(mysql_in_place("VARCHAR(20)", "VARCHAR(40)"));
        assert!(!mysql_in_place("INT", "BIGINT"));
    }
}
