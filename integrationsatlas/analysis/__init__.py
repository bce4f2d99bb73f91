"""The analysis engine: pure Python + NumPy/SciPy, no Django imports."""
