"""Benchmarks for servicemap: ``uv run python -m benchmarks`` (see benchmarks/README.md).

Each ``bench_*.py`` module in this package exposes ``BENCHMARKS``, a list of
:class:`benchmarks.harness.Benchmark`; the harness finds them itself.
"""
