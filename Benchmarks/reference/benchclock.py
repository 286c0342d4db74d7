"""Timing helper shared by the Python reference benchmarks: the same median-of-runs rule as
Benchmarks/Sources/xpaste-bench/BenchClock.swift, and the same JSON line format."""
import json
import time


def median(body, warmup=1, repeats=5):
    for _ in range(warmup):
        body()
    samples = []
    for _ in range(repeats):
        t = time.perf_counter()
        body()
        samples.append(time.perf_counter() - t)
    samples.sort()
    return samples[len(samples) // 2]


def report(name, impl, items, seconds):
    print(json.dumps({"bench": name, "impl": impl, "items": items, "seconds": seconds,
                      "items_per_s": items / seconds}), flush=True)
