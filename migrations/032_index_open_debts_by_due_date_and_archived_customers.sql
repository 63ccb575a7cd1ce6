-- The headline numbers of the Debts and Customers tabs, read again after every sale and
-- payment, added up every open debt with its payments twice (0.5 s on the big shop) and
-- every customer's row. The total owed comes from customer_balances (023); what still needs
-- the debts is read from these (app/db/summary_rows.py):

-- Each open debt's due date and amount, so the open debts overdue or not yet due on a day are
-- a range of one index, counted and summed without visiting the table. `status` is a column
-- too, though every entry is 'open': SQLite (3.40) treats a partial index as covering only
-- when it holds the columns of its own WHERE clause.
CREATE INDEX idx_debts_open_by_due_date ON debts(due_date, amount, status) WHERE status = 'open';

-- The archived customers (a few), so "customers" is the table's count less these instead of
-- a read of every customer's row to look at its flag.
CREATE INDEX idx_customers_archived ON customers(is_deleted) WHERE is_deleted = 1;
