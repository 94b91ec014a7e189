"""Benchmarks that print figures; run each as a script (`python bench/NAME.py`).

A package so that one benchmark reusing another's helpers (`from bench.X import ...`) is seen
under one module name by mypy.
"""
