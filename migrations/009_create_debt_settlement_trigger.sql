-- A debt becomes 'paid' once its payments add up to at least its amount.
CREATE TRIGGER trg_payment_history_settle
AFTER INSERT ON payment_history
BEGIN
    UPDATE debts
    SET status = 'paid'
    WHERE id = NEW.debt_id
      AND (SELECT COALESCE(SUM(amount), 0) FROM payment_history WHERE debt_id = NEW.debt_id)
          >= amount;
END;
