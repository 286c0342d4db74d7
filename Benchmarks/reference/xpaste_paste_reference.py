#!/usr/bin/env python3
"""The paste step of X-Paste's training mapper in numpy + OpenCV, as the reference for
`xpaste composite` (Benchmarks: images/s side by side on the same inputs).

It follows `InstPool._load_RGBA`, `random_start_xy` and `InstPool._copy_paste` of X-Paste
(xpaste/data/custom_build_copypaste_mapper.py): per cutout PIL-decode the RGBA file, binarise alpha
at 128, keep the largest connected component (findContours + fillPoly), crop to it, draw
s ~ N(mean, std) clipped to [10/H, 0.5], aspect jitter ×U(0.8, 1.2), cv2.resize, mask = alpha > 0,
random horizontal flip, centre uniform, pad to the image with warpAffine, then paste one object at
a time with image-sized boolean masks: earlier masks lose the covered pixels, boxes come from the
masks, the 10 px / 300 px occlusion rule filters, the 'basic' blend copies the cutout's pixels.
Background annotations are rasterised with pycocotools as detectron2 does. Then what a dataset
writer has to do on top: polygons from each remaining mask (cv2.findContours + approxPolyDP), bbox,
area, the JPEG written with cv2.imwrite, the LVIS json at the end.

Usage:
  xpaste_paste_reference.py make-workload OUT [--backgrounds K] [--size S] [--objects N]
  xpaste_paste_reference.py bench WORKLOAD [--images N] [--instances K] [--jobs J] [--repeats R]
  xpaste_paste_reference.py run WORKLOAD OUT [--images N] [--instances K] [--seed S]
"""
import argparse
import json
import os
import sys
import tempfile
import time

import cv2
import numpy as np
from PIL import Image
from pycocotools import mask as mask_util

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchclock  # noqa: E402

SHARED = os.environ.get("XPASTE_SHARED_DATA") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "data")


# ---------------------------------------------------------------- the paste step (X-Paste's mapper)

def get_bboxes(masks):
    boxes = np.zeros((len(masks), 4), dtype=np.float32)
    x_any = masks.any(axis=1)
    y_any = masks.any(axis=2)
    for i in range(len(masks)):
        x = np.where(x_any[i, :])[0]
        y = np.where(y_any[i, :])[0]
        if len(x) > 0 and len(y) > 0:
            boxes[i, :] = np.array([x[0], y[0], x[-1] + 1, y[-1] + 1], dtype=np.float32)
    return boxes


def largest_component(mask):
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return mask
    best = int(np.argmax([cv2.contourArea(c) for c in contours]))
    out = np.zeros_like(mask)
    cv2.fillPoly(out, [contours[best]], 1)
    return out


