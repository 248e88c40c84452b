//! Sentinel rows: a few generated rows in every table a migration does not
//! touch, which each of its steps must leave exactly as they were.
//!
//! "Does not touch" is decided from the text: a table whose name appears as
//! a word anywhere in the migration's up or down script (statements,
//! comments, function bodies alike) is touched. That is conservative — a
//! column that shares a table's name exempts the table — so that no
//! migration is blamed for changing a table it names. A table keeps its
//! rows from one migration to the next while it stays untouched, and they
//! are deleted before a migration that touches it runs, so that they never
//! stand in its way (a new `NOT NULL` column, a unique index).
//!
//! Rows are made from each column's type: integers, text, dates, UUIDs,
//! JSON, booleans, enum labels. A table where neither a full row nor one of
//! its required columns only can be inserted (a check constraint, a
//! foreign key to an empty table, a type without a generated value) gets
//! none. What is compared after each step is a fingerprint of the whole
//! table's contents (count and a digest of every row), so any change to an
//! untouched table is seen, not only to the sentinels.

use std::collections::{BTreeMap, BTreeSet};

use crate::dialect::quote::{self, ident};
use crate::dialect::{Inspector, SentinelValue as Value, Spelling, spelling};
use crate::schema::Snapshot;

/// How many rows each table gets.
const ROWS: usize = 2;

/// The tables holding sentinel rows, and how to find those rows again.
#[derive(Default)]
pub(crate) struct Sentinels {
    planted: BTreeMap<String, Planted>,
}

struct Planted {
    /// `FROM` target, quoted.
    table_sql: String,
    /// The columns compared, quoted, in order (SQLite and MySQL list them).
    columns_sql: Vec<String>,
    /// `WHERE` clause matching the sentinel rows.
    matching: String,
}

/// Contents fingerprints by table.
pub(crate) type Fingerprints = BTreeMap<String, String>;

impl Sentinels {
    /// Deletes the rows of tables `touched` names, and plants rows in every
    /// other table of `schema` that has none.
    pub(crate) async fn prepare(
        &mut self,
        inspector: &mut Inspector,
        schema: &Snapshot,
        scripts: &[&str],
    ) {
        let words = words(scripts);
        let touched = |table: &str| {
            let unqualified = table.rsplit('.').next().unwrap_or(table);
            words.contains(&unqualified.to_lowercase())
        };
        let leaving: Vec<String> = self
            .planted
            .keys()
            .filter(|table| touched(table) || !schema.tables().any(|known| known == *table))
            .cloned()
            .collect();
        self.release(inspector, leaving).await;
        let spelling = spelling(inspector.dialect());
        let tables: Vec<String> = schema
            .tables()
            .filter(|table| !touched(table) && !self.planted.contains_key(*table))
            .map(str::to_owned)
            .collect();
        for table in tables {
            if let Some(planted) = plant(inspector, schema, spelling, &table).await {
                self.planted.insert(table, planted);
            }
        }
    }

    /// Deletes the sentinel rows of `tables`. A sentinel row of another
    /// table may refer to one of them (its generated key happens to match):
    /// when a delete fails, every table's rows go, children first as the
    /// passes allow, and untouched tables get new ones.
    async fn release(&mut self, inspector: &mut Inspector, tables: Vec<String>) {
        let mut pending = tables;
        let mut widened = false;
        while !pending.is_empty() {
            let mut failed = Vec::new();
            let mut deleted = 0;
            for table in pending {
                let Some(planted) = self.planted.get(&table) else {
                    continue;
                };
                let delete = format!(
                    "DELETE FROM {} WHERE {}",
                    planted.table_sql, planted.matching
                );
                match inspector.execute(&delete).await {
                    Ok(()) => {
                        self.planted.remove(&table);
                        deleted += 1;
                    }
                    Err(_) => failed.push(table),
                }
            }
            if failed.is_empty() {
                break;
            }
            if !widened {
                widened = true;
                let mut everything: Vec<String> = self
                    .planted
                    .keys()
                    .filter(|table| !failed.contains(table))
                    .cloned()
                    .collect();
                everything.extend(failed);
                pending = everything;
            } else if deleted == 0 {
                // No pass deletes more: forget them rather than loop.
                for table in &failed {
                    self.planted.remove(table);
                }
                break;
            } else {
                pending = failed;
            }
        }
    }

