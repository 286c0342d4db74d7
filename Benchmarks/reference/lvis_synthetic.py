"""Generates a synthetic LVIS v1 train-shaped annotation file for benchmarks (not committed: it is
hundreds of MB). Same key order as the official lvis_v1_train.json (info, annotations, images,
licenses, categories), the real 1203 categories, Python's default json.dump formatting, and
LVIS-like statistics: ~10 annotations per image, polygons of 1-2 rings with 8-60 points and
2-decimal coordinates (≈ 800 bytes per annotation, like the real file).

Usage: lvis_synthetic.py --images N --out PATH [--seed S] [--categories PATH]
"""
import argparse
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CATEGORIES = os.path.join(HERE, "..", "..", "..", "shared", "data", "lvis_v1_categories.json")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--images", type=int, required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--categories", default=os.environ.get("XPASTE_SHARED_DATA", "") and
                   os.path.join(os.environ["XPASTE_SHARED_DATA"], "lvis_v1_categories.json") or DEFAULT_CATEGORIES)
    a = p.parse_args()
    rng = np.random.default_rng(a.seed)
    with open(a.categories) as f:
        categories = json.load(f)
    n_cat = len(categories)

    images, annotations = [], []
    ann_id = 1
    for image_id in range(1, a.images + 1):
        w, h = int(rng.integers(320, 641)), int(rng.integers(240, 641))
        neg = sorted(set(int(x) for x in rng.integers(1, n_cat + 1, size=int(rng.integers(0, 11)))))
        positives = rng.integers(1, n_cat + 1, size=int(rng.integers(1, 5)))
        for _ in range(int(rng.integers(1, 20))):
            cat = int(rng.choice(positives))
            rings = []
            for _ in range(int(rng.integers(1, 3))):
                n = int(rng.integers(8, 61))
                cx, cy = rng.uniform(0, w), rng.uniform(0, h)
                r = rng.uniform(5, min(w, h) / 3)
                t = np.sort(rng.uniform(0, 2 * np.pi, n))
                xs = np.clip(cx + r * np.cos(t) * rng.uniform(0.6, 1.0, n), 0, w - 1)
                ys = np.clip(cy + r * np.sin(t) * rng.uniform(0.6, 1.0, n), 0, h - 1)
                ring = np.round(np.stack([xs, ys], 1).reshape(-1), 2)
                rings.append([float(v) for v in ring])
            allx = [v for ring in rings for v in ring[0::2]]
            ally = [v for ring in rings for v in ring[1::2]]
            x0, y0 = min(allx), min(ally)
            bw, bh = max(round(max(allx) - x0, 2), 1.0), max(round(max(ally) - y0, 2), 1.0)
            annotations.append({"area": round(bw * bh * 0.6, 2), "id": ann_id, "segmentation": rings,
                                "image_id": image_id, "bbox": [x0, y0, bw, bh], "category_id": cat})
            ann_id += 1
        not_exhaustive = sorted(set(int(x) for x in positives[: int(rng.integers(0, 2))]) - set(neg))
        neg = sorted(set(neg) - set(int(x) for x in positives))
        images.append({"date_captured": "2013-11-14 16:28:13", "neg_category_ids": neg, "id": image_id,
                       "license": int(rng.integers(1, 9)), "height": h, "width": w,
                       "flickr_url": f"http://farm4.staticflickr.com/{image_id}.jpg",
                       "coco_url": f"http://images.cocodataset.org/train2017/{image_id:012d}.jpg",
                       "not_exhaustive_category_ids": not_exhaustive})
    data = {
        "info": {"description": "synthetic LVIS-shaped benchmark data", "url": "", "version": "1.0", "year": 2026,
                 "contributor": "xpaste", "date_created": "2026-01-01"},
        "annotations": annotations,
        "images": images,
        "licenses": [{"url": f"http://example.org/license/{i}", "id": i, "name": f"license {i}"} for i in range(1, 9)],
        "categories": categories,
    }
    with open(a.out, "w") as f:
        json.dump(data, f)
    print(json.dumps({"images": len(images), "annotations": len(annotations), "bytes": os.path.getsize(a.out)}))


if __name__ == "__main__":
    main()
