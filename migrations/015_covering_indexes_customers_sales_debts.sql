-- Indexes for seed 000's query patterns. Each one below leads with customer_id, so it also
-- answers everything the single-column indexes of 012-014 did; those are dropped rather than
-- kept as duplicates that every sale and payment would have to update.

-- Balance per customer and payment allocation (oldest due first): a customer's open debts,
-- read from the index alone. Partial, because most debts end up paid.
CREATE INDEX idx_debts_open_by_customer
ON debts(customer_id, due_date, created_at, amount) WHERE status = 'open';

-- Statement by customer ordered by date: the customer's debts, then their payments.
CREATE INDEX idx_debts_customer_created ON debts(customer_id, created_at);

CREATE INDEX idx_payment_history_customer_paid ON payment_history(customer_id, paid_at);

-- Sales totals and averages by customer and period; anonymous sales are customer_id IS NULL.
CREATE INDEX idx_sales_customer_sold ON sales(customer_id, sold_at, total, paid);

DROP INDEX idx_debts_customer_id;

DROP INDEX idx_payment_history_customer_id;

DROP INDEX idx_sales_customer_id;
