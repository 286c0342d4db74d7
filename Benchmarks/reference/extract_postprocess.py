"""Reference side of `xpaste-bench extract`: X-Paste's mask clean-up with OpenCV and numpy
(Tests/XPasteInferenceTests/Reference/cutout_reference.py: > 128, largest 8-connected component,
holes filled, soft alpha inside, crop) and the cutout's PNG encode with OpenCV (zlib level 6), on
the same photos and masks; X-Paste's own contour-based clean-up (clean_pool.py) is timed beside it.
Usage: extract_postprocess.py HORSE_PNG IMAGE…"""
import os
import sys

import cv2
import numpy as np
from PIL import Image

from benchclock import median, report

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "XPasteInferenceTests",
                                "Reference"))
from cutout_reference import cutout  # noqa: E402

horse = np.asarray(Image.open(sys.argv[1]).convert("RGB"))
silhouette = Image.fromarray((255 - horse[:, :, 0]).astype(np.uint8))


def mask_for(w, h):
    # The same mask as ExtractBench.mask: bilinear (Pillow), a speck, a hole.
    mask = np.array(silhouette.resize((w, h), Image.Resampling.BILINEAR))
    mask[h // 50:h // 50 + h // 25, w // 50:w // 50 + w // 25] = 200
    mask[h * 36 // 100:h * 42 // 100, w * 42 // 100:w * 48 // 100] = 0
    return mask


cases = []
for path in sys.argv[2:]:
    image = np.asarray(Image.open(path).convert("RGB"))
    cases.append((image, mask_for(image.shape[1], image.shape[0])))

rounds = 3
items = rounds * len(cases)
PNG = [cv2.IMWRITE_PNG_COMPRESSION, 6]


def encode(rgba):
    ok, data = cv2.imencode(".png", cv2.cvtColor(rgba, cv2.COLOR_RGBA2BGRA), PNG)
    assert ok
    return data


def clean_pool(image, mask):
    # X-Paste's own clean-up (segment_methods/clean_pool.py): external contours, the largest by
    # contour area filled, alpha multiplied by it, cropped. Contour area and a filled outline are
    # not exactly the largest 8-connected component with its holes (so it is timed, not compared).
    seg = (mask > 128).astype(np.uint8)
    contours, _ = cv2.findContours(seg, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    filled = np.zeros_like(seg)
    cv2.fillPoly(filled, [contours[int(np.argmax([cv2.contourArea(c) for c in contours]))]], 1)
    ys, xs = np.where(filled)
    rgba = np.dstack([image, mask * filled])
    return rgba[ys.min():ys.max() + 1, xs.min():xs.max() + 1]


report("extract_cleanup", "opencv", items, median(lambda: [cutout(i, m) for _ in range(rounds) for i, m in cases]))
report("extract_cleanup", "xpaste-clean_pool", items,
       median(lambda: [clean_pool(i, m) for _ in range(rounds) for i, m in cases]))
cutouts = [cutout(i, m)[0] for i, m in cases]
report("extract_png_encode", "opencv", items, median(lambda: [encode(c) for _ in range(rounds) for c in cutouts]))
report("extract_postprocess", "opencv", items,
       median(lambda: [encode(cutout(i, m)[0]) for _ in range(rounds) for i, m in cases]))
