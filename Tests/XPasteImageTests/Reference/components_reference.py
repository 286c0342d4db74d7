"""Reference for ConnectedComponentsTests, computed with OpenCV and numpy: writes masks to MASK_FILE
(raw row-major 0/1 bytes) and prints one JSON line per mask.

usage: components_reference.py MASK_FILE SHARED_DATA_DIR SEED

Each line: {"name", "h", "w", "offset",
  "components": [[first_pixel_index, area, x, y, w, h, sum_of_pixel_indices], ...] ordered by
      first pixel in raster order (cv2.connectedComponentsWithStats, connectivity 8),
  "filled": RLE string of the mask with holes filled (holes = background components under
      4-connectivity that touch no border, found with cv2 on the inverted mask),
  "largest": RLE string of the largest component (ties: earliest first pixel),
  "largest_filled": RLE string of that component with its holes filled}.
"""
import json
import sys

import cv2
import numpy as np
from pycocotools import mask as mask_utils

import mask_cases


def rle(m):
    return mask_utils.encode(np.asfortranarray(m.astype(np.uint8)))["counts"].decode()


def fill_holes(m):
    h, w = m.shape
    n, labels = cv2.connectedComponents((1 - m).astype(np.uint8), connectivity=4)
    border = set(np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]])).tolist())
    holes = np.isin(labels, [l for l in range(1, n) if l not in border])
    return (m.astype(bool) | holes).astype(np.uint8)


mask_path, shared_dir, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
rng = np.random.default_rng(seed)
cases = (mask_cases.structured(sizes=((1, 1), (1, 7), (7, 1), (3, 5), (9, 17), (1, 300), (300, 1)),
                               pattern_sizes=((5, 5), (17, 23), (100, 37)))
         + mask_cases.iid(rng, 60, max_side=80, densities=(0.05, 0.3, 0.45, 0.6, 0.9))
         + mask_cases.random_blobs(rng, 30)
         + mask_cases.photos(rng, shared_dir, thresholds=(128,), crops=1))
offsets = mask_cases.write_masks(mask_path, cases)

for (name, m, _), offset in zip(cases, offsets):
    h, w = m.shape
    n, labels, stats, _ = cv2.connectedComponentsWithStats(m, connectivity=8)
    flat = labels.ravel()
    index = np.arange(flat.size, dtype=np.int64)
    uniq, first = np.unique(flat, return_index=True)
    sums = np.bincount(flat, weights=index.astype(np.float64), minlength=n)
    comps = []
    for lab, f in zip(uniq.tolist(), first.tolist()):
        if lab == 0:
            continue
        x, y, bw, bh, area = stats[lab].tolist()
        comps.append([f, area, x, y, bw, bh, int(sums[lab])])
    comps.sort()
    line = {"name": name, "h": h, "w": w, "offset": offset, "components": comps, "filled": rle(fill_holes(m))}
    if comps:
        best = max(comps, key=lambda c: (c[1], -c[0]))
        largest = (labels == flat[best[0]]).astype(np.uint8)
    else:
        largest = np.zeros_like(m)
    line["largest"] = rle(largest)
    line["largest_filled"] = rle(fill_holes(largest))
    print(json.dumps(line))
