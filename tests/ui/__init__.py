"""Tests of app.ui."""