class Paster:
    def __init__(self, pool, size_prior, rng):
        self.pool = pool                # {lvis category id: [png paths]}
        self.cats = sorted(pool)
        self.prior = size_prior         # {"id": [mean, std]}
        self.rng = rng
        self.box_thr, self.mask_thr = 10, 300
        self.shape_jitter = 0.2

    def load_rgba(self, path, category, train_size):
        image_h, image_w = train_size
        rgba = np.array(Image.open(path).convert("RGBA"))
        mean, std = self.prior.get(str(category), [0.12, 0.09])[:2]
        s = np.clip(mean + self.rng.standard_normal() * std, 10 / image_h, 0.5)
        seg = (rgba[..., 3] > 128).astype(np.uint8)
        seg = largest_component(seg)
        ys, xs = np.where(seg)
        if len(ys) == 0:
            return None
        y0, y1, x0, x1 = ys.min(), ys.max(), xs.min(), xs.max()
        rgba[:, :, 3:] *= seg[..., None]
        rgba = rgba[y0:y1 + 1, x0:x1 + 1]
        scale = s ** 2 * image_h * image_w
        ratio = rgba.shape[1] / rgba.shape[0] * self.rng.uniform(1 - self.shape_jitter, 1 + self.shape_jitter)
        tw = np.sqrt(ratio * scale)
        th = tw / ratio
        tw, th = int(tw), int(th)
        if tw < 5 or tw >= image_w or th < 5 or th >= image_h:
            return None
        rgba = cv2.resize(rgba, (tw, th))
        segment = (rgba[:, :, -1] > 0).astype(np.uint8)
        if self.rng.uniform() < 0.5:
            rgba = rgba[:, ::-1]
            segment = segment[:, ::-1]
        return {"image": np.ascontiguousarray(rgba), "mask": np.ascontiguousarray(segment), "category": category}

    def place(self, data, train_size):
        h, w = train_size
        th, tw = data["mask"].shape
        x_mid, y_mid = tw / 2, th / 2
        x_start = int(self.rng.integers(-x_mid, w - x_mid))
        y_start = int(self.rng.integers(-y_mid, h - y_mid))
        m = np.float32([[1, 0, x_start], [0, 1, y_start]])
        image = cv2.warpAffine(data["image"], m, (w, h))
        mask = cv2.warpAffine(data["mask"], m, (w, h))
        return image, mask[None].astype(bool)

    def compose(self, image, masks, boxes, labels, sources, n):
        train_size = image.shape[:2]
        for _ in range(n):
            cat = self.cats[self.rng.integers(0, len(self.cats))]
            paths = self.pool[cat]
            path = paths[self.rng.integers(0, len(paths))]
            data = self.load_rgba(path, cat, train_size)
            if data is None:
                continue
            src_img, src_mask = self.place(data, train_size)
            src_box = get_bboxes(src_mask)
            # _copy_paste: earlier masks lose what the new one covers; the occlusion rule filters.
            composed = src_mask[0]
            masks = np.where(composed, False, masks)
            new_boxes = get_bboxes(masks)
            valid = np.all(np.abs(new_boxes - boxes) <= self.box_thr, axis=-1) | (masks.sum(axis=(1, 2)) > self.mask_thr)
            image = (image * (1 - composed[..., None]) + src_img[..., :3] * composed[..., None]).astype(np.uint8)
            masks = np.concatenate([masks[valid], src_mask])
            boxes = np.concatenate([new_boxes[valid], src_box])
            labels = np.concatenate([labels[valid], [cat]])
            sources = np.concatenate([sources[valid], [1]])
        return image, masks, boxes, labels, sources


