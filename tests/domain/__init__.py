"""Tests for the pure domain layer."""
