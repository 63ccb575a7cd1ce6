-- A duplicate merged into another customer stays, archived, pointing at the survivor: its
-- number still finds the survivor, and old receipts that print it still make sense.
ALTER TABLE customers ADD COLUMN merged_into_id INTEGER REFERENCES customers(id) ON DELETE RESTRICT
CHECK (merged_into_id IS NULL OR (merged_into_id <> id AND is_deleted = 1));