    /// Forgets every table (the scratch database was emptied).
    pub(crate) fn clear(&mut self) {
        self.planted.clear();
    }

    /// The fingerprint of each planted table's contents; a table that can no
    /// longer be read is `gone`.
    pub(crate) async fn fingerprints(&self, inspector: &mut Inspector) -> Fingerprints {
        if self.planted.is_empty() {
            return Fingerprints::new();
        }
        let spelling = spelling(inspector.dialect());
        let parts: Vec<String> = self
            .planted
            .iter()
            .map(|(table, planted)| {
                format!(
                    "SELECT {} AS t, ({}) AS f",
                    quote::literal(spelling.dialect(), table),
                    fingerprint_sql(spelling, planted)
                )
            })
            .collect();
        if let Ok(rows) = inspector.rows(&parts.join(" UNION ALL ")).await {
            return rows
                .into_iter()
                .filter_map(|row| {
                    let mut cells = row.into_iter();
                    Some((cells.next()??, cells.next().flatten().unwrap_or_default()))
                })
                .collect();
        }
        // One table is gone or changed shape: read them one by one.
        let mut found = Fingerprints::new();
        for (table, planted) in &self.planted {
            let value = match inspector.rows(&fingerprint_sql(spelling, planted)).await {
                Ok(rows) => rows
                    .into_iter()
                    .next()
                    .and_then(|row| row.into_iter().next().flatten())
                    .unwrap_or_default(),
                Err(_) => "gone".to_owned(),
            };
            found.insert(table.clone(), value);
        }
        found
    }
}

/// What changed between two fingerprints, one line per table.
pub(crate) fn changes(before: &Fingerprints, after: &Fingerprints, when: &str) -> Vec<String> {
    before
        .iter()
        .filter_map(|(table, was)| {
            let now = after.get(table).map_or("gone", String::as_str);
            (now != was).then(|| {
                let rows = |fingerprint: &str| {
                    fingerprint.split(':').next().unwrap_or_default().to_owned()
                };
                if now == "gone" {
                    format!("rows of {table}: the table cannot be read {when}")
                } else if rows(was) == rows(now) {
                    format!("rows of {table}: changed {when}")
                } else {
                    format!("rows of {table}: {} → {} rows {when}", rows(was), rows(now))
                }
            })
        })
        .collect()
}

