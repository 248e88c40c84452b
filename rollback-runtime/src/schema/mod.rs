//! A normalized snapshot of a database's schema, read from its catalog, and
//! the differences between two of them: what `verify` compares before and
//! after each step.
//!
//! Each dialect brings only SQL text (`dialect::CatalogQueries`, in the
//! dialect's `snapshot.rs`): queries whose rows
//! are `(kind, name, attribute, value)`, one query per kind of object, so a
//! snapshot costs a handful of round trips whatever the number of tables.
//! Names carry no OIDs; definitions are the catalog's own rendering
//! (`pg_get_indexdef`, `sqlite_master.sql`, …) with whitespace collapsed, so
//! two databases built by the same statements compare equal.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

/// One object of a schema: `column orders.status`, `index orders_customer`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ObjectKey {
    /// `table`, `column`, `index`, `constraint`, `view`, `trigger`, …
    pub kind: String,
    /// The object's name, qualified by its table where it belongs to one
    /// (`orders.status`), and by its schema outside the current one.
    pub name: String,
}

impl fmt::Display for ObjectKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.kind, self.name)
    }
}

/// The schema of a database at one moment: every object with its
/// attributes, and each table's column order apart (compared as a note, not
/// a failure: PostgreSQL cannot put a re-added column back in its place).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Snapshot {
    /// Objects and their attributes (`type`, `default`, `definition`, …).
    pub objects: BTreeMap<ObjectKey, BTreeMap<String, String>>,
    /// Each table's columns in their order.
    pub column_order: BTreeMap<String, Vec<String>>,
}

/// How one object differs between two snapshots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Difference {
    /// In the expected schema, not in the actual one (with its definition,
    /// where it has one, to say which object it was).
    Missing(ObjectKey, Option<String>),
    /// In the actual schema, not in the expected one.
    Unexpected(ObjectKey, Option<String>),
    /// In both, with an attribute that differs.
    Changed {
        /// The object.
        object: ObjectKey,
        /// The attribute.
        attribute: String,
        /// Its expected value (`none` when the object had no such attribute).
        expected: String,
        /// Its actual value.
        actual: String,
    },
}

impl Difference {
    /// The difference as a line, naming when it was seen:
    /// `index orders_customer: missing after down`.
    pub fn describe(&self, after: &str) -> String {
        match self {
            Difference::Missing(object, detail) => {
                format!("{object}: missing {after}{}", shown_detail(detail))
            }
            Difference::Unexpected(object, detail) => {
                format!("{object}: left behind {after}{}", shown_detail(detail))
            }
            Difference::Changed {
                object,
                attribute,
                expected,
                actual,
            } => {
                let (expected, actual) = contrast(expected, actual);
                format!("{object}: {attribute} {expected} → {actual} {after}")
            }
        }
    }
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Difference::Missing(object, detail) => {
                write!(f, "{object}: missing{}", shown_detail(detail))
            }
            Difference::Unexpected(object, detail) => {
                write!(f, "{object}: unexpected{}", shown_detail(detail))
            }
            Difference::Changed {
                object,
                attribute,
                expected,
                actual,
            } => {
                let (expected, actual) = contrast(expected, actual);
                write!(f, "{object}: {attribute} {expected} → {actual}")
            }
        }
    }
}

/// Two long values (a view's or a function's definition) shown around
/// where they differ, the common start and end cut to `…`; short ones whole.
fn contrast(expected: &str, actual: &str) -> (String, String) {
    const CONTEXT: usize = 30;
    const SHORT: usize = 100;
    if expected.chars().count() <= SHORT && actual.chars().count() <= SHORT {
        return (expected.to_owned(), actual.to_owned());
    }
    let a: Vec<char> = expected.chars().collect();
    let b: Vec<char> = actual.chars().collect();
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let start = prefix.saturating_sub(CONTEXT);
    let cut = |chars: &[char]| {
        let end = (chars.len() - suffix + CONTEXT).min(chars.len());
        let middle: String = chars[start..end].iter().collect();
        let lead = if start > 0 { "…" } else { "" };
        let tail = if end < chars.len() { "…" } else { "" };
        format!("{lead}{middle}{tail}")
    };
    (cut(&a), cut(&b))
}

/// What `actual` has that `expected` lacks and the other way round, one line
/// per object or attribute (`column orders.status: default 'new' → none`).
pub fn diff(expected: &Snapshot, actual: &Snapshot) -> Vec<String> {
    differences(expected, actual)
        .iter()
        .map(ToString::to_string)
        .collect()
}

