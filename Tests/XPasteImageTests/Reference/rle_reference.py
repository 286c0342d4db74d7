"""Reference for RLETests: builds the deterministic masks of mask_cases.py, writes them to MASK_FILE
as raw row-major bytes (0/1), and prints one JSON line per mask with what pycocotools says about it.

usage: rle_reference.py MASK_FILE SHARED_DATA_DIR SEED

Each line: {"name", "h", "w", "offset", "counts" (compressed string), "area", "bbox",
and for masks whose "pair" is the previous mask of the same size: "union", "inter", "iou"}.
"""
import json
import sys

import numpy as np
from pycocotools import mask as mask_utils

import mask_cases

mask_path, shared_dir, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
rng = np.random.default_rng(seed)
cases = (mask_cases.structured() + mask_cases.iid(rng, 300) + mask_cases.random_blobs(rng, 100)
         + mask_cases.photos(rng, shared_dir, rotate_thresholds=True)
         + mask_cases.large(rng, shared_dir, photo_count=1))
offsets = mask_cases.write_masks(mask_path, cases)

prev = None
for (name, m, pair), offset in zip(cases, offsets):
    h, w = m.shape
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
    prev = rle
