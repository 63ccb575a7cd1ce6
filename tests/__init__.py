"""Tests for Dukan."""