/// The differences between two snapshots, in object order. An object that
/// is missing is reported once, not once per attribute; the columns,
/// indexes and constraints of a missing table are reported with it only when
/// the table itself is there (a dropped table is one line).
pub fn differences(expected: &Snapshot, actual: &Snapshot) -> Vec<Difference> {
    let gone_tables: Vec<&str> = table_names(expected)
        .filter(|table| !actual.objects.contains_key(&table_key(table)))
        .chain(
            table_names(actual).filter(|table| !expected.objects.contains_key(&table_key(table))),
        )
        .collect();
    let belongs_to_gone_table = |key: &ObjectKey| {
        key.kind != "table" && gone_tables.iter().any(|table| of_table(key, table))
    };
    let moved = Moved::find(expected, actual);
    let mut found = moved.renames.clone();
    for (key, attributes) in &expected.objects {
        if moved.expected.contains(key) {
            continue;
        }
        let other = actual
            .objects
            .get(key)
            .filter(|_| !moved.actual.contains(key));
        match other {
            None if belongs_to_gone_table(key) => {}
            None => found.push(Difference::Missing(key.clone(), definition(attributes))),
            Some(other) => {
                let names: std::collections::BTreeSet<&String> =
                    attributes.keys().chain(other.keys()).collect();
                for name in names {
                    let before = attributes.get(name);
                    let after = other.get(name);
                    if before != after {
                        // A flag (`not null`, `unique`) is written only when
                        // set: its absence reads `no`.
                        let flag = before.or(after).is_some_and(|value| value == "yes");
                        let shown = |value: Option<&String>| match value {
                            None if flag => "no".to_owned(),
                            value => shown(value),
                        };
                        found.push(Difference::Changed {
                            object: key.clone(),
                            attribute: name.clone(),
                            expected: shown(before),
                            actual: shown(after),
                        });
                    }
                }
            }
        }
    }
    for (key, attributes) in &actual.objects {
        let matched = expected.objects.contains_key(key) && !moved.expected.contains(key);
        if !matched && !moved.actual.contains(key) && !belongs_to_gone_table(key) {
            found.push(Difference::Unexpected(key.clone(), definition(attributes)));
        }
    }
    found
}

/// Kinds whose objects are told apart by their definition, not by their
/// name alone: a table can hold two foreign keys on one column, and a down
/// that rebuilds it with one of them gives that one the first name
/// (PostgreSQL's `t_a_fkey` for what was `t_a_fkey1`, MySQL's `t_ibfk_1`
/// for `t_ibfk_2`), or SQLite's name, made of the columns, for both.
/// Matched by name only, the lost key would read as the kept key's rules
/// changing.
const MATCHED_BY_DEFINITION: [&str; 2] = ["constraint", "foreign key"];

/// The objects of [`MATCHED_BY_DEFINITION`] kinds that one snapshot has
/// under one name and the other, with exactly the same attributes, under
/// another name of the same table: the same object, renamed.
#[derive(Default)]
struct Moved<'s> {
    /// The expected objects matched so, under their expected names.
    expected: std::collections::BTreeSet<&'s ObjectKey>,
    /// The actual objects matched so, under their actual names.
    actual: std::collections::BTreeSet<&'s ObjectKey>,
    /// The renames that are differences: a constraint's name is the
    /// database's (a later migration may drop it by name); SQLite's foreign
    /// keys have none.
    renames: Vec<Difference>,
}

impl<'s> Moved<'s> {
    fn find(expected: &'s Snapshot, actual: &'s Snapshot) -> Moved<'s> {
        let unmatched = |from: &'s Snapshot, to: &'s Snapshot| {
            from.objects
                .iter()
                .filter(|(key, attributes)| {
                    MATCHED_BY_DEFINITION.contains(&key.kind.as_str())
                        && to.objects.get(*key) != Some(*attributes)
                })
                .collect::<Vec<_>>()
        };
        let mut candidates = unmatched(actual, expected);
        let mut moved = Moved::default();
        for (key, attributes) in unmatched(expected, actual) {
            let Some(at) = candidates.iter().position(|(other, other_attributes)| {
                other.kind == key.kind
                    && owner(other) == owner(key)
                    && *other_attributes == attributes
            }) else {
                continue;
            };
            let (other, _) = candidates.remove(at);
            moved.expected.insert(key);
            moved.actual.insert(other);
            if key.kind == "constraint" {
                moved.renames.push(Difference::Changed {
                    object: key.clone(),
                    attribute: "name".to_owned(),
                    expected: own_name(key).to_owned(),
                    actual: own_name(other).to_owned(),
                });
            }
        }
        moved
    }
}

/// What a constraint or foreign key belongs to: its table (`orders` of
/// `orders.orders_ibfk_1`), or for SQLite's foreign keys the name without
/// the rules that tell apart keys on the same columns.
fn owner(key: &ObjectKey) -> &str {
    match key.kind.as_str() {
        "constraint" => key.name.rsplit_once('.').map_or("", |(table, _)| table),
        _ => key.name.split(" [").next().unwrap_or_default(),
    }
}

/// A constraint's own name, without its table.
fn own_name(key: &ObjectKey) -> &str {
    key.name
        .rsplit_once('.')
        .map_or(&key.name, |(_, name)| name)
}

/// Tables present in both snapshots whose columns are the same but in
/// another order: `column order of orders: id, status, note → id, note, status`.
pub fn column_order_notes(expected: &Snapshot, actual: &Snapshot) -> Vec<String> {
    let mut notes = Vec::new();
    for (table, before) in &expected.column_order {
        let Some(after) = actual.column_order.get(table) else {
            continue;
        };
        if before != after {
            let mut sorted_before = before.clone();
            let mut sorted_after = after.clone();
            sorted_before.sort();
            sorted_after.sort();
            if sorted_before == sorted_after {
                notes.push(format!(
                    "column order of {table}: {} → {}",
                    before.join(", "),
                    after.join(", ")
                ));
            }
        }
    }
    notes
}

