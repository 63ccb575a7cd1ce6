-- Seed 004's contact person and structured addresses. An address is a JSON object with the
-- keys street, city, province, postal_code and country (app/domain/customer_form.py).
ALTER TABLE customers ADD COLUMN contact_name TEXT;

ALTER TABLE customers ADD COLUMN billing_address TEXT
CHECK (billing_address IS NULL
       OR (json_valid(billing_address) AND json_type(billing_address) = 'object'));

ALTER TABLE customers ADD COLUMN shipping_address TEXT
CHECK (shipping_address IS NULL
       OR (json_valid(shipping_address) AND json_type(shipping_address) = 'object'));

-- Seed 000's free-text address becomes the billing street, and the column goes, so an address
-- lives in one place only.
UPDATE customers
SET billing_address = json_object(
    'street', trim(address), 'city', NULL, 'province', NULL, 'postal_code', NULL, 'country', NULL
)
WHERE trim(address) <> '';

ALTER TABLE customers DROP COLUMN address;
