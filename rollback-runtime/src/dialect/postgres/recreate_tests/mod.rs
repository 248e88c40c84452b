//! PostgreSQL round trips.
//!
//! One file a topic; this one holds the schema they share (`SHOP`, `TOUCH`).

mod keys;
mod objects;
mod tables;

use rollback_core::sql::Dialect;

const PG: Dialect = Dialect::Postgres;

const TOUCH: &str = "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- a comment the body keeps
    NEW.note := coalesce(NEW.note, 'touched');
    RETURN NEW;
END
$$";

/// A shop: an enum and a domain used by columns, serial and identity keys,
/// foreign keys both ways, partial and expression indexes, checks, a
/// trigger, row level security with policies, comments, dependent views.
const SHOP: &[&str] = &[
    "CREATE TYPE status AS ENUM ('new', 'paid', 'it''s')",
    "CREATE DOMAIN positive AS integer DEFAULT 1 NOT NULL CONSTRAINT positive_check CHECK (VALUE > 0)",
    "CREATE TABLE customers (id integer GENERATED ALWAYS AS IDENTITY (START WITH 10 INCREMENT BY 5) PRIMARY KEY, email text UNIQUE)",
    "CREATE TABLE \"Order\" (
        id serial PRIMARY KEY,
        customer_id integer REFERENCES customers (id) ON DELETE CASCADE,
        status status NOT NULL DEFAULT 'new',
        qty positive,
        \"select\" text COLLATE \"C\",
        note text,
        total numeric(10, 2) CHECK (total >= 0),
        doubled numeric GENERATED ALWAYS AS (total * 2) STORED,
        parent integer REFERENCES \"Order\" (id),
        CONSTRAINT qty_total UNIQUE (qty, total) DEFERRABLE INITIALLY DEFERRED
    ) WITH (fillfactor = 80)",
    "CREATE INDEX order_new ON \"Order\" (status) WHERE status = 'new'",
    "CREATE INDEX order_lower ON \"Order\" (lower(\"select\"))",
    "COMMENT ON INDEX order_lower IS 'by name'",
    TOUCH,
    "CREATE TRIGGER order_touch BEFORE INSERT OR UPDATE OF note ON \"Order\" FOR EACH ROW EXECUTE FUNCTION touch()",
    "CREATE TRIGGER order_quiet BEFORE DELETE ON \"Order\" FOR EACH ROW EXECUTE FUNCTION touch()",
    "ALTER TABLE \"Order\" DISABLE TRIGGER order_quiet",
    "ALTER TABLE \"Order\" ENABLE ROW LEVEL SECURITY",
    "ALTER TABLE \"Order\" FORCE ROW LEVEL SECURITY",
    "CREATE POLICY readers ON \"Order\" AS RESTRICTIVE FOR SELECT TO PUBLIC, CURRENT_USER USING (status = 'paid')",
    "CREATE POLICY writers ON \"Order\" FOR INSERT WITH CHECK (qty > 1)",
    "COMMENT ON TABLE \"Order\" IS 'the orders'",
    "COMMENT ON COLUMN \"Order\".\"select\" IS 'it''s reserved'",
    "CREATE TABLE lines (order_id integer REFERENCES \"Order\" (id), qty integer)",
    "CREATE VIEW paid AS SELECT id, total FROM \"Order\" WHERE status = 'paid'",
    "CREATE VIEW paid_total AS SELECT sum(total) AS total FROM paid",
    "INSERT INTO customers (email) VALUES ('a@example.com')",
    "INSERT INTO \"Order\" (customer_id, qty, total) VALUES (10, 2, 5.5)",
];
