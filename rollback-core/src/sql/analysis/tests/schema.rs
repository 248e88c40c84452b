//! Statements that change the schema or the session and lose nothing stored.

use super::{ALL, assert_class};
use crate::sql::analysis::analyzed::StatementClass;
use crate::sql::dialect::Dialect;

#[test]
fn schema_statements_in_every_dialect() {
    for dialect in ALL {
        assert_class(
            dialect,
            StatementClass::Schema,
            &[
                "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)",
                "CREATE INDEX i ON t (name)",
                "CREATE VIEW v AS SELECT id FROM t",
                "ALTER TABLE t ADD COLUMN c INT",
                "ALTER TABLE t RENAME TO u",
                "ALTER TABLE t RENAME COLUMN a TO b",
                "DROP TRIGGER tr",
                "BEGIN",
                "COMMIT",
                "SAVEPOINT s",
            ],
        );
    }
}

#[test]
fn schema_statements_of_postgres() {
    assert_class(
        Dialect::Postgres,
        StatementClass::Schema,
        &[
            "ALTER TABLE t ADD CONSTRAINT c UNIQUE (a)",
            "ALTER TABLE t ALTER COLUMN c SET NOT NULL",
            "ALTER TABLE t ALTER COLUMN c DROP NOT NULL",
            "ALTER TABLE t ALTER COLUMN c SET DEFAULT 0",
            "ALTER TABLE t ALTER c DROP DEFAULT",
            "ALTER TABLE t DROP CONSTRAINT c",
            "ALTER TABLE t RENAME CONSTRAINT a TO b",
            "ALTER TABLE t ENABLE ROW LEVEL SECURITY",
            "ALTER TABLE t DISABLE ROW LEVEL SECURITY",
            "ALTER INDEX i RENAME TO j",
            "DROP INDEX IF EXISTS i",
            "DROP FUNCTION IF EXISTS f(int)",
            "DROP PROCEDURE p",
            "DROP POLICY p ON t",
            "DROP EXTENSION citext",
            "DROP TRIGGER tr ON t",
            "CREATE EXTENSION IF NOT EXISTS citext",
            "CREATE TYPE mood AS ENUM ('sad', 'happy')",
            "ALTER TYPE mood ADD VALUE 'ok'",
            "COMMENT ON TABLE t IS 'users'",
            "GRANT SELECT ON t TO reader",
            "REVOKE ALL ON t FROM reader",
            "SET search_path TO public",
            "SET LOCAL lock_timeout = '1s'",
            "START TRANSACTION ISOLATION LEVEL SERIALIZABLE",
            "CREATE FUNCTION f() RETURNS trigger AS $$ BEGIN RETURN NEW; END $$ LANGUAGE plpgsql",
        ],
    );
}

#[test]
fn schema_statements_of_mysql_and_sqlite() {
    assert_class(
        Dialect::MySql,
        StatementClass::Schema,
        &[
            "DROP INDEX i ON t",
            "RENAME TABLE a TO b",
            "ALTER TABLE t DROP FOREIGN KEY fk",
            "ALTER TABLE t DROP PRIMARY KEY",
            "ALTER TABLE t DROP INDEX i",
            "SET FOREIGN_KEY_CHECKS = 0",
            "START TRANSACTION",
            "LOCK TABLES t WRITE",
            "DEALLOCATE PREPARE stmt",
        ],
    );
    assert_class(
        Dialect::Sqlite,
        StatementClass::Schema,
        &[
            "PRAGMA foreign_keys = 1",
            "PRAGMA foreign_keys",
            "DROP INDEX i",
            "BEGIN IMMEDIATE",
            "END TRANSACTION",
            "VACUUM",
            "CREATE TRIGGER tr AFTER INSERT ON a BEGIN UPDATE a SET n = 1; END",
        ],
    );
}