fn table_names(snapshot: &Snapshot) -> impl Iterator<Item = &str> {
    snapshot
        .objects
        .keys()
        .filter(|key| key.kind == "table")
        .map(|key| key.name.as_str())
}

fn table_key(table: &str) -> ObjectKey {
    ObjectKey {
        kind: "table".to_owned(),
        name: table.to_owned(),
    }
}

/// Whether `key` names something of `table` (`orders.status` of `orders`).
fn of_table(key: &ObjectKey, table: &str) -> bool {
    key.name
        .strip_prefix(table)
        .is_some_and(|rest| rest.starts_with('.'))
}

/// The definition that says which object a missing or unexpected one is,
/// where its name alone may not (`orders_ibfk_1`), shortened for one line.
fn definition(attributes: &BTreeMap<String, String>) -> Option<String> {
    let definition = attributes.get("definition")?;
    const LONGEST: usize = 120;
    Some(match definition.char_indices().nth(LONGEST) {
        Some((cut, _)) => format!("{}…", &definition[..cut]),
        None => definition.clone(),
    })
}

fn shown_detail(detail: &Option<String>) -> String {
    detail
        .as_ref()
        .map(|detail| format!(" ({detail})"))
        .unwrap_or_default()
}

fn shown(value: Option<&String>) -> String {
    match value {
        Some(value) if !value.is_empty() => value.clone(),
        _ => "none".to_owned(),
    }
}

impl Snapshot {
    /// Builds a snapshot from the rows of a dialect's catalog queries: its
    /// objects, and its columns in order.
    pub(crate) fn from_rows(
        objects: impl IntoIterator<Item = [Option<String>; 4]>,
        order: impl IntoIterator<Item = (String, String)>,
    ) -> Snapshot {
        let mut snapshot = Snapshot::default();
        for [kind, name, attribute, value] in objects {
            let key = ObjectKey {
                kind: kind.unwrap_or_default(),
                name: name.unwrap_or_default(),
            };
            let attributes = snapshot.objects.entry(key).or_default();
            if let (Some(attribute), Some(value)) = (attribute, value) {
                attributes.insert(attribute, normalize(&value));
            }
        }
        for (table, column) in order {
            snapshot.column_order.entry(table).or_default().push(column);
        }
        snapshot
    }

    /// The tables, as named in the snapshot.
    pub fn tables(&self) -> impl Iterator<Item = &str> {
        table_names(self)
    }

    /// The snapshot without `table` and what belongs to it (its columns,
    /// keys, constraints, and the indexes and triggers the catalog says are
    /// on it): another tool's tracking table is that tool's, not the
    /// schema's, and a scratch replay never has it.
    pub fn without_table(mut self, table: &str) -> Snapshot {
        let of_it = |key: &ObjectKey, attributes: &BTreeMap<String, String>| {
            key.name == table
                || of_table(key, table)
                || key
                    .name
                    .strip_prefix(table)
                    .is_some_and(|rest| rest.starts_with('('))
                || attributes.get("table").is_some_and(|owner| owner == table)
        };
        self.objects
            .retain(|key, attributes| !of_it(key, attributes));
        self.column_order.remove(table);
        self
    }
}

/// Whitespace runs become one space; a trailing `;` goes; a timestamp
/// literal becomes `'<timestamp>'`: PostgreSQL folds `'now'::timestamp` in
/// a view into the moment the view was created, which differs each time
/// the same statement runs.
pub(crate) fn normalize(text: &str) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    without_timestamps(collapsed.trim_end_matches(';').trim_end())
}

/// `'2026-01-02 03:04:05.678'` (any fraction and zone) → `'<timestamp>'`.
fn without_timestamps(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('\'') {
        out.push_str(&rest[..=open]);
        rest = &rest[open + 1..];
        let close = rest.find('\'').unwrap_or(rest.len());
        let literal = &rest[..close];
        if is_timestamp(literal) {
            out.push_str("<timestamp>");
        } else {
            out.push_str(literal);
        }
        match rest.get(close..=close) {
            Some(quote) => out.push_str(quote),
            None => return out,
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// `YYYY-MM-DD HH:MM:SS` followed by anything made of digits, `.`, `:`,
/// `+`, `-` (fraction, zone).
fn is_timestamp(literal: &str) -> bool {
    let shape = b"dddd-dd-dd dd:dd:dd";
    let bytes = literal.as_bytes();
    bytes.len() >= shape.len()
        && shape.iter().zip(bytes).all(|(want, got)| match want {
            b'd' => got.is_ascii_digit(),
            other => other == got,
        })
        && bytes[shape.len()..]
            .iter()
            .all(|byte| byte.is_ascii_digit() || b".:+-".contains(byte))
}

#[cfg(test)]
mod tests;
