"""Reference for PolygonTests: random COCO polygon segmentations and what pycocotools rasterises
them to (frPyObjects + merge, i.e. COCO.annToRLE). Prints one JSON line per segmentation:
{"h", "w", "rings": [[x0, y0, ...], ...], "each": [counts string per ring], "merged": counts string}.

usage: polygon_reference.py SEED COUNT
"""
import json
import math
import sys

import numpy as np
from pycocotools import mask as mask_utils

seed, count = int(sys.argv[1]), int(sys.argv[2])
rng = np.random.default_rng(seed)


def ring(h, w):
    kind = rng.integers(0, 6)
    n = int(rng.integers(3, 40))
    if kind == 0:  # arbitrary vertices, possibly self-intersecting, possibly outside the image
        xs = rng.uniform(-5, w + 5, n)
        ys = rng.uniform(-5, h + 5, n)
    elif kind == 1:  # star-shaped around a centre
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        ang = np.sort(rng.uniform(0, 2 * math.pi, n))
        r = rng.uniform(0.5, max(h, w) / 2, n)
        xs, ys = cx + r * np.cos(ang), cy + r * np.sin(ang)
    elif kind == 2:  # integer pixel corners (what xpaste emits)
        xs = rng.integers(0, w + 1, n).astype(float)
        ys = rng.integers(0, h + 1, n).astype(float)
    elif kind == 3:  # tenths: lands on the 5x upsampling's rounding ties
        xs = np.round(rng.uniform(-1, w + 1, n), 1)
        ys = np.round(rng.uniform(-1, h + 1, n), 1)
    elif kind == 4:  # tiny polygons, a pixel or less
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        xs, ys = cx + rng.uniform(-0.7, 0.7, n), cy + rng.uniform(-0.7, 0.7, n)
    else:  # axis-aligned rectangle at half-pixel offsets, with a repeated vertex
        x0, y0 = rng.integers(-2, w) + rng.choice([0, 0.5]), rng.integers(-2, h) + rng.choice([0, 0.5])
        x1, y1 = x0 + rng.integers(0, w // 2 + 2), y0 + rng.integers(0, h // 2 + 2)
        xs, ys = np.array([x0, x1, x1, x1, x0]), np.array([y0, y0, y0, y1, y1])
    return [float(v) for xy in zip(xs, ys) for v in xy]


for _ in range(count):
    h, w = int(rng.integers(1, 120)), int(rng.integers(1, 120))
    rings = [ring(h, w) for _ in range(int(rng.integers(1, 4)))]
    rles = mask_utils.frPyObjects(rings, h, w)
    merged = mask_utils.merge(rles)
    print(json.dumps({"h": h, "w": w, "rings": rings, "each": [r["counts"].decode() for r in rles],
                      "merged": merged["counts"].decode()}))
