-- Seed 004's trading terms. payment_terms: days from a credit sale to its due date.
-- credit_limit in minor units: NULL is no limit, 0 is no credit at all.
ALTER TABLE customers ADD COLUMN payment_terms INTEGER NOT NULL DEFAULT 30
CHECK (typeof(payment_terms) = 'integer' AND payment_terms BETWEEN 0 AND 3650);

ALTER TABLE customers ADD COLUMN credit_limit INTEGER
CHECK (credit_limit IS NULL OR (typeof(credit_limit) = 'integer' AND credit_limit >= 0));

ALTER TABLE customers ADD COLUMN tax_number TEXT;
