"""The Debts tab: the credit book."""
