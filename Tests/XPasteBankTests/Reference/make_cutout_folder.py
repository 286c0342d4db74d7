"""Writes N noisy RGBA PNG cutouts spread over a few category folders, for import and crash tests:
make_cutout_folder.py OUT N [SIDE]. Every file is distinct (seeded noise) and has an opaque object."""
import os
import sys

import numpy as np
from PIL import Image

out, n = sys.argv[1], int(sys.argv[2])
side = int(sys.argv[3]) if len(sys.argv) > 3 else 64
rng = np.random.default_rng(1234)
categories = ["aerosol_can", "airplane", "apple", "zebra"]
for c in categories:
    os.makedirs(os.path.join(out, c), exist_ok=True)
for i in range(n):
    a = np.zeros((side, side, 4), np.uint8)
    a[..., :3] = rng.integers(0, 256, (side, side, 3), dtype=np.uint8)
    a[side // 8: side - side // 8, side // 6: side - side // 6, 3] = 255
    Image.fromarray(a).save(os.path.join(out, categories[i % len(categories)], f"{i:06d}.png"))
