-- Who bought, when the buyer is known. NULL is a walk-in sale, and stays the common case.
ALTER TABLE sales ADD COLUMN customer_id INTEGER REFERENCES customers(id) ON DELETE RESTRICT;

CREATE INDEX idx_sales_customer_id ON sales(customer_id);
