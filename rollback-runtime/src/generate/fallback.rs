//! The inverse of a `CREATE OR REPLACE` that created rather than replaced:
//! when the object a [`Need`] names is not there just before the statement,
//! the statement creates it, and the down drops it (`IF EXISTS`, so that the
//! same line is harmless after a `DROP … IF EXISTS` of nothing).

use rollback_core::sql::{Dialect, Need};

use crate::dialect::quote::{ident, table};
use crate::dialect::spelling;

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
            Some(spelling(dialect).drop_routine(kind, &table(dialect, name), arguments.as_deref()))
        }
        Need::Trigger { name, table: on } => Some(spelling(dialect).drop_trigger(
            &table(dialect, name),
            &ident(dialect, &name.name),
            on.as_ref().map(|on| table(dialect, on)).as_deref(),
        )),
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
