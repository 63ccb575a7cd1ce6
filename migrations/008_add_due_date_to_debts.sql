-- When a debt falls due.
ALTER TABLE debts ADD COLUMN due_date DATE;
