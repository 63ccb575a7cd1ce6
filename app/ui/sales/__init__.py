"""The Sales tab: the till and today's sales."""
