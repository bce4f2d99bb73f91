"""Reliability tests: load, caching under change."""