/// Every word of the scripts, lowercased: what could name a table.
fn words(scripts: &[&str]) -> BTreeSet<String> {
    scripts
        .iter()
        .flat_map(|script| script.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$')))
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect()
}

async fn plant(
    inspector: &mut Inspector,
    schema: &Snapshot,
    spelling: &dyn Spelling,
    table: &str,
) -> Option<Planted> {
    let dialect = spelling.dialect();
    let table_sql = spelling.snapshot_table(table);
    let columns = schema.column_order.get(table)?;
    let column = |name: &str| {
        schema.objects.get(&crate::schema::ObjectKey {
            kind: "column".to_owned(),
            name: format!("{table}.{name}"),
        })
    };
    let mut full = Vec::new();
    let mut required = Vec::new();
    for name in columns {
        let attributes = column(name)?;
        let computed = attributes.contains_key("generated")
            || attributes
                .get("identity")
                .is_some_and(|identity| identity == "always")
            || attributes
                .get("extra")
                .is_some_and(|extra| extra.to_uppercase().contains("GENERATED"));
        if computed {
            continue;
        }
        let kind = attributes.get("type").map_or("", String::as_str);
        let values: Option<Vec<Value>> = (1..=ROWS)
            .map(|row| value(spelling, kind, row, schema))
            .collect();
        let is_required = attributes.contains_key("not null")
            && !attributes.contains_key("default")
            && !attributes
                .get("extra")
                .is_some_and(|extra| extra.contains("auto_increment"));
        match values {
            Some(values) => {
                if is_required {
                    required.push((name.clone(), values.clone()));
                }
                full.push((name.clone(), values));
            }
            None if is_required => return None,
            None => {}
        }
    }
    for attempt in [full, required] {
        if !attempt.iter().any(|(_, values)| values[0].identifies) {
            continue;
        }
        let names: Vec<String> = attempt
            .iter()
            .map(|(name, _)| ident(dialect, name))
            .collect();
        let rows: Vec<String> = (0..ROWS)
            .map(|row| {
                let cells: Vec<&str> = attempt
                    .iter()
                    .map(|(_, values)| values[row].sql.as_str())
                    .collect();
                format!("({})", cells.join(", "))
            })
            .collect();
        let insert = format!(
            "INSERT INTO {table_sql} ({}) VALUES {}",
            names.join(", "),
            rows.join(", ")
        );
        if inspector.execute(&insert).await.is_ok() {
            // The first column that identifies a row (usually the key):
            // triggers may change the others (a counter, a search column).
            let (key, values) = attempt
                .iter()
                .zip(&names)
                .find(|((_, values), _)| values[0].identifies)
                .map(|((_, values), name)| (name, values))?;
            let keys: Vec<&str> = values.iter().map(|value| value.sql.as_str()).collect();
            let matching = format!("{key} IN ({})", keys.join(", "));
            return Some(Planted {
                table_sql,
                columns_sql: columns.iter().map(|name| ident(dialect, name)).collect(),
                matching,
            });
        }
    }
    None
}

/// A value of `kind` for sentinel row `row` (1-based), if one can be made.
fn value(spelling: &dyn Spelling, kind: &str, row: usize, schema: &Snapshot) -> Option<Value> {
    if let Some(special) = spelling.special_sentinel(kind, schema) {
        return special;
    }
    let lower = kind.to_lowercase();
    let exact = |sql: String| {
        Some(Value {
            sql,
            identifies: true,
        })
    };
    let loose = |sql: String| Some(Value::loose(sql));
    let has = |word: &str| lower.contains(word);
    if has("interval") {
        return loose("'1 day'".to_owned());
    }
    if has("point") || has("xml") || has("geometry") || has("range") || has("vector") {
        return None;
    }
    if has("bool") {
        return loose(spelling.true_literal().to_owned());
    }
    if has("int") || has("serial") {
        return exact((100 + row).to_string());
    }
    if has("uuid") {
        return exact(format!("'00000000-0000-4000-8000-00000000000{row}'"));
    }
    if has("json") {
        return loose("'{}'".to_owned());
    }
    if has("timestamp") || has("datetime") {
        return loose(format!("'2001-02-03 04:05:0{row}'"));
    }
    if has("date") {
        return loose(format!("'2001-02-0{row}'"));
    }
    if has("time") {
        return loose(format!("'04:05:0{row}'"));
    }
    if has("year") {
        return loose(format!("{}", 2000 + row));
    }
    if has("numeric")
        || has("decimal")
        || has("real")
        || has("double")
        || has("float")
        || has("money")
    {
        return loose(row.to_string());
    }
    if has("bytea") {
        return loose(format!("decode('0{row}', 'hex')"));
    }
    if has("blob") || has("binary") {
        return loose(format!("X'0{row}'"));
    }
    if has("inet") || has("cidr") {
        return loose(format!("'10.0.0.{row}'"));
    }
    if has("tsvector") {
        return loose("''".to_owned());
    }
    if has("char")
        || has("text")
        || has("clob")
        || has("string")
        || has("name")
        || lower.is_empty()
        || spelling.any_type_takes_text()
    {
        return exact(format!("'r{row}'"));
    }
    None
}

/// `rows:digest` of the table's whole contents, in a stable row order.
fn fingerprint_sql(spelling: &dyn Spelling, planted: &Planted) -> String {
    spelling.fingerprint(&planted.table_sql, &planted.columns_sql)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_case_folded_identifiers() {
        let found = words(&["ALTER TABLE \"Orders\" ADD x; -- customers"]);
        assert!(found.contains("orders") && found.contains("customers"));
        assert!(!found.contains("order"));
    }

    #[test]
    fn changed_rows_name_the_table() {
        let before = Fingerprints::from([("t".to_owned(), "2:abc".to_owned())]);
        let after = Fingerprints::from([("t".to_owned(), "1:def".to_owned())]);
        assert_eq!(
            changes(&before, &after, "after up"),
            ["rows of t: 2 → 1 rows after up"]
        );
        assert!(changes(&before, &before, "after up").is_empty());
    }
}
