"""Integrationsatlas analysis engine: pure NumPy/SciPy, no Django (see docs/engine.md)."""
