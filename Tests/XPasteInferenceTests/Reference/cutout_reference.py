"""X-Paste's mask clean-up done with OpenCV and numpy, for ExtractorTests (parity) and the extractor
benchmark (Benchmarks/reference/extract_postprocess.py imports `cutout`):

  mask > threshold -> the largest 8-connected component (cv2.connectedComponentsWithStats, the first
  label on a tie) -> its holes filled (background regions, 4-connected, that do not touch the border)
  -> soft alpha inside it, 0 outside -> cropped to its box -> RGBA.

stdin  [{"w", "h", "image": BASE64 RGB, "mask": BASE64 uint8, "threshold"}]
stdout [{"box": [x, y, w, h], "area", "rgba": BASE64} | null]
"""
import base64
import json
import sys

import cv2
import numpy as np


def cutout(image, mask, threshold=128):
    """(rgba, (x, y, w, h), area) or None for an empty mask."""
    binary = (mask > threshold).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    if n <= 1:
        return None
    largest = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    component = labels == largest
    _, background = cv2.connectedComponents((~component).astype(np.uint8), connectivity=4)
    outside = np.unique(np.concatenate([background[0], background[-1], background[:, 0], background[:, -1]]))
    filled = component | (~component & ~np.isin(background, outside))
    ys, xs = np.nonzero(filled)
    y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    alpha = np.where(filled, mask, 0)[y0:y1, x0:x1]
    rgba = np.dstack([image[y0:y1, x0:x1, :3], alpha])
    return rgba, (int(x0), int(y0), int(x1 - x0), int(y1 - y0)), int(filled.sum())


def main():
    out = []
    for job in json.load(sys.stdin):
        w, h = job["w"], job["h"]
        image = np.frombuffer(base64.b64decode(job["image"]), np.uint8).reshape(h, w, 3)
        mask = np.frombuffer(base64.b64decode(job["mask"]), np.uint8).reshape(h, w)
        result = cutout(image, mask, job.get("threshold", 128))
        if result is None:
            out.append(None)
            continue
        rgba, box, area = result
        out.append({"box": list(box), "area": area, "rgba": base64.b64encode(np.ascontiguousarray(rgba).tobytes()).decode()})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
