"""Benchmarks and the data generators they share with the scale tests."""
