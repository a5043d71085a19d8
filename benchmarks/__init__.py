"""Benchmarks: ``python -m benchmarks`` prints the table; ``benchmarks/synth.py`` writes stories."""
