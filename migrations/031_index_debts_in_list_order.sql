-- The Debts tab lists debts by due date, then when they were made (the undated after the
-- dated, in the order they were made). No index held that order, so every page of the list
-- sorted all the debts it could show (every open debt of the shop, or every debt) in a
-- temporary B-tree to take 200 of them: 50-90 ms for the first page of the big shop, more
-- for each page further down. With these the list is read in index order, a page at a time
-- from where the last one ended (app/services/debt_book.py), whichever shape it has:
-- everyone's debts in one status (open, overdue, paid);
CREATE INDEX idx_debts_status_in_list_order ON debts(status, due_date, created_at);

-- everyone's debts, whatever their status;
CREATE INDEX idx_debts_in_list_order ON debts(due_date, created_at);

-- one customer's debts in one status. Without it SQLite walks the first index above, every
-- open debt of the shop, to find one customer's: it saw a sort to save there and none here.
CREATE INDEX idx_debts_customer_in_list_order ON debts(customer_id, status, due_date, created_at);
