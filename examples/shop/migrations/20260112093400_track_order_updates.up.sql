ALTER TABLE orders ADD COLUMN updated_at TEXT;

-- Stamp every change of an order's status.
CREATE TRIGGER orders_touch_updated_at
AFTER UPDATE OF status ON orders
BEGIN
    UPDATE orders SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;
END;
