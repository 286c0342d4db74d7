"""Loads an instance pool file the way X-Paste's training code does (InstPool.__init__ and the
`*path` branch of InstPool._load_RGBA in xpaste/data/custom_build_copypaste_mapper.py): keys become
int category indices, every path is opened with Pillow and converted to RGBA. Prints, per index,
[width, height, sum of alpha] for each entry, as JSON."""
import json
import sys

import numpy as np
from PIL import Image

with open(sys.argv[1]) as f:
    pool = json.load(f)
pool = {int(i): pool[i] for i in pool}
out = {}
for index, paths in sorted(pool.items()):
    rows = []
    for p in paths:
        assert p[0] == "*", p
        img = np.array(Image.open(p[1:]).convert("RGBA"))
        rows.append([int(img.shape[1]), int(img.shape[0]), int(img[..., 3].astype(np.int64).sum())])
    out[str(index)] = rows
print(json.dumps(out))
