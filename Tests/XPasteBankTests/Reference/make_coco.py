"""Builds a small COCO-style instances file over two shared photos and prints what pycocotools says
each annotation's mask is, for the bank's COCO import test.

Usage: make_coco.py SHARED_IMAGES_DIR OUT_DIR [lvis]
Lays the photos out as OUT/val2017/<file> (symlinks) and writes OUT/instances.json with polygon,
compressed-RLE, uncompressed-RLE and crowd annotations. With `lvis`, categories carry LVIS ids,
synsets and frequencies. Prints {annotation id: [x, y, w, h, area]} of each mask's tight box
(pycocotools annToMask, then numpy), and the mask sums per image."""
import json
import os
import sys

import numpy as np
from PIL import Image
from pycocotools import mask as mask_utils

src, out = sys.argv[1], sys.argv[2]
lvis = len(sys.argv) > 3 and sys.argv[3] == "lvis"
os.makedirs(os.path.join(out, "val2017"), exist_ok=True)
files = ["chelsea.png", "coffee.png"]
images = []
for i, f in enumerate(files, start=1):
    link = os.path.join(out, "val2017", f)
    if not os.path.exists(link):
        os.symlink(os.path.join(src, f), link)
    w, h = Image.open(link).size
    images.append({"id": i, "width": w, "height": h, "license": 1,
                   "coco_url": f"http://images.cocodataset.org/val2017/{f}",
                   "neg_category_ids": [], "not_exhaustive_category_ids": []})
# Only the first image has a file_name: the second must be found through coco_url.
images[0]["file_name"] = "val2017/" + files[0]

anns = []
# Polygon (two rings on image 1: a triangle and a quadrilateral).
anns.append({"id": 10, "image_id": 1, "category_id": 1, "iscrowd": 0,
             "segmentation": [[50.5, 40.0, 200.0, 60.0, 120.0, 220.5], [300, 100, 380, 110, 370, 200, 290, 190]]})
# Compressed RLE of an ellipse on image 2.
h2, w2 = images[1]["height"], images[1]["width"]
yy, xx = np.mgrid[0:h2, 0:w2]
ellipse = (((xx - 300) / 120.0) ** 2 + ((yy - 200) / 80.0) ** 2 <= 1).astype(np.uint8)
rle = mask_utils.encode(np.asfortranarray(ellipse))
rle["counts"] = rle["counts"].decode("ascii")
anns.append({"id": 11, "image_id": 2, "category_id": 2, "iscrowd": 0, "segmentation": rle})
# Uncompressed RLE (as COCO crowd masks are written), not crowd here.
box = np.zeros((h2, w2), np.uint8)
box[20:60, 30:90] = 1
flat = box.flatten(order="F")
counts, prev, run = [], 0, 0
for v in flat:
    if v == prev:
        run += 1
    else:
        counts.append(run)
        run, prev = 1, v
counts.append(run)
anns.append({"id": 12, "image_id": 2, "category_id": 1, "iscrowd": 0, "segmentation": {"size": [h2, w2], "counts": counts}})
# A crowd annotation: skipped by default.
anns.append({"id": 13, "image_id": 1, "category_id": 2, "iscrowd": 1,
             "segmentation": [[10, 10, 60, 10, 60, 60, 10, 60]]})
for a in anns:
    seg = a["segmentation"]
    h, w = images[a["image_id"] - 1]["height"], images[a["image_id"] - 1]["width"]
    if isinstance(seg, list):
        r = mask_utils.merge(mask_utils.frPyObjects(seg, h, w))
    elif isinstance(seg["counts"], list):
        r = mask_utils.frPyObjects(seg, h, w)
    else:
        r = seg
    m = mask_utils.decode(r)
    a["area"] = float(m.sum())
    ys, xs = np.where(m)
    a["bbox"] = [float(xs.min()), float(ys.min()), float(xs.max() - xs.min() + 1), float(ys.max() - ys.min() + 1)]

if lvis:
    categories = [
        {"id": 76, "name": "bear_cub", "synset": "cub.n.03", "synonyms": ["bear_cub"], "frequency": "r",
         "def": "a young bear"},
        {"id": 345, "name": "cup", "synset": "cup.n.01", "synonyms": ["cup"], "frequency": "f", "def": "a small open container"},
    ]
    for a in anns:
        a["category_id"] = {1: 76, 2: 345}[a["category_id"]]
else:
    categories = [{"id": 1, "name": "cat", "supercategory": "animal"}, {"id": 2, "name": "cup", "supercategory": "kitchen"}]
doc = {"info": {}, "licenses": [{"id": 1, "name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}],
       "images": images, "annotations": anns, "categories": categories}
with open(os.path.join(out, "instances.json"), "w") as f:
    json.dump(doc, f)
print(json.dumps({str(a["id"]): [int(v) for v in a["bbox"]] + [int(a["area"])] for a in anns}))
