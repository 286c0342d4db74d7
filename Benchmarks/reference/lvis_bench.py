"""Python reference for `xpaste-bench lvis`: the same operations on the same file with the tools
LVIS users run today. One OP per process, so peak RSS belongs to that operation.

  read       json.load         (benches lvis.read and lvis.load, impl "python json.load")
  read-lvis  lvis.LVIS(path)   (benches lvis.read and lvis.load, impl "python lvis.LVIS")
             Python has no streaming reader, so the one measurement stands for both.
  stats  json.load + NumPy size prior   (bench lvis.stats)
  write  json.dump of the loaded data, and json.dumps + one write (bench lvis.write)

Usage: lvis_bench.py OP FILE [OUT]
"""
import contextlib
import io
import json
import os
import resource
import sys
from collections import defaultdict

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchclock  # noqa: E402


def report(name, impl, items, seconds, nbytes):
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"bench": name, "impl": impl, "items": items, "seconds": seconds,
                      "items_per_s": items / seconds, "mb_per_s": nbytes / seconds / 1e6, "bytes": nbytes,
                      "peak_rss_mb": peak}), flush=True)


def json_load(path):
    with open(path) as f:
        return json.load(f)


def size_prior(data):
    areas = {img["id"]: float(img["width"]) * float(img["height"]) for img in data["images"]}
    per_category = defaultdict(list)
    for a in data["annotations"]:
        per_category[a["category_id"]].append(np.sqrt(a["bbox"][2] * a["bbox"][3] / areas[a["image_id"]]))
    return {str(c): [float(np.mean(v)), float(np.std(v))] for c, v in per_category.items()}


def main():
    op, path = sys.argv[1], sys.argv[2]
    nbytes = os.path.getsize(path)
    state = {}
    if op in ("read", "read-lvis"):
        # Python has no streaming mode: reading and loading are the same call, reported under both.
        if op.endswith("-lvis"):
            from lvis import LVIS

            def body():
                with contextlib.redirect_stdout(io.StringIO()):
                    state["n"] = len(LVIS(path).anns)
            impl = "python lvis.LVIS"
        else:
            def body():
                state["n"] = len(json_load(path)["annotations"])
            impl = "python json.load"
        seconds = benchclock.median(body, warmup=0, repeats=3)
        report("lvis.read", impl, state["n"], seconds, nbytes)
        report("lvis.load", impl, state["n"], seconds, nbytes)
    elif op == "stats":
        def body():
            data = json_load(path)
            state["n"] = len(data["annotations"])
            size_prior(data)
        seconds = benchclock.median(body, warmup=0, repeats=3)
        report("lvis.stats", "python json.load+numpy", state["n"], seconds, nbytes)
    elif op == "write":
        out = sys.argv[3] if len(sys.argv) > 3 else path + ".python.json"
        data = json_load(path)

        def dump():
            with open(out, "w") as f:
                json.dump(data, f)

        def dumps():
            text = json.dumps(data)
            with open(out, "w") as f:
                f.write(text)
        seconds = benchclock.median(dump, warmup=0, repeats=3)
        report("lvis.write", "python json.dump", len(data["annotations"]), seconds, os.path.getsize(out))
        seconds = benchclock.median(dumps, warmup=0, repeats=3)
        report("lvis.write", "python json.dumps+write", len(data["annotations"]), seconds, os.path.getsize(out))
    else:
        sys.exit(f"unknown op {op}")


if __name__ == "__main__":
    main()
