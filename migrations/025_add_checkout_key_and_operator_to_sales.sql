-- A till that records a sale twice takes the customer's money twice. Each basket carries a key
-- made when it is opened; the checkout records it with the sale, and the unique index turns a
-- second press of "complete" (or a retry after an error) into the sale already recorded.
ALTER TABLE sales ADD COLUMN checkout_key TEXT CHECK (checkout_key <> '');

CREATE UNIQUE INDEX idx_sales_checkout_key ON sales(checkout_key);

-- Who rang the sale up; NULL for sales made before operators existed.
ALTER TABLE sales ADD COLUMN operator_id INTEGER REFERENCES operators(id) ON DELETE RESTRICT;

-- The cash handed over, so a reprinted receipt shows the same change as the first one.
ALTER TABLE sales ADD COLUMN tendered INTEGER CHECK (tendered IS NULL OR tendered >= paid);
