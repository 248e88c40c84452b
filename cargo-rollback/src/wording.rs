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

/// "1 target", "3 targets": the databases of a fleet.
pub fn targets(count: usize) -> String {
    if count == 1 {
        "1 target".to_owned()
    } else {
        format!("{count} targets")
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
