"""Benchmarks for facilitate (run with ``make bench``); kept out of the test suite."""
