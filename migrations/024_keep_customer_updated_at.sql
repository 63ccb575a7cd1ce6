-- updated_at follows every change a person makes to a customer (seed 004's trigger), even one
-- made outside the services. Derived columns (name_key) are not a change; a service that sets
-- updated_at itself keeps its value. Last of the customer migrations, so the upgrade's own
-- updates above keep the backfilled times.
CREATE TRIGGER trg_customers_updated_at
AFTER UPDATE OF name, customer_number, contact_name, phone, email, billing_address,
    shipping_address, payment_terms, credit_limit, tax_number, note, is_deleted,
    merged_into_id, updated_by ON customers
WHEN NEW.updated_at IS OLD.updated_at
BEGIN
    UPDATE customers SET updated_at = strftime('%Y-%m-%d %H:%M:%S', 'now', 'localtime')
    WHERE id = NEW.id;
END;
