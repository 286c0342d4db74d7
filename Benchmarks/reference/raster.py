"""Reference timings for the raster operations (resize, composite, feather, morphology, mask
algebra) with Pillow, OpenCV and NumPy, on the same inputs as `xpaste-bench raster`.

  raster.py --export DIR   writes the shared inputs (raw bytes + inputs.json) into DIR
  raster.py DIR            times the references on them, one JSON line per benchmark

OpenCV runs with one thread (cv2.setNumThreads(1)) because xpaste's kernels are single-threaded.
"""
import json
import os
import sys

import cv2
import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchclock import median, report  # noqa: E402

IMAGES = os.environ.get("XPASTE_SHARED_DATA",
                        os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "data"))


def export(folder):
    images = os.path.join(IMAGES, "images")
    photo = Image.open(os.path.join(images, "motorcycle_left.png")).convert("RGB").resize((1482, 1000), Image.BICUBIC)
    patch = Image.open(os.path.join(images, "logo.png")).convert("RGBA").resize((256, 256), Image.BICUBIC)
    horse = np.asarray(Image.open(os.path.join(images, "horse.png")).convert("RGBA"))[:, :, 3]
    soft = Image.fromarray(horse).resize((320, 320), Image.BILINEAR)
    binary = (np.asarray(Image.fromarray(horse).resize((1482, 1000), Image.NEAREST)) > 127).astype(np.uint8)
    np.asarray(photo).tofile(os.path.join(folder, "photo.raw"))
    np.asarray(patch).tofile(os.path.join(folder, "patch.raw"))
    np.asarray(soft).tofile(os.path.join(folder, "soft.raw"))
    binary.tofile(os.path.join(folder, "binary.raw"))
    with open(os.path.join(folder, "inputs.json"), "w") as f:
        json.dump({"photo": [1482, 1000], "patch": [256, 256], "soft": [320, 320], "binary": [1482, 1000]}, f)


def load(folder):
    with open(os.path.join(folder, "inputs.json")) as f:
        dims = json.load(f)
    def raw(name, channels):
        w, h = dims[name]
        a = np.fromfile(os.path.join(folder, name + ".raw"), np.uint8)
        return a.reshape((h, w, channels)) if channels > 1 else a.reshape((h, w))
    return raw("photo", 3), raw("patch", 4), raw("soft", 1), raw("binary", 1)


def composite_numpy(dst, patch, x, y):
    # The integer rule xpaste documents: round((s·a + d·(255 − a)) / 255), here in NumPy.
    h, w = patch.shape[:2]
    region = dst[y:y + h, x:x + w].astype(np.uint32)
    a = patch[:, :, 3:4].astype(np.uint32)
    t = patch[:, :, :3].astype(np.uint32) * a + region * (255 - a) + 128
    dst[y:y + h, x:x + w] = ((t + (t >> 8)) >> 8).astype(np.uint8)


def run(folder):
    # xpaste's kernels are single-threaded (callers parallelise across images), so compare per core.
    cv2.setNumThreads(1)
    photo, patch, soft, binary = load(folder)
    pil_photo = Image.fromarray(photo)
    pixels = photo.shape[0] * photo.shape[1]

    report("resize bicubic 1482x1000→224x151 RGB", "Pillow", 1,
           median(lambda: pil_photo.resize((224, 151), Image.BICUBIC), repeats=9))
    report("resize bilinear 1482x1000→741x500 RGB", "Pillow", 1,
           median(lambda: pil_photo.resize((741, 500), Image.BILINEAR), repeats=9))
    report("resize area 1482x1000→494x333 RGB", "OpenCV", 1,
           median(lambda: cv2.resize(photo, (494, 333), interpolation=cv2.INTER_AREA), repeats=9))
    report("resize area 1482x1000→741x500 RGB (2x)", "OpenCV", 1,
           median(lambda: cv2.resize(photo, (741, 500), interpolation=cv2.INTER_AREA), repeats=9))
    pil_soft = Image.fromarray(soft)
    report("resize mask bilinear 320x320→1482x1000", "Pillow", 1,
           median(lambda: pil_soft.resize((1482, 1000), Image.BILINEAR), repeats=9))

    offsets = [(x, y) for y in range(-100, 1000, 180) for x in range(-100, 1482, 200)]
    def paste_all():
        dst = photo.copy()
        for x, y in offsets:
            # NumPy needs explicit clipping; keep only in-bounds placements for the reference.
            if 0 <= x and 0 <= y and x + 256 <= dst.shape[1] and y + 256 <= dst.shape[0]:
                composite_numpy(dst, patch, x, y)
    inside = sum(1 for x, y in offsets if 0 <= x and 0 <= y and x + 256 <= 1482 and y + 256 <= 1000)
    report("composite 256x256 RGBA onto RGB (pastes)", "NumPy", inside, median(paste_all, repeats=5))

    mask = np.asarray(Image.fromarray(soft).resize((1482, 1000), Image.BILINEAR))
    report("gaussian blur mask σ=2 1482x1000 (pixels)", "OpenCV", pixels,
           median(lambda: cv2.GaussianBlur(mask, (0, 0), 2.0), repeats=9))
    report("box blur mask r=5 1482x1000 (pixels)", "OpenCV", pixels,
           median(lambda: cv2.blur(mask, (11, 11)), repeats=9))
    square = cv2.getStructuringElement(cv2.MORPH_RECT, (11, 11))
    disk = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (11, 11))
    report("dilate square r=5 1482x1000 (pixels)", "OpenCV", pixels,
           median(lambda: cv2.dilate(binary, square), repeats=9))
    report("erode disk r=5 1482x1000 (pixels)", "OpenCV", pixels,
           median(lambda: cv2.erode(binary, disk), repeats=9))
    disk15 = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (31, 31))
    report("dilate disk r=15 1482x1000 (pixels)", "OpenCV", pixels,
           median(lambda: cv2.dilate(binary, disk15), repeats=9))
    other = np.roll(binary, 7, axis=1)
    def iou():
        inter = np.count_nonzero(binary & other)
        union = np.count_nonzero(binary | other)
        return inter / union
    report("IoU 1482x1000 masks (pixels)", "NumPy", pixels, median(iou, repeats=9))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--export":
        export(sys.argv[2])
    elif len(sys.argv) == 2:
        run(sys.argv[1])
    else:
        raise SystemExit(__doc__)
