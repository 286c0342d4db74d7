"""Rasterises COCO polygon segmentations with pycocotools as COCO.annToRLE does (frPyObjects, then
merge). Reads JSON lines {"h", "w", "rings": [[x0, y0, ...], ...]} on stdin and prints, per line,
the merged RLE's compressed counts string (an empty-mask string when there are no rings)."""
import json
import sys

import numpy as np
from pycocotools import mask as mask_utils

for line in sys.stdin:
    if not line.strip():
        continue
    seg = json.loads(line)
    h, w, rings = seg["h"], seg["w"], seg["rings"]
    if rings:
        rle = mask_utils.merge(mask_utils.frPyObjects(rings, h, w))
    else:
        rle = mask_utils.encode(np.zeros((h, w), dtype=np.uint8, order="F"))
    print(rle["counts"].decode())
