"""Benchmark scripts: they print ratios measured in one run; results go to docs/benchmarks.md."""
