#!/usr/bin/env python3
"""Reads JSON benchmark lines (from xpaste-bench and the Python references) on stdin and prints a
side-by-side Markdown table with the xpaste / reference ratio for each benchmark."""
import json
import sys

rows = {}
for line in sys.stdin:
    line = line.strip()
    if not line.startswith("{"):
        continue
    r = json.loads(line)
    rows.setdefault(r["bench"], {})[r["impl"]] = r

print("| benchmark | xpaste items/s | reference | reference items/s | ratio (xpaste / reference) |")
print("| --- | ---: | --- | ---: | ---: |")
for bench, impls in rows.items():
    ours = impls.get("xpaste")
    for impl, ref in impls.items():
        if impl == "xpaste":
            continue
        ratio = ours["items_per_s"] / ref["items_per_s"] if ours else float("nan")
        print(f"| {bench} | {ours['items_per_s']:.1f} | {impl} | {ref['items_per_s']:.1f} | {ratio:.2f}× |"
              if ours else f"| {bench} | – | {impl} | {ref['items_per_s']:.1f} | – |")
    if ours and len(impls) == 1:
        print(f"| {bench} | {ours['items_per_s']:.1f} | – | – | – |")
