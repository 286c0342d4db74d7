"""Mask geometry references: pycocotools (RLE encode/decode, polygon rasterisation) and OpenCV
(findContours + approxPolyDP, connectedComponentsWithStats) on the same 1024×1024 masks that
xpaste-bench's `maskgeom` group times.

usage:
  mask_geometry_bench.py write-masks DIR SHARED_DATA_DIR   # objects.bin, noisy.bin (raw 0/1, row-major)
  mask_geometry_bench.py run DIR                           # times the references, JSON lines

`objects`: 8 realistic instance masks (the largest hole-filled component of a thresholded photo
channel, resized to 1024²) and 8 smooth random blob masks. `noisy`: 8 raw thresholded photo
channels (speckle, holes, thousands of components). OpenCV runs single-threaded, like xpaste. `run` also reads DIR/polygons-SET.json, the
polygons xpaste-bench derived from the same masks, to time pycocotools' rasteriser on them.
"""
import json
import os
import sys

import cv2
import numpy as np
from PIL import Image
from pycocotools import mask as mask_utils

sys.path.insert(0, os.path.dirname(__file__))
import benchclock  # noqa: E402

SIDE = 1024
REPEATS = 11  # as MaskGeometryBench.repeats


def blobs(rng, density, smooth):
    noise = rng.random((SIDE, SIDE))
    for _ in range(2):
        noise = cv2.blur(noise, (2 * smooth + 1, 2 * smooth + 1), borderType=cv2.BORDER_REPLICATE)
    return (noise > np.quantile(noise, 1 - density)).astype(np.uint8)


def largest_filled(m):
    n, labels, stats, _ = cv2.connectedComponentsWithStats(m, connectivity=8)
    if n <= 1:
        return m
    best = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    obj = (labels == best).astype(np.uint8)
    inv_n, inv = cv2.connectedComponents(1 - obj, connectivity=4)
    border = set(np.unique(np.concatenate([inv[0], inv[-1], inv[:, 0], inv[:, -1]])).tolist())
    holes = np.isin(inv, [l for l in range(1, inv_n) if l not in border])
    return (obj.astype(bool) | holes).astype(np.uint8)


def write_masks(out_dir, shared_dir):
    rng = np.random.default_rng(1234)
    names = ["astronaut.png", "chelsea.png", "coffee.png", "horse.png", "logo.png",
             "motorcycle_left.png", "rocket.jpg", "brick.png"]
    objects, noisy = [], []
    for i, name in enumerate(names):
        img = Image.open(os.path.join(shared_dir, "images", name)).convert("RGB").resize((SIDE, SIDE))
        channel = np.asarray(img)[:, :, i % 3]
        raw = (channel >= 128).astype(np.uint8)
        noisy.append(raw)
        objects.append(largest_filled(raw))
    for i in range(8):
        objects.append(blobs(rng, float(rng.uniform(0.1, 0.5)), int(rng.integers(12, 40))))
    os.makedirs(out_dir, exist_ok=True)
    for set_name, masks in (("objects", objects), ("noisy", noisy)):
        with open(os.path.join(out_dir, f"{set_name}.bin"), "wb") as f:
            for m in masks:
                f.write(np.ascontiguousarray(m, dtype=np.uint8).tobytes())


def load(out_dir, set_name):
    raw = np.fromfile(os.path.join(out_dir, f"{set_name}.bin"), dtype=np.uint8)
    return [np.ascontiguousarray(m) for m in raw.reshape(-1, SIDE, SIDE)]


def timed(body):
    return benchclock.median(body, repeats=REPEATS)


def run(out_dir):
    # xpaste's kernels are single-threaded (callers parallelise over masks), so OpenCV gets one
    # thread too; its parallel labelling only adds contention on a shared machine.
    cv2.setNumThreads(1)
    for set_name in ("objects", "noisy"):
        masks = load(out_dir, set_name)
        n = len(masks)
        fortran = [np.asfortranarray(m) for m in masks]
        rles = [mask_utils.encode(f) for f in fortran]

        def report(op, impl, seconds):
            benchclock.report(f"{op} {set_name} 1024²", impl, n, seconds)

        # Our input is row-major, so the fair reference includes the Fortran-order copy.
        report("rle-encode", "pycocotools", timed(
            lambda: [mask_utils.encode(np.asfortranarray(m)) for m in masks]))
        report("rle-encode", "pycocotools (Fortran input, copy untimed)", timed(
            lambda: [mask_utils.encode(f) for f in fortran]))
        # Decode: string → mask. pycocotools returns Fortran order; ours is row-major.
        report("rle-decode", "pycocotools", timed(
            lambda: [mask_utils.decode(r) for r in rles]))
        report("rle-decode", "pycocotools + C-order copy", timed(
            lambda: [np.ascontiguousarray(mask_utils.decode(r)) for r in rles]))

        def contours(eps):
            out = []
            for m in masks:
                cs, _ = cv2.findContours(m, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
                out.append([cv2.approxPolyDP(c, eps, True) for c in cs] if eps > 0 else cs)
            return out

        report("mask-to-polygons t=0", "opencv findContours(EXTERNAL, NONE)", timed(lambda: contours(0)))
        report("mask-to-polygons t=1", "opencv findContours + approxPolyDP(1.0)", timed(lambda: contours(1.0)))
        report("components", "opencv connectedComponentsWithStats(8)", timed(
            lambda: [cv2.connectedComponentsWithStats(m, connectivity=8) for m in masks]))

        poly_path = os.path.join(out_dir, f"polygons-{set_name}.json")
        if os.path.exists(poly_path):
            with open(poly_path) as f:
                polygons = json.load(f)

            def rasterise():
                return [mask_utils.merge(mask_utils.frPyObjects(p, SIDE, SIDE)) if p else None for p in polygons]

            report("polygons-to-rle t=1", "pycocotools frPyObjects+merge", timed(rasterise))


if __name__ == "__main__":
    if sys.argv[1] == "write-masks":
        write_masks(sys.argv[2], sys.argv[3])
    else:
        run(sys.argv[2])
