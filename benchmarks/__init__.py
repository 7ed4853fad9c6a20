"""Benchmarks: the engine in process, the HTTP API under gunicorn with wrk, and start-up.

`python -m benchmarks.run` (or `make bench`) runs them all, prints a table and writes
benchmarks/results/latest.json. Benchmarks never fail on a number; they measure and record.
"""
