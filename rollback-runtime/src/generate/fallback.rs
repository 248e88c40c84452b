//! The inverse of a `CREATE OR REPLACE` that created rather than replaced:
//! when the object a [`Need`] names is not there just before the statement,
//! the statement creates it, and the down drops it (`IF EXISTS`, so that the
//! same line is harmless after a `DROP … IF EXISTS` of nothing).

use rollback_core::sql::{Dialect, Need};

use crate::quote::{ident, table};

/// The `DROP … IF EXISTS` of the object `need` names, for the needs a
/// `CREATE OR REPLACE` gives; `None` for the others, whose object missing
/// means the up's `DROP … IF EXISTS` found nothing to put back.
pub(super) fn drop_created(dialect: Dialect, need: &Need) -> Option<String> {
    match need {
        Need::View { view, materialized } => Some(format!(
            "DROP {}VIEW IF EXISTS {}",
            if *materialized { "MATERIALIZED " } else { "" },
            table(dialect, view)
        )),
        Need::Routine {
            name,
            arguments,
            procedure,
        } => {
            let kind = if *procedure { "PROCEDURE" } else { "FUNCTION" };
            let signature = match (dialect, arguments) {
                (Dialect::Postgres, Some(arguments)) => format!("({arguments})"),
                _ => String::new(),
            };
            Some(format!(
                "DROP {kind} IF EXISTS {}{signature}",
                table(dialect, name)
            ))
        }
        Need::Trigger { name, table: on } => Some(match (dialect, on) {
            (Dialect::Postgres, Some(on)) => format!(
                "DROP TRIGGER IF EXISTS {} ON {}",
                ident(dialect, &name.name),
                table(dialect, on)
            ),
            _ => format!("DROP TRIGGER IF EXISTS {}", table(dialect, name)),
        }),
        Need::Table { table: created } => {
            Some(format!("DROP TABLE IF EXISTS {}", table(dialect, created)))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use rollback_core::sql::TableName;

    use super::*;

    fn name(name: &str) -> TableName {
        TableName {
            schema: None,
            name: name.to_owned(),
        }
    }

    #[test]
    fn replaced_objects_that_were_created_are_dropped() {
        let routine = Need::Routine {
            name: name("touch"),
            arguments: Some("integer, text".to_owned()),
            procedure: false,
        };
        assert_eq!(
            drop_created(Dialect::Postgres, &routine).unwrap(),
            r#"DROP FUNCTION IF EXISTS "touch"(integer, text)"#
        );
        assert_eq!(
            drop_created(Dialect::MySql, &routine).unwrap(),
            "DROP FUNCTION IF EXISTS `touch`"
        );
        let trigger = Need::Trigger {
            name: name("t"),
            table: Some(name("orders")),
        };
        assert_eq!(
            drop_created(Dialect::Postgres, &trigger).unwrap(),
            r#"DROP TRIGGER IF EXISTS "t" ON "orders""#
        );
        let column = Need::Column {
            table: name("orders"),
            column: "note".to_owned(),
        };
        assert_eq!(drop_created(Dialect::Sqlite, &column), None);
    }
}
