#!/usr/bin/env python3
"""Reads a dataset written by `xpaste composite` the way detectron2 and mmdetection 3.x do, and
scores its ground truth as detections with LVISEval / COCOeval.

usage: loader_labels.py ANNOTATIONS_JSON MANIFEST_JSON LVIS_V1_CATEGORIES_JSON FORMAT(lvis|coco)

Neither framework is installed here (both pull in PyTorch), so their path and label logic is
re-implemented, line for line where it matters, from their source:

- detectron2 `detectron2/data/datasets/lvis.py` (`load_lvis_json`):
      split_folder, file_name = img_dict["coco_url"].split("/")[-2:]
      return os.path.join(img_root + split_folder, file_name)        # plain concatenation
      obj["category_id"] = anno["category_id"] - 1                   # 0-based label
      valid_segm = [poly for poly in segm if len(poly) % 2 == 0 and len(poly) >= 6]
      assert len(segm) == len(valid_segm)
  and `get_lvis_instances_meta` for names containing "v1": thing_classes = the LVIS v1 names
  sorted by id (`lvis_v1_categories.py`). Without a dataset name (our snippet for other dense
  vocabularies) the names are the ones the snippet sets: the file's, sorted by id.
- detectron2 `detectron2/data/datasets/coco.py` (`load_coco_json`): cat_ids = sorted(coco.getCatIds());
  thing_classes = names of those; id_map = {v: i for i, v in enumerate(cat_ids)};
  file_name = os.path.join(image_root, img_dict["file_name"]).
- mmdetection `mmdet/datasets/lvis.py` (`LVISV1Dataset.load_data_list`):
      self.cat_ids = self.lvis.get_cat_ids()                          # file order
      self.cat2label = {cat_id: i for i, cat_id in enumerate(self.cat_ids)}
      raw_img_info['file_name'] = raw_img_info['coco_url'].replace('http://images.cocodataset.org/', '')
  names from METAINFO['classes'] (LVIS v1's 1203, id order) unless `metainfo.classes` is given;
  `mmdet/datasets/coco.py` (`CocoDataset.load_data_list` / `parse_data_info`):
      self.cat_ids = self.coco.get_cat_ids(cat_names=self.metainfo['classes'])   # file order
      self.cat2label = {cat_id: i for i, cat_id in enumerate(self.cat_ids)}
      img_path = osp.join(self.data_prefix['img'], img_info['file_name'])
      ignore when inter_w * inter_h == 0, area <= 0, w < 1 or h < 1
  with `data_prefix['img']` joined to `data_root` by `BaseDataset._join_prefix`.

The registration (image roots, metainfo classes) is taken from the manifest's `registration`
entry, i.e. exactly what the run printed for the user.

Prints JSON: per annotation id the class name each loader gives it (or null when it would ignore
the annotation), image paths that do not resolve, and the AP numbers.
"""
import contextlib
import copy
import json
import os
import re
import sys

import numpy as np

# lvis 0.5.3's evaluator uses `np.float`, which NumPy 2 removed (an alias of the builtin float).
if not hasattr(np, "float"):
    np.float = float  # noqa: NPY001

from pycocotools import mask as mask_util  # noqa: E402
from pycocotools.coco import COCO  # noqa: E402
from pycocotools.cocoeval import COCOeval  # noqa: E402


def snippet_value(text, pattern):
    m = re.search(pattern, text)
    return m.group(1) if m else None


def detectron2_labels(raw, reg, lvis_names, fmt, report):
    labels = {}
    cats = raw["categories"]
    d2 = reg["detectron2"]
    if fmt == "lvis" and "register_lvis_instances" in d2:
        image_root = snippet_value(d2, r'register_lvis_instances\("[^"]*", \{\}, "[^"]*", "([^"]*)"\)')
        thing_classes = lvis_names
        label_of = lambda cid: cid - 1  # noqa: E731
        path_of = lambda img: os.path.join(image_root + img["coco_url"].split("/")[-2], img["coco_url"].split("/")[-1])  # noqa: E731
    elif fmt == "lvis" and "load_lvis_json" in d2:
        image_root = snippet_value(d2, r'load_lvis_json\("[^"]*", "([^"]*)"\)')
        thing_classes = [c["name"] for c in sorted(cats, key=lambda c: c["id"])]
        label_of = lambda cid: cid - 1  # noqa: E731
        path_of = lambda img: os.path.join(image_root + img["coco_url"].split("/")[-2], img["coco_url"].split("/")[-1])  # noqa: E731
    else:
        image_root = snippet_value(d2, r'register_coco_instances\("[^"]*", \{\}, "[^"]*", "([^"]*)"\)')
        cat_ids = sorted(c["id"] for c in cats)
        names = {c["id"]: c["name"] for c in cats}
        thing_classes = [names[i] for i in cat_ids]
        id_map = {v: i for i, v in enumerate(cat_ids)}
        label_of = lambda cid: id_map[cid]  # noqa: E731
        path_of = lambda img: os.path.join(image_root, img["file_name"])  # noqa: E731
    for img in raw["images"]:
        p = path_of(img)
        if not os.path.exists(p):
            report["missing"].append("detectron2:" + p)
    for ann in raw["annotations"]:
        seg = ann["segmentation"]
        if isinstance(seg, list) and fmt == "lvis":
            valid = [poly for poly in seg if len(poly) % 2 == 0 and len(poly) >= 6]
            if len(valid) != len(seg):
                report["invalid"].append(ann["id"])
        label = label_of(ann["category_id"])
        labels[str(ann["id"])] = thing_classes[label] if 0 <= label < len(thing_classes) else None
    return labels


