//! Names in effects, folded and qualified the way each database does.

use super::{drop_column, drop_table, effects, qualified, table};
use crate::sql::analysis::analyzed::Effect;
use crate::sql::dialect::Dialect;

#[test]
fn identifiers_fold_the_way_the_database_does() {
    assert_eq!(
        effects("DROP TABLE Users", Dialect::Postgres),
        [drop_table("users")]
    );
    assert_eq!(
        effects("DROP TABLE Users", Dialect::Sqlite),
        [drop_table("Users")]
    );
    assert_eq!(
        effects("DROP TABLE `Users`", Dialect::MySql),
        [drop_table("Users")]
    );
    assert_eq!(
        effects(
            r#"ALTER TABLE "Users" DROP COLUMN "eMail""#,
            Dialect::Postgres
        ),
        [drop_column("Users", "eMail")]
    );
    assert_eq!(
        effects("ALTER TABLE [t] DROP COLUMN [c]", Dialect::Sqlite),
        [drop_column("t", "c")]
    );
}

#[test]
fn names_with_three_parts_keep_the_last_two() {
    assert_eq!(
        effects("DROP TABLE db.sch.tbl", Dialect::Postgres),
        [Effect::DropTable {
            table: qualified("sch", "tbl")
        }]
    );
    assert_eq!(qualified("sch", "tbl").to_string(), "sch.tbl");
    assert_eq!(table("tbl").to_string(), "tbl");
}
