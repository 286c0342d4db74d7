"""Deterministic binary masks shared by the reference scripts: structured (empty, full, single
pixels, stripes, checkerboards), random i.i.d. at several densities, random blobs, and thresholded
channels of the shared photos. Every function returns a list of (name, 2-D uint8 0/1 array, pair)
where `pair` says the mask has the same size as the one before it."""
import os

import numpy as np
from PIL import Image


def _m(m):
    return np.ascontiguousarray(m, dtype=np.uint8)


def blobs(rng, h, w, density, smooth):
    """Random blobby shapes: twice box-blurred noise thresholded at a quantile."""
    noise = rng.random((h, w))
    for _ in range(2):
        k = max(1, smooth)
        c = np.cumsum(np.pad(noise, ((k, k), (0, 0)), mode="edge"), axis=0)
        noise = (c[2 * k:] - c[:-2 * k])[:h]
        c = np.cumsum(np.pad(noise, ((0, 0), (k, k)), mode="edge"), axis=1)
        noise = (c[:, 2 * k:] - c[:, :-2 * k])[:, :w]
    return _m(noise > np.quantile(noise, 1 - density))


def structured(sizes=((1, 1), (1, 7), (7, 1), (2, 2), (3, 5), (8, 8), (9, 17), (64, 64), (33, 100),
                      (1, 2000), (2000, 1)),
               pattern_sizes=((5, 5), (16, 16), (17, 23), (100, 37), (255, 256)), periods=(1, 2, 3, 7)):
    out = []
    for h, w in sizes:
        out.append((f"empty {h}x{w}", _m(np.zeros((h, w))), False))
        out.append((f"full {h}x{w}", _m(np.ones((h, w))), False))
        for (y, x) in sorted({(0, 0), (h - 1, w - 1), (0, w - 1), (h - 1, 0), (h // 2, w // 2)}):
            m = np.zeros((h, w))
            m[y, x] = 1
            out.append((f"pixel {h}x{w} at {x},{y}", _m(m), False))
    for h, w in pattern_sizes:
        for period in periods:
            yy, xx = np.mgrid[0:h, 0:w]
            out.append((f"hstripes {h}x{w} p{period}", _m((yy // period) % 2), False))
            out.append((f"vstripes {h}x{w} p{period}", _m((xx // period) % 2), False))
            out.append((f"checker {h}x{w} p{period}", _m(((yy // period) + (xx // period)) % 2), False))
            out.append((f"checker-inv {h}x{w} p{period}", _m(1 - ((yy // period) + (xx // period)) % 2), False))
    return out


def iid(rng, count, max_side=64, densities=(0.001, 0.01, 0.1, 0.5, 0.9, 0.99)):
    """`count` same-size pairs of i.i.d. random masks."""
    out = []
    for i in range(count):
        h, w = int(rng.integers(1, max_side + 1)), int(rng.integers(1, max_side + 1))
        for k in range(2):
            p = float(rng.choice(densities))
            out.append((f"iid {i}.{k} {h}x{w} p{p}", _m(rng.random((h, w)) < p), k == 1))
    return out


def random_blobs(rng, count, min_side=8, max_side=300, min_smooth=1):
    """`count` same-size pairs of blob masks."""
    out = []
    for i in range(count):
        h, w = int(rng.integers(min_side, max_side)), int(rng.integers(min_side, max_side))
        for k in range(2):
            d = float(rng.uniform(0.05, 0.7))
            out.append((f"blobs {i}.{k} {h}x{w} d{d:.2f}", blobs(rng, h, w, d, int(rng.integers(min_smooth, 12))), k == 1))
    return out


def photo_names(shared_dir):
    return sorted(os.listdir(os.path.join(shared_dir, "images")))


def photo(shared_dir, name):
    return np.asarray(Image.open(os.path.join(shared_dir, "images", name)).convert("RGB"))


def photos(rng, shared_dir, thresholds=(64, 128, 192), crops=4, rotate_thresholds=False):
    """Every channel of every shared photo at each threshold, plus random crops. With
    `rotate_thresholds`, channel c gets only thresholds[c]: every threshold still appears, at a
    third of the full-size masks (they dominate the runtime of the tests that use them)."""
    out = []
    for name in photo_names(shared_dir):
        img = photo(shared_dir, name)
        for c in range(3):
            for t in ((thresholds[c % len(thresholds)],) if rotate_thresholds else thresholds):
                out.append((f"photo {name} c{c} t{t}", _m(img[:, :, c] >= t), False))
            for _ in range(crops):
                h0, w0 = img.shape[:2]
                y0, x0 = int(rng.integers(0, h0 - 1)), int(rng.integers(0, w0 - 1))
                y1, x1 = int(rng.integers(y0 + 1, h0 + 1)), int(rng.integers(x0 + 1, w0 + 1))
                out.append((f"photo crop {name} c{c}", _m(img[y0:y1, x0:x1, c] >= int(rng.integers(30, 220))), False))
    return out


def large(rng, shared_dir, photo_count=2):
    """A few masks at the 2000×2000 bound, from `photo_count` photos and from blobs."""
    out = []
    for name in photo_names(shared_dir)[:photo_count]:
        img = Image.open(os.path.join(shared_dir, "images", name)).convert("L").resize((2000, 2000))
        out.append((f"large photo {name}", _m(np.asarray(img) >= 128), False))
    out.append(("large blobs 2000x2000", blobs(rng, 2000, 2000, 0.3, 20), False))
    out.append(("large blobs 1999x1234", blobs(rng, 1999, 1234, 0.5, 20), False))
    return out


def write_masks(path, cases):
    """Writes the masks back to back as raw row-major bytes; returns each one's byte offset."""
    offsets, offset = [], 0
    with open(path, "wb") as f:
        for _, m, _ in cases:
            f.write(m.tobytes())
            offsets.append(offset)
            offset += m.size
    return offsets
