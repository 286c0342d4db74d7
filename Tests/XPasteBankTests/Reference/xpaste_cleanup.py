"""X-Paste's clean-up of a raw cutout, as `subwork` in segment_methods/clean_pool.py does it (the
same steps as InstPool._load_RGBA for non-`*` entries): alpha > 128, the largest external contour
filled (cv2.findContours RETR_EXTERNAL + fillPoly), alpha multiplied by that mask, crop to its box.
Usage: xpaste_cleanup.py IN.png OUT.png [MASK.png]; prints the box and the kept pixel count as JSON [x, y, w, h, area]."""
import json
import sys

import cv2
import numpy as np
from PIL import Image


def get_largest_connect_component(img):
    contours, _ = cv2.findContours(img, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    area = [cv2.contourArea(c) for c in contours]
    if len(area) >= 1:
        img2 = np.zeros_like(img)
        cv2.fillPoly(img2, [contours[int(np.argmax(area))]], 1)
        return img2
    return img


img_rgba = np.array(Image.open(sys.argv[1]).convert("RGBA"))
if len(sys.argv) > 3:
    img_rgba[:, :, -1] = np.array(Image.open(sys.argv[3]))
alpha = img_rgba[..., 3:]
seg_mask = (alpha > 128).astype("uint8")
seg_mask = get_largest_connect_component(seg_mask)
plane = seg_mask[..., 0] if seg_mask.ndim == 3 else seg_mask
ys, xs = np.where(plane)
y_min, y_max, x_min, x_max = ys.min(), ys.max(), xs.min(), xs.max()
img_rgba[:, :, 3:] *= seg_mask.reshape(seg_mask.shape[0], seg_mask.shape[1], 1)
img_rgba = img_rgba[y_min:y_max + 1, x_min:x_max + 1]
Image.fromarray(img_rgba).save(sys.argv[2])
print(json.dumps([int(x_min), int(y_min), int(x_max - x_min + 1), int(y_max - y_min + 1), int(plane.sum())]))
