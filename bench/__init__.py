"""Benchmarks of the KPI Portal: see bench/README.md and docs/benchmarks.md."""
