"""Benchmarks: ``python -m bench`` prints engine, page and DQN timings and peak memory."""