def mmdet_labels(raw, reg, lvis_names, fmt, report):
    m = reg["mmdetection"]
    data_root = snippet_value(m, r'data_root="([^"]*)"')
    prefix = snippet_value(m, r'data_prefix=dict\(img="([^"]*)"\)')
    img_prefix = os.path.join(data_root, prefix)
    file_order_ids = [c["id"] for c in raw["categories"]]
    if fmt == "lvis":
        classes = reg["classes"] if reg["classes_required"] else lvis_names
        cat_ids = file_order_ids  # lvis.get_cat_ids(): the file's order
        path_of = lambda img: os.path.join(img_prefix, img["coco_url"].replace("http://images.cocodataset.org/", ""))  # noqa: E731
    else:
        classes = reg["classes"]
        wanted = set(classes)
        cat_ids = [c["id"] for c in raw["categories"] if c["name"] in wanted]  # getCatIds(catNms=...)
        path_of = lambda img: os.path.join(img_prefix, img["file_name"])  # noqa: E731
    cat2label = {cat_id: i for i, cat_id in enumerate(cat_ids)}
    for img in raw["images"]:
        p = path_of(img)
        if not os.path.exists(p):
            report["missing"].append("mmdetection:" + p)
    images = {img["id"]: img for img in raw["images"]}
    labels = {}
    for ann in raw["annotations"]:
        x1, y1, w, h = ann["bbox"]
        img = images[ann["image_id"]]
        inter_w = max(0, min(x1 + w, img["width"]) - max(x1, 0))
        inter_h = max(0, min(y1 + h, img["height"]) - max(y1, 0))
        if inter_w * inter_h == 0 or ann["area"] <= 0 or w < 1 or h < 1 or ann["category_id"] not in cat2label:
            labels[str(ann["id"])] = None
            continue
        label = cat2label[ann["category_id"]]
        labels[str(ann["id"])] = classes[label] if label < len(classes) else None
    return labels


def as_detections(coco):
    """Ground truth as detections (score 1, RLE masks)."""
    dets = []
    for ann in coco.dataset["annotations"]:
        if ann.get("iscrowd", 0):
            continue
        rle = coco.annToRLE(ann)
        rle["counts"] = rle["counts"].decode() if isinstance(rle["counts"], bytes) else rle["counts"]
        dets.append({"image_id": ann["image_id"], "category_id": ann["category_id"], "bbox": ann["bbox"],
                     "score": 1.0, "segmentation": rle})
    return dets


def evaluate(path, fmt):
    out = {}
    with contextlib.redirect_stdout(sys.stderr):
        coco = COCO(path)
        dets = as_detections(coco)
        if fmt == "lvis":
            from lvis import LVIS, LVISEval, LVISResults
            gt = LVIS(path)
            for iou_type in ("bbox", "segm"):
                d = copy.deepcopy(dets)
                if iou_type == "bbox":
                    for x in d:
                        x.pop("segmentation")
                res = LVISResults(gt, d, max_dets=300)
                ev = LVISEval(gt, res, iou_type)
                ev.run()
                out[iou_type] = {k: float(v) for k, v in ev.get_results().items() if k in ("AP", "APr", "APc", "APf")}
        else:
            for iou_type in ("bbox", "segm"):
                res = coco.loadRes(copy.deepcopy(dets))
                ev = COCOeval(coco, res, iou_type)
                ev.evaluate()
                ev.accumulate()
                ev.summarize()
                out[iou_type] = {"AP": float(ev.stats[0])}
    return out


def main():
    path, manifest_path, lvis_path, fmt = sys.argv[1:5]
    with open(path) as f:
        raw = json.load(f)
    with open(manifest_path) as f:
        reg = json.load(f)["registration"]
    with open(lvis_path) as f:
        lvis_names = [c["name"] for c in sorted(json.load(f), key=lambda c: c["id"])]
    report = {"missing": [], "invalid": []}
    report["detectron2"] = detectron2_labels(raw, reg, lvis_names, fmt, report)
    report["mmdetection"] = mmdet_labels(raw, reg, lvis_names, fmt, report)
    report["eval"] = evaluate(path, fmt)
    json.dump(report, sys.stdout)


if __name__ == "__main__":
    main()
