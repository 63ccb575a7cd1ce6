"""The Customers tab: the customer directory."""
