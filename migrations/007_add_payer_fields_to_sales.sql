-- Who took goods on credit, as the cashier typed it (name and phone in any format).
ALTER TABLE sales ADD COLUMN payer_name TEXT;
ALTER TABLE sales ADD COLUMN payer_phone TEXT;
