-- Open debts with what has been paid on each, and the indexes the screens rely on.
CREATE VIEW open_debts AS
SELECT
    d.id AS debt_id,
    d.sale_id AS sale_id,
    d.amount AS amount,
    COALESCE((SELECT SUM(p.amount) FROM payment_history p WHERE p.debt_id = d.id), 0) AS paid,
    d.amount
        - COALESCE((SELECT SUM(p.amount) FROM payment_history p WHERE p.debt_id = d.id), 0)
        AS outstanding,
    d.due_date AS due_date,
    d.created_at AS created_at
FROM debts d
WHERE d.status = 'open';

CREATE INDEX idx_sales_sold_at ON sales(sold_at);
CREATE INDEX idx_sale_items_sale_id ON sale_items(sale_id);
CREATE INDEX idx_debts_sale_id ON debts(sale_id);
CREATE INDEX idx_debts_status ON debts(status);
CREATE INDEX idx_payment_history_debt_id ON payment_history(debt_id);
