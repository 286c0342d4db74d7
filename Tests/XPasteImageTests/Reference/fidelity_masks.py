"""Masks for the polygon fidelity test (PolygonTests): one channel of every shared photo
thresholded at 128, smooth random blobs, and i.i.d. noise. Writes them to MASK_FILE (raw row-major 0/1
bytes) and prints one JSON line per mask: {"name", "kind", "h", "w", "offset"}.

usage: fidelity_masks.py MASK_FILE SHARED_DATA_DIR SEED
"""
import json
import sys

import numpy as np

import mask_cases

mask_path, shared_dir, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
rng = np.random.default_rng(seed)
cases = [(n, m, "photo") for i, (n, m, _) in enumerate(mask_cases.photos(rng, shared_dir, thresholds=(128,), crops=0))
         if i % 4 == 0]
cases += [(n, m, "blobs") for n, m, _ in mask_cases.random_blobs(rng, 15, min_side=40, max_side=400, min_smooth=4)]
cases += [(n, m, "iid") for n, m, _ in mask_cases.iid(rng, 10, max_side=40, densities=(0.2, 0.5, 0.8))]
offsets = mask_cases.write_masks(mask_path, [(n, m, False) for n, m, _ in cases])
for (name, m, kind), offset in zip(cases, offsets):
    print(json.dumps({"name": name, "kind": kind, "h": m.shape[0], "w": m.shape[1], "offset": offset}))
