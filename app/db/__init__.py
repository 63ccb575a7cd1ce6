"""Storage: the SQLite database, its tables, the migrator and the ledger checks."""
