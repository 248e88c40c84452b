//! How values read in messages, the same in every command: a migration's
//! label, a duration, a count of migrations, a statement on one line.

/// `version name`, for messages.
pub fn label(version: &str, name: &str) -> String {
    if name.is_empty() {
        version.to_owned()
    } else {
        format!("{version} {name}")
    }
}

/// `3 ms`; `<1 ms` rather than a misleading `0 ms`.
pub fn milliseconds(ms: u128) -> String {
    if ms == 0 {
        "<1 ms".to_owned()
    } else {
        format!("{ms} ms")
    }
}

/// "1 migration", "3 migrations".
pub fn migrations(count: usize) -> String {
    if count == 1 {
        "1 migration".to_owned()
    } else {
        format!("{count} migrations")
    }
}

/// "1 row", "10,000 rows".
pub fn count(n: usize, noun: &str) -> String {
    let digits = n.to_string();
    let mut grouped = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    if n == 1 {
        format!("{grouped} {noun}")
    } else {
        format!("{grouped} {noun}s")
    }
}

/// A statement on one line, cut to `limit` characters.
pub fn one_line(sql: &str, limit: usize) -> String {
    let flat = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(limit) {
        Some((cut, _)) => format!("{}…", &flat[..cut]),
        None => flat,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_grouped_and_pluralized() {
        assert_eq!(count(1, "row"), "1 row");
        assert_eq!(count(10_000, "row"), "10,000 rows");
        assert_eq!(count(1_234_567, "value"), "1,234,567 values");
    }
}
