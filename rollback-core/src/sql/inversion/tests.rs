//! The inverses of ups, by the kind of statement; the helpers the topics
//! share.

mod alters;
mod creates;
mod data;
mod drops;
mod other_kinds;
mod renames;
mod scope;

use crate::sql::dialect::Dialect;
use crate::sql::inversion::inverse::{InversePart, Need};
use crate::sql::inversion::invert_script;
use crate::sql::name::TableName;

const ALL: [Dialect; 3] = [Dialect::Sqlite, Dialect::Postgres, Dialect::MySql];

fn table(name: &str) -> TableName {
    TableName {
        schema: None,
        name: name.to_string(),
    }
}

fn sql(sql: &str) -> InversePart {
    InversePart::Sql {
        sql: sql.to_string(),
    }
}

fn recreate(need: Need) -> InversePart {
    InversePart::Recreate { need }
}

/// The parts of the inverse of a one-statement up.
#[track_caller]
fn parts(up: &str, dialect: Dialect) -> Vec<InversePart> {
    let inverses = invert_script(up, dialect);
    assert_eq!(inverses.len(), 1, "{up}: {inverses:?}");
    inverses[0].parts.clone()
}

/// The down's SQL parts, in order, for a one-statement up.
#[track_caller]
fn down(up: &str, dialect: Dialect) -> Vec<String> {
    parts(up, dialect)
        .into_iter()
        .map(|part| match part {
            InversePart::Sql { sql } => sql,
            other => panic!("{up}: not SQL: {other:?}"),
        })
        .collect()
}

/// Why each statement of `up` is skipped, in the down's order (`None`
/// where it has parts).
fn skips(up: &str, dialect: Dialect) -> Vec<Option<String>> {
    invert_script(up, dialect)
        .into_iter()
        .map(|inverse| inverse.skipped)
        .collect()
}

#[track_caller]
fn cannot(up: &str, dialect: Dialect) -> String {
    match parts(up, dialect).as_slice() {
        [InversePart::CannotInvert { reason }] => reason.clone(),
        other => panic!("{up}: {other:?}"),
    }
}
