DROP INDEX orders_customer_status;
