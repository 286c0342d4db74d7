"""Reference for RLETests: builds a deterministic set of binary masks, writes them to MASK_FILE as
raw row-major bytes (0/1), and prints one JSON line per mask with what pycocotools says about it.

usage: rle_reference.py MASK_FILE SHARED_DATA_DIR SEED

Each line: {"name", "h", "w", "offset", "counts" (compressed string), "area", "bbox",
and for masks whose "pair" is the previous mask of the same size: "union", "inter", "iou"}.
"""
import json
import os
import sys

import numpy as np
from PIL import Image
from pycocotools import mask as mask_utils

mask_path, shared_dir, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
rng = np.random.default_rng(seed)
cases = []  # (name, 2-D uint8 array of 0/1, pair_with_previous)


def add(name, m, pair=False):
    cases.append((name, np.ascontiguousarray(m, dtype=np.uint8), pair))


def blobs(h, w, density, smooth):
    """Random blobby shapes: box-blurred noise thresholded at a quantile."""
    noise = rng.random((h, w))
    for _ in range(2):
        k = max(1, smooth)
        c = np.cumsum(np.pad(noise, ((k, k), (0, 0)), mode="edge"), axis=0)
        noise = (c[2 * k:] - c[:-2 * k])[:h]
        c = np.cumsum(np.pad(noise, ((0, 0), (k, k)), mode="edge"), axis=1)
        noise = (c[:, 2 * k:] - c[:, :-2 * k])[:, :w]
    return (noise > np.quantile(noise, 1 - density)).astype(np.uint8)


# Degenerate and structured masks.
for h, w in [(1, 1), (1, 7), (7, 1), (2, 2), (3, 5), (8, 8), (9, 17), (64, 64), (33, 100), (1, 2000), (2000, 1)]:
    add(f"empty {h}x{w}", np.zeros((h, w)))
    add(f"full {h}x{w}", np.ones((h, w)))
    for (y, x) in {(0, 0), (h - 1, w - 1), (0, w - 1), (h - 1, 0), (h // 2, w // 2)}:
        m = np.zeros((h, w))
        m[y, x] = 1
        add(f"pixel {h}x{w} at {x},{y}", m)
for h, w in [(5, 5), (16, 16), (17, 23), (100, 37), (255, 256)]:
    for period in [1, 2, 3, 7]:
        yy, xx = np.mgrid[0:h, 0:w]
        add(f"hstripes {h}x{w} p{period}", (yy // period) % 2)
        add(f"vstripes {h}x{w} p{period}", (xx // period) % 2)
        add(f"checker {h}x{w} p{period}", ((yy // period) + (xx // period)) % 2)
        add(f"checker-inv {h}x{w} p{period}", 1 - ((yy // period) + (xx // period)) % 2)

# Random i.i.d. masks in same-size pairs (the second of each pair checks merge and IoU).
for i in range(300):
    h, w = int(rng.integers(1, 65)), int(rng.integers(1, 65))
    for k in range(2):
        p = float(rng.choice([0.001, 0.01, 0.1, 0.5, 0.9, 0.99]))
        add(f"iid {i}.{k} {h}x{w} p{p}", rng.random((h, w)) < p, pair=(k == 1))

# Random blobs, small to medium, also in pairs.
for i in range(100):
    h, w = int(rng.integers(8, 300)), int(rng.integers(8, 300))
    for k in range(2):
        d = float(rng.uniform(0.05, 0.7))
        add(f"blobs {i}.{k} {h}x{w} d{d:.2f}", blobs(h, w, d, int(rng.integers(1, 12))), pair=(k == 1))

# Real-photo-derived masks: every channel of every shared photo at three thresholds, plus crops.
photos = sorted(os.listdir(os.path.join(shared_dir, "images")))
for name in photos:
    img = np.asarray(Image.open(os.path.join(shared_dir, "images", name)).convert("RGB"))
    for c in range(3):
        for t in (64, 128, 192):
            add(f"photo {name} c{c} t{t}", img[:, :, c] >= t)
        for j in range(4):
            h0, w0 = img.shape[:2]
            y0, x0 = int(rng.integers(0, h0 - 1)), int(rng.integers(0, w0 - 1))
            y1, x1 = int(rng.integers(y0 + 1, h0 + 1)), int(rng.integers(x0 + 1, w0 + 1))
            add(f"photo crop {name} c{c}", img[y0:y1, x0:x1, c] >= int(rng.integers(30, 220)), pair=False)

# A few large masks (the 2000×2000 bound), from photos and blobs.
for name in photos[:2]:
    img = np.asarray(Image.open(os.path.join(shared_dir, "images", name)).convert("L").resize((2000, 2000)))
    add(f"large photo {name}", img >= 128)
add("large blobs 2000x2000", blobs(2000, 2000, 0.3, 20))
add("large blobs 1999x1234", blobs(1999, 1234, 0.5, 20), pair=False)

offset = 0
prev = None
with open(mask_path, "wb") as f:
    for name, m, pair in cases:
        h, w = m.shape
        f.write(m.tobytes())
        rle = mask_utils.encode(np.asfortranarray(m))
        line = {"name": name, "h": h, "w": w, "offset": offset,
                "counts": rle["counts"].decode(), "area": int(mask_utils.area(rle)),
                "bbox": [float(v) for v in mask_utils.toBbox(rle)]}
        if pair:
            assert prev is not None and prev["size"] == rle["size"]
            line["union"] = mask_utils.merge([prev, rle], intersect=False)["counts"].decode()
            line["inter"] = mask_utils.merge([prev, rle], intersect=True)["counts"].decode()
            line["iou"] = float(mask_utils.iou([prev], [rle], [0])[0][0])
        print(json.dumps(line))
        offset += h * w
        prev = rle
