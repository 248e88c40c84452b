-- What each customer has spent on orders that were not cancelled.
CREATE VIEW customer_totals AS
SELECT c.id AS customer_id, c.email, COUNT(o.id) AS orders, COALESCE(SUM(o.total_cents), 0) AS spent_cents
FROM customers c
LEFT JOIN orders o ON o.customer_id = c.id AND o.status <> 'cancelled'
GROUP BY c.id, c.email;
