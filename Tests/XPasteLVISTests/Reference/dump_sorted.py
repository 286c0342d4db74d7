"""Re-serialises a JSON object with integer-like keys in ascending numeric order, using Python's
default json.dump formatting. Used to check that xpaste writes the size prior in the same text
form as the X-Paste reference file (whose key order is arbitrary).

Usage: dump_sorted.py PATH
"""
import json
import sys

with open(sys.argv[1]) as f:
    data = json.load(f)
json.dump({k: data[k] for k in sorted(data, key=int)}, sys.stdout)
