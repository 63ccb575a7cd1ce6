"""Use cases: each write is one transaction; results are frozen dataclasses."""
