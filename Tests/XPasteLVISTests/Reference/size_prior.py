"""Computes the X-Paste size prior of an LVIS/COCO annotation file with NumPy and prints it as
JSON: {"<category id>": [mean, std], ...}, keys in ascending id order.

For each annotation s = sqrt(bbox_w * bbox_h / (image_w * image_h)); per category np.mean(s) and
np.std(s) (NumPy's default: population std, ddof=0).

Usage: size_prior.py PATH
"""
import json
import sys
from collections import defaultdict

import numpy as np


def main():
    with open(sys.argv[1]) as f:
        data = json.load(f)
    areas = {img["id"]: float(img["width"]) * float(img["height"]) for img in data["images"]}
    per_category = defaultdict(list)
    for a in data["annotations"]:
        w, h = a["bbox"][2], a["bbox"][3]
        per_category[a["category_id"]].append(np.sqrt(w * h / areas[a["image_id"]]))
    prior = {}
    for cat in sorted(per_category):
        s = np.asarray(per_category[cat], dtype=np.float64)
        prior[str(cat)] = [float(np.mean(s)), float(np.std(s))]
    json.dump(prior, sys.stdout)


if __name__ == "__main__":
    main()
