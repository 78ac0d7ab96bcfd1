"""`make bench`: the product's production server on loopback, measured (BENCHMARKS.md)."""
