"""Loads an LVIS json file the way the training frameworks do and prints what they see as JSON.

Usage: load_with_loaders.py PATH

- `json.load`, `lvis.LVIS(PATH)` and `pycocotools.coco.COCO(PATH)` must all load it.
- detectron2's `load_lvis_json` and mmdetection's `LVISV1Dataset` are not installed here (they
  pull in torch); their documented per-annotation checks are re-stated below so the test can
  assert that nothing would be rejected or silently dropped:
  detectron2: unique annotation ids; segmentation a non-empty list of polygons, each of even
  length >= 6; image path = image_root + the last two '/'-segments of coco_url.
  mmdetection: file name = coco_url without 'http://images.cocodataset.org/'; an annotation is
  dropped if its box does not overlap the image, area <= 0, w < 1, h < 1, or its category is not
  in the categories.
- For every annotation, `annToMask` from both lvis and pycocotools, as a row-major string of
  '0'/'1', and pycocotools' compressed RLE counts of that mask (only for images of at most
  512x512 pixels, to keep the output small).
"""
import contextlib
import json
import sys

import numpy as np
import pycocotools.mask as mask_utils
from lvis import LVIS
from pycocotools.coco import COCO


def detectron2_view(data):
    ann_ids = [a["id"] for a in data["annotations"]]
    problems = []
    if len(set(ann_ids)) != len(ann_ids):
        problems.append("annotation ids are not unique")
    for a in data["annotations"]:
        segm = a["segmentation"]
        if not isinstance(segm, list) or len(segm) == 0:
            problems.append(f"annotation {a['id']}: segmentation is not a non-empty polygon list")
            continue
        if any(len(p) % 2 != 0 or len(p) < 6 for p in segm):
            problems.append(f"annotation {a['id']}: invalid polygon")
    paths = {}
    for img in data["images"]:
        split_folder, file_name = img["coco_url"].split("/")[-2:]
        paths[img["id"]] = split_folder + "/" + file_name
    return problems, paths


def mmdet_view(data):
    images = {img["id"]: img for img in data["images"]}
    cat_ids = {c["id"] for c in data["categories"]}
    kept, dropped = [], []
    for a in data["annotations"]:
        img = images[a["image_id"]]
        x1, y1, w, h = a["bbox"]
        inter_w = max(0, min(x1 + w, img["width"]) - max(x1, 0))
        inter_h = max(0, min(y1 + h, img["height"]) - max(y1, 0))
        if inter_w * inter_h == 0 or a["area"] <= 0 or w < 1 or h < 1 or a["category_id"] not in cat_ids:
            dropped.append(a["id"])
        else:
            kept.append(a["id"])
    names = {img["id"]: img["coco_url"].replace("http://images.cocodataset.org/", "") for img in data["images"]}
    return kept, dropped, names


def mask_text(m):
    return "".join("1" if v else "0" for v in np.asarray(m, dtype=np.uint8).reshape(-1))


def main():
    path = sys.argv[1]
    with open(path) as f:
        data = json.load(f)
    lvis_api = LVIS(path)
    with contextlib.redirect_stdout(sys.stderr):  # COCO() prints progress on stdout
        coco_api = COCO(path)
    d2_problems, d2_paths = detectron2_view(data)
    mm_kept, mm_dropped, mm_names = mmdet_view(data)
    masks = {}
    for ann_id, ann in lvis_api.anns.items():
        img = lvis_api.imgs[ann["image_id"]]
        if img["height"] * img["width"] > 512 * 512:
            continue
        m_lvis = lvis_api.ann_to_mask(ann)
        m_coco = coco_api.annToMask(coco_api.anns[ann_id])
        encoded = mask_utils.encode(np.asfortranarray(m_coco))["counts"].decode()
        masks[str(ann_id)] = {"lvis": mask_text(m_lvis), "coco": mask_text(m_coco), "encoded": encoded,
                              "height": int(m_lvis.shape[0]), "width": int(m_lvis.shape[1])}
    print(json.dumps({
        "top_level_keys": sorted(data.keys()),
        "lvis": {"images": len(lvis_api.imgs), "annotations": len(lvis_api.anns), "categories": len(lvis_api.cats),
                 "cat_ids": sorted(lvis_api.get_cat_ids())},
        "coco": {"images": len(coco_api.imgs), "annotations": len(coco_api.anns), "categories": len(coco_api.cats)},
        "detectron2": {"problems": d2_problems, "paths": {str(k): v for k, v in d2_paths.items()}},
        "mmdet": {"kept": mm_kept, "dropped": mm_dropped, "names": {str(k): v for k, v in mm_names.items()}},
        "masks": masks,
    }))


if __name__ == "__main__":
    main()
