"""Shared job runner for the raster reference scripts.

Each script reads a JSON list of jobs on stdin. Every job names an operation and its header-less
raw 8-bit input/output files (interleaved rows, packed); the script writes each output file and
prints one JSON object per job (`{"ok": true}` plus any extra facts) as a JSON list on stdout.
"""
import json
import sys

import numpy as np


def read_raw(path, width, height, channels):
    data = np.fromfile(path, dtype=np.uint8)
    expected = width * height * channels
    if data.size != expected:
        raise ValueError(f"{path}: {data.size} bytes, expected {expected}")
    return data.reshape((height, width, channels)) if channels > 1 else data.reshape((height, width))


def write_raw(path, array):
    np.ascontiguousarray(array, dtype=np.uint8).tofile(path)


def run(operations):
    jobs = json.load(sys.stdin)
    results = []
    for job in jobs:
        op = operations.get(job["op"])
        if op is None:
            raise SystemExit(f"unknown op {job['op']!r}")
        results.append(op(job) or {"ok": True})
    json.dump(results, sys.stdout)
