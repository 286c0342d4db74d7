#!/usr/bin/env python3
"""Rasterises COCO polygon segmentations exactly as pycocotools' annToMask does (frPyObjects,
merge) and prints each result's compressed RLE counts.

stdin: JSON list of {"height": h, "width": w, "rings": [[x0, y0, x1, y1, ...], ...]}
stdout: JSON list of counts strings, in the same order.
"""
import json
import sys

from pycocotools import mask as mask_util


def main():
    cases = json.load(sys.stdin)
    out = []
    for c in cases:
        rles = mask_util.frPyObjects(c["rings"], c["height"], c["width"])
        out.append(mask_util.merge(rles)["counts"].decode())
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
