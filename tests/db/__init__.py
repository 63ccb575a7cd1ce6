"""Tests of app.db."""
