#!/usr/bin/env python3
"""Loads a dataset written by `xpaste composite` with the reference tools and reports what they see.

usage: check_dataset.py ANNOTATIONS_JSON DATASET_ROOT FORMAT(lvis|coco)

- LVIS: `lvis.LVIS(path)` must load it; COCO: `pycocotools.coco.COCO(path)` must load it (both
  formats are loaded with pycocotools too).
- Image paths: detectron2's LVIS rule (root / last two segments of coco_url), mmdetection's
  (root / coco_url without http://images.cocodataset.org/), and for COCO root / <split> / file_name,
  must exist and have the size the json says.
- Prints JSON: per annotation id, pycocotools' decoded mask as compressed RLE (`annToRLE` →
  decode → encode) and its area, so the caller compares with the masks it meant.
"""
import contextlib
import json
import os
import sys

import numpy as np
from PIL import Image
from pycocotools import mask as mask_util
from pycocotools.coco import COCO


def main():
    path, root, fmt = sys.argv[1], sys.argv[2], sys.argv[3]
    with open(path) as f:
        raw = json.load(f)
    # Both loaders print progress on stdout, which carries the report.
    with contextlib.redirect_stdout(sys.stderr):
        coco = COCO(path)
        if fmt == "lvis":
            from lvis import LVIS
            lvis = LVIS(path)
    report = {"images": len(coco.imgs), "annotations": len(coco.anns), "missing": [], "wrong_size": []}
    if fmt == "lvis":
        report["lvis_images"] = len(lvis.imgs)
        report["lvis_annotations"] = len(lvis.anns)
        report["lvis_categories"] = len(lvis.cats)
    split = os.path.basename(path)[:-len(".json")]
    for img in raw["images"]:
        if fmt == "lvis":
            d2 = os.path.join(root, *img["coco_url"].split("/")[-2:])
            mm = os.path.join(root, img["coco_url"].replace("http://images.cocodataset.org/", ""))
            candidates = [d2, mm]
        else:
            candidates = [os.path.join(root, split, img["file_name"])]
        for c in candidates:
            if not os.path.exists(c):
                report["missing"].append(c)
                continue
            with Image.open(c) as im:
                if im.size != (img["width"], img["height"]):
                    report["wrong_size"].append(c)
    masks = {}
    for ann_id, ann in coco.anns.items():
        m = coco.annToMask(ann)
        rle = mask_util.encode(np.asfortranarray(m))
        masks[str(ann_id)] = {"counts": rle["counts"].decode(), "area": int(m.sum())}
    report["masks"] = masks
    json.dump(report, sys.stdout)


if __name__ == "__main__":
    main()