def polygons_of(mask):
    contours, _ = cv2.findContours(mask.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    rings = []
    for c in contours:
        c = cv2.approxPolyDP(c, 0.5, True)
        if len(c) >= 3:
            rings.append(c.reshape(-1).astype(float).tolist())
    return rings


class Workload:
    def __init__(self, root):
        self.root = root
        with open(os.path.join(root, "annotations.json")) as f:
            self.lvis = json.load(f)
        with open(os.path.join(root, "pool.json")) as f:
            raw = json.load(f)
        # X-Paste's pool file: 0-based category index → RGBA paths (relative to the workload here).
        self.pool = {int(k) + 1: [os.path.join(root, p) for p in v] for k, v in raw.items()}
        with open(os.path.join(SHARED, "lvis_v1_size_prior.json")) as f:
            self.prior = json.load(f)
        self.anns = {}
        for a in self.lvis["annotations"]:
            self.anns.setdefault(a["image_id"], []).append(a)


def make_image(work, paster, index, out_dir, n):
    info = work.lvis["images"][index % len(work.lvis["images"])]
    image = cv2.imread(os.path.join(work.root, "images", info["file_name"]))[:, :, ::-1]
    h, w = image.shape[:2]
    anns = work.anns.get(info["id"], [])
    masks = np.zeros((len(anns), h, w), dtype=bool)
    for k, a in enumerate(anns):
        rles = mask_util.frPyObjects(a["segmentation"], h, w)
        masks[k] = mask_util.decode(mask_util.merge(rles)).astype(bool)
    boxes = np.array([[a["bbox"][0], a["bbox"][1], a["bbox"][0] + a["bbox"][2], a["bbox"][1] + a["bbox"][3]]
                      for a in anns], dtype=np.float32).reshape(-1, 4)
    labels = np.array([a["category_id"] for a in anns], dtype=np.int64)
    sources = np.zeros(len(anns), dtype=np.int64)
    image, masks, boxes, labels, sources = paster.compose(image, masks, boxes, labels, sources, n)
    name = "%012d.jpg" % (index + 1)
    cv2.imwrite(os.path.join(out_dir, name), image[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, 95])
    annotations = []
    for m, c in zip(masks, labels):
        ys, xs = np.where(m)
        if len(ys) < 4:
            continue
        rings = polygons_of(m)
        if not rings:
            continue
        x0, y0 = int(xs.min()), int(ys.min())
        annotations.append({"image_id": index + 1, "category_id": int(c), "segmentation": rings, "area": float(len(ys)),
                            "bbox": [x0, y0, int(xs.max()) + 1 - x0, int(ys.max()) + 1 - y0]})
    image_entry = {"id": index + 1, "width": w, "height": h, "file_name": name,
                   "coco_url": "http://images.cocodataset.org/train/" + name,
                   "neg_category_ids": info.get("neg_category_ids", []),
                   "not_exhaustive_category_ids": info.get("not_exhaustive_category_ids", [])}
    return image_entry, annotations


def run_batch(args):
    root, out, start, count, instances, seed = args
    cv2.setNumThreads(1)
    work = Workload(root)
    os.makedirs(os.path.join(out, "train"), exist_ok=True)
    images, annotations = [], []
    for i in range(start, start + count):
        paster = Paster(work.pool, work.prior, np.random.default_rng([seed, i]))
        img, anns = make_image(work, paster, i, os.path.join(out, "train"), instances)
        images.append(img)
        annotations.extend(anns)
    return images, annotations


def write_dataset(work, out, images, annotations):
    for k, a in enumerate(annotations):
        a["id"] = k + 1
    os.makedirs(os.path.join(out, "annotations"), exist_ok=True)
    with open(os.path.join(out, "annotations", "train.json"), "w") as f:
        json.dump({"info": {}, "licenses": [], "images": images, "annotations": annotations,
                   "categories": work.lvis["categories"]}, f)


def generate(root, out, images, instances, seed, jobs):
    work = Workload(root)
    chunks = [(root, out, s, min(images - s, (images + jobs - 1) // jobs), instances, seed)
              for s in range(0, images, (images + jobs - 1) // jobs)]
    if jobs == 1:
        results = [run_batch(c) for c in chunks]
    else:
        import multiprocessing as mp
        with mp.get_context("fork").Pool(jobs) as pool:
            results = pool.map(run_batch, chunks)
    imgs = [i for r in results for i in r[0]]
    anns = [a for r in results for a in r[1]]
    write_dataset(work, out, imgs, anns)


# ---------------------------------------------------------------- the benchmark workload

def make_workload(out, backgrounds, size, objects, seed):
    """Backgrounds: shared photos resized to size × size (JPEG) with `objects` polygon annotations
    each (ellipses and stars with LVIS categories, sizes from the LVIS prior); cutouts: RGBA PNGs
    made from the shared photos (the horse silhouette on photo texture, the logo disk, elliptic
    soft-alpha crops of the cat, the cup, the motorcycle, the rocket, the astronaut)."""
    rng = np.random.default_rng(seed)
    os.makedirs(os.path.join(out, "images"), exist_ok=True)
    os.makedirs(os.path.join(out, "pool"), exist_ok=True)
    img_dir = os.path.join(SHARED, "images")
    with open(os.path.join(SHARED, "lvis_v1_categories.json")) as f:
        categories = json.load(f)
    with open(os.path.join(SHARED, "lvis_v1_size_prior.json")) as f:
        prior = json.load(f)

    def rgb(name):
        im = Image.open(os.path.join(img_dir, name)).convert("RGB")
        return np.array(im)

    photos = ["astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg", "motorcycle_left.png", "brick.png", "gravel.png"]
    images, annotations = [], []
    cat_ids = [c["id"] for c in categories]
    for b in range(backgrounds):
        photo = cv2.resize(rgb(photos[b % len(photos)]), (size, size), interpolation=cv2.INTER_AREA)
        name = "bg_%03d.jpg" % b
        cv2.imwrite(os.path.join(out, "images", name), photo[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, 92])
        pos = set()
        for k in range(objects):
            cat = int(rng.choice(cat_ids))
            mean, std = prior[str(cat)]
            s = float(np.clip(mean + rng.standard_normal() * std, 0.05, 0.4))
            r = s * size / 2
            cx, cy = rng.uniform(0, size), rng.uniform(0, size)
            n = 24 if k % 2 == 0 else 10
            ang = np.linspace(0, 2 * np.pi, n, endpoint=False) + rng.uniform(0, np.pi)
            rad = np.full(n, r) if k % 2 == 0 else np.where(np.arange(n) % 2 == 0, r, r * 0.5)
            xs = np.clip(cx + rad * np.cos(ang) * rng.uniform(0.6, 1.4), 0, size - 1)
            ys = np.clip(cy + rad * np.sin(ang), 0, size - 1)
            ring = np.stack([xs, ys], 1).reshape(-1).round(2).tolist()
            rle = mask_util.merge(mask_util.frPyObjects([ring], size, size))
            area = float(mask_util.area(rle))
            if area < 16:
                continue
            bbox = [round(float(v), 2) for v in mask_util.toBbox(rle)]
            annotations.append({"id": len(annotations) + 1, "image_id": b + 1, "category_id": cat,
                                "segmentation": [ring], "area": area, "bbox": bbox})
            pos.add(cat)
        neg = sorted(int(c) for c in rng.choice([c for c in cat_ids if c not in pos], 5, replace=False))
        images.append({"id": b + 1, "width": size, "height": size, "file_name": name,
                       "coco_url": "http://images.cocodataset.org/train2017/" + name,
                       "neg_category_ids": neg, "not_exhaustive_category_ids": sorted(pos)[:1]})
    with open(os.path.join(out, "annotations.json"), "w") as f:
        json.dump({"info": {"description": "xpaste compositor benchmark backgrounds"}, "licenses": [],
                   "images": images, "annotations": annotations, "categories": categories}, f)

    def ellipse_alpha(h, w, soft=6):
        yy, xx = np.mgrid[0:h, 0:w]
        d = np.sqrt(((xx - w / 2) / (w / 2)) ** 2 + ((yy - h / 2) / (h / 2)) ** 2)
        return np.clip((1 - d) * min(h, w) / 2 / soft * 255, 0, 255).astype(np.uint8)

    pool = {}

    def add(category, name, rgba):
        path = os.path.join("pool", name)
        Image.fromarray(rgba).save(os.path.join(out, path))
        pool.setdefault(str(category - 1), []).append(path)

    horse = np.array(Image.open(os.path.join(img_dir, "horse.png")).convert("L"))
    horse_alpha = 255 - horse
    for k, tex in enumerate(["chelsea.png", "coffee.png", "astronaut.png"]):
        t = cv2.resize(rgb(tex), (horse.shape[1], horse.shape[0]), interpolation=cv2.INTER_AREA)
        add(569, "horse_%d.png" % k, np.dstack([t, horse_alpha]))
    logo = rgb("logo.png")
    add(474, "frisbee_0.png", np.dstack([logo, ellipse_alpha(*logo.shape[:2], soft=2)]))
    for cat, name, box in [(225, "chelsea.png", (20, 60, 300, 300)), (344, "coffee.png", (30, 40, 370, 480)),
                           (703, "motorcycle_left.png", (40, 20, 460, 720)), (991, "rocket.jpg", (0, 240, 427, 420)),
                           (793, "astronaut.png", (0, 100, 512, 420))]:
        y0, x0, y1, x1 = box
        crop = rgb(name)[y0:y1, x0:x1]
        add(cat, "%d_%s.png" % (cat, os.path.splitext(name)[0]), np.dstack([crop, ellipse_alpha(*crop.shape[:2])]))
    with open(os.path.join(out, "pool.json"), "w") as f:
        json.dump(pool, f, indent=1, sort_keys=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("make-workload")
    w.add_argument("out")
    w.add_argument("--backgrounds", type=int, default=8)
    w.add_argument("--size", type=int, default=1024)
    w.add_argument("--objects", type=int, default=10)
    w.add_argument("--seed", type=int, default=0)
    for name in ("bench", "run"):
        p = sub.add_parser(name)
        p.add_argument("workload")
        if name == "run":
            p.add_argument("out")
        p.add_argument("--images", type=int, default=8)
        p.add_argument("--instances", type=int, default=20)
        p.add_argument("--seed", type=int, default=0)
        p.add_argument("--jobs", type=int, default=1)
        p.add_argument("--repeats", type=int, default=3)
        p.add_argument("--name", default="composite")
    a = ap.parse_args()
    if a.cmd == "make-workload":
        make_workload(a.out, a.backgrounds, a.size, a.objects, a.seed)
    elif a.cmd == "run":
        generate(a.workload, a.out, a.images, a.instances, a.seed, a.jobs)
    else:
        with tempfile.TemporaryDirectory() as out:
            seconds = benchclock.median(lambda: generate(a.workload, out, a.images, a.instances, a.seed, a.jobs),
                                        warmup=1, repeats=a.repeats)
        benchclock.report(a.name, "x-paste numpy+opencv", a.images, seconds)


if __name__ == "__main__":
    main()
