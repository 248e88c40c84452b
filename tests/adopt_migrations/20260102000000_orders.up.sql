CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers (id));
CREATE INDEX orders_customer ON orders (customer_id);
