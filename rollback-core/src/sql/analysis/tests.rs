//! The analysis of statements and scripts, by what they do; the helpers
//! the topics share.

mod data;
mod destructive;
mod names;
mod schema;
mod scripts;
mod unclassified;

use crate::sql::analysis::analyze_statement;
use crate::sql::analysis::analyzed::{Effect, StatementClass};
use crate::sql::dialect::Dialect;
use crate::sql::name::TableName;

const ALL: [Dialect; 3] = [Dialect::Sqlite, Dialect::Postgres, Dialect::MySql];

fn class(sql: &str, dialect: Dialect) -> StatementClass {
    analyze_statement(sql, dialect).0
}

fn effects(sql: &str, dialect: Dialect) -> Vec<Effect> {
    analyze_statement(sql, dialect).1
}

fn reason(sql: &str, dialect: Dialect) -> String {
    analyze_statement(sql, dialect).2.unwrap_or_default()
}

fn table(name: &str) -> TableName {
    TableName {
        schema: None,
        name: name.to_string(),
    }
}

fn qualified(schema: &str, name: &str) -> TableName {
    TableName {
        schema: Some(schema.to_string()),
        name: name.to_string(),
    }
}

fn drop_table(name: &str) -> Effect {
    Effect::DropTable { table: table(name) }
}

fn drop_column(name: &str, column: &str) -> Effect {
    Effect::DropColumn {
        table: table(name),
        column: column.to_string(),
    }
}

fn change_type(name: &str, column: &str) -> Effect {
    Effect::ChangeColumnType {
        table: table(name),
        column: column.to_string(),
    }
}

fn class_and_effects(sql: &str, dialect: Dialect) -> (StatementClass, Vec<Effect>) {
    let (class, effects, _) = analyze_statement(sql, dialect);
    (class, effects)
}

#[track_caller]
fn assert_class(dialect: Dialect, expected: StatementClass, statements: &[&str]) {
    for sql in statements {
        let (class, _, reason) = analyze_statement(sql, dialect);
        assert_eq!(class, expected, "{} `{sql}`: {reason:?}", dialect.as_str());
    }
}
