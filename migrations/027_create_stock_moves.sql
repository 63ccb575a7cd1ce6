-- Stock as a ledger: every change of a product's stock is a row saying by how much and why
-- (the stock at the upgrade, a sale line, a returned line, a count), and products.stock is
-- kept equal to the sum of its rows by the trigger below, so `check` can prove it.
CREATE TABLE stock_moves (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE RESTRICT,
    quantity INTEGER NOT NULL CHECK (quantity <> 0),
    kind TEXT NOT NULL CHECK (kind IN ('opening', 'sale', 'return', 'count')),
    sale_item_id INTEGER REFERENCES sale_items(id) ON DELETE RESTRICT,
    reversal_item_id INTEGER REFERENCES sale_reversal_items(id) ON DELETE RESTRICT,
    moved_at DATETIME NOT NULL,
    note TEXT,
    CHECK ((kind = 'sale') = (sale_item_id IS NOT NULL)),
    CHECK ((kind = 'return') = (reversal_item_id IS NOT NULL))
);

CREATE INDEX idx_stock_moves_product ON stock_moves(product_id, quantity);

CREATE UNIQUE INDEX idx_stock_moves_sale_item ON stock_moves(sale_item_id)
WHERE sale_item_id IS NOT NULL;

CREATE UNIQUE INDEX idx_stock_moves_reversal_item ON stock_moves(reversal_item_id)
WHERE reversal_item_id IS NOT NULL;

-- Sales recorded before the ledger began are history: the ledger opens with today's stock,
-- and `check` asks for a move only from the first sale line after this one.
CREATE TABLE stock_ledger_start (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    first_sale_item_id INTEGER NOT NULL
);

INSERT INTO stock_ledger_start (id, first_sale_item_id)
VALUES (1, COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'sale_items'), 0) + 1);

-- The opening move is dated by the newest record it follows (the last sale, or the product's
-- creation), not by the clock, so an upgrade interrupted and run again writes the same rows.
INSERT INTO stock_moves (product_id, quantity, kind, moved_at, note)
SELECT p.id, p.stock, 'opening',
       MAX(p.created_at, COALESCE((SELECT MAX(sold_at) FROM sales), p.created_at)),
       'stock when the ledger began'
FROM products p
WHERE p.stock <> 0
ORDER BY p.id;

CREATE TRIGGER trg_stock_moves_keep_stock
AFTER INSERT ON stock_moves
BEGIN
    UPDATE products SET stock = stock + NEW.quantity WHERE id = NEW.product_id;
END;

-- Whoever writes a sale line (the till or another program) moves the stock with it.
CREATE TRIGGER trg_sale_items_move_stock
AFTER INSERT ON sale_items
WHEN NEW.product_id IS NOT NULL
BEGIN
    INSERT INTO stock_moves (product_id, quantity, kind, sale_item_id, moved_at)
    VALUES (
        NEW.product_id, -NEW.quantity, 'sale', NEW.id,
        (SELECT sold_at FROM sales WHERE id = NEW.sale_id)
    );
END;

CREATE TRIGGER trg_sale_reversal_items_move_stock
AFTER INSERT ON sale_reversal_items
BEGIN
    INSERT INTO stock_moves (product_id, quantity, kind, reversal_item_id, moved_at)
    SELECT i.product_id, NEW.quantity, 'return', NEW.id, r.reversed_at
    FROM sale_items i, sale_reversals r
    WHERE i.id = NEW.sale_item_id AND i.product_id IS NOT NULL AND r.id = NEW.reversal_id;
END;

CREATE TRIGGER trg_stock_moves_no_update
BEFORE UPDATE ON stock_moves
BEGIN
    SELECT RAISE(ABORT, 'stock moves are append-only');
END;

CREATE TRIGGER trg_stock_moves_no_delete
BEFORE DELETE ON stock_moves
BEGIN
    SELECT RAISE(ABORT, 'stock moves are append-only');
END;
