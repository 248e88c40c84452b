//! dbmate's single-file layout: the `-- migrate:up` and `-- migrate:down`
//! markers that cut one file into its up and down scripts.

/// `-- migrate:up` and `-- migrate:down` sections of a dbmate file.
pub(super) struct Sections<'t> {
    pub(super) up: &'t str,
    pub(super) up_line: u32,
    pub(super) up_no_transaction: bool,
    pub(super) down: &'t str,
    pub(super) down_line: u32,
    pub(super) down_no_transaction: bool,
}

/// Whether any line of `text` is a `-- migrate:up` or `-- migrate:down` marker.
pub(super) fn has_markers(text: &str) -> bool {
    text.lines().any(|line| marker(line).is_some())
}

/// The kind of a `-- migrate:up` / `-- migrate:down` line and whether it says
/// `transaction:false`.
fn marker(line: &str) -> Option<(bool, bool)> {
    let comment = line.trim_start().strip_prefix("--")?.trim_start();
    let (is_up, options) = if let Some(options) = comment.strip_prefix("migrate:up") {
        (true, options)
    } else if let Some(options) = comment.strip_prefix("migrate:down") {
        (false, options)
    } else {
        return None;
    };
    if !options.is_empty() && !options.starts_with(char::is_whitespace) {
        return None;
    }
    let no_transaction = options
        .split_whitespace()
        .any(|option| option == "transaction:false");
    Some((is_up, no_transaction))
}

/// The up and down sections of a dbmate file's text, or why its markers
/// do not make a migration.
pub(super) fn split_sections(text: &str) -> Result<Sections<'_>, String> {
    let mut up: Option<(usize, usize, bool)> = None;
    let mut down: Option<(usize, usize, bool)> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let Some((is_up, no_transaction)) = marker(line) else {
            continue;
        };
        let slot = if is_up { &mut up } else { &mut down };
        if slot.is_some() {
            let which = if is_up { "up" } else { "down" };
            return Err(format!("more than one `-- migrate:{which}` marker"));
        }
        *slot = Some((start, offset, no_transaction));
    }
    match (up, down) {
        (Some((_, up_end, up_no_transaction)), Some((down_start, down_end, down_no_transaction))) => {
            if down_start < up_end {
                return Err("`-- migrate:down` comes before `-- migrate:up`".to_owned());
            }
            let line_at = |offset: usize| {
                u32::try_from(text[..offset].matches('\n').count() + 1).unwrap_or(u32::MAX)
            };
            Ok(Sections {
                up: &text[up_end..down_start],
                up_line: line_at(up_end),
                up_no_transaction,
                down: &text[down_end..],
                down_line: line_at(down_end),
                down_no_transaction,
            })
        }
        (Some(_), None) => Err("has `-- migrate:up` but no `-- migrate:down` section: every migration needs its down (write it, or let `cargo rollback generate --missing --write` write and prove it)".to_owned()),
        (None, Some(_)) => Err("has `-- migrate:down` but no `-- migrate:up` section".to_owned()),
        (None, None) => Err(
            "has a version but no `-- migrate:up` / `-- migrate:down` markers: write both sections, or use the NAME.up.sql / NAME.down.sql pair (for an up with no down, such as sqlx's simple migration, `cargo rollback generate --missing --write` writes and proves the down)".to_owned(),
        ),
    }
}

/// The up section of a dbmate file that has `-- migrate:up` and no
/// `-- migrate:down`, as a file whose down section is empty (at the end of
/// the file); `None` for any other file.
pub(super) fn up_section_only(text: &str) -> Option<Sections<'_>> {
    let mut up = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        offset += line.len();
        match marker(line) {
            Some((true, no_transaction)) if up.is_none() => up = Some((offset, no_transaction)),
            Some(_) => return None,
            None => {}
        }
    }
    let (up_end, no_transaction) = up?;
    let lines = u32::try_from(text.matches('\n').count() + 1).unwrap_or(u32::MAX);
    Some(Sections {
        up: &text[up_end..],
        up_line: u32::try_from(text[..up_end].matches('\n').count() + 1).unwrap_or(u32::MAX),
        up_no_transaction: no_transaction,
        down: "",
        down_line: lines,
        down_no_transaction: false,
    })
}
