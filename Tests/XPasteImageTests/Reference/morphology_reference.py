"""Reference binary morphology for MorphologyTests: cv2.erode / cv2.dilate / cv2.morphologyEx
with cv2.getStructuringElement(MORPH_RECT | MORPH_ELLIPSE, (2r+1, 2r+1)) and OpenCV's default
border handling (outside never changes the result).

Ops (JSON list on stdin, see raster_jobs.py):
  morph:   {in, w, h, operation: erode|dilate|open|close, shape: square|disk, radius, out}   (0/1 bytes)
  element: {shape, radius, out}   -> the structuring element grid, (2r+1)² bytes
"""
import os
import sys

import cv2

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from raster_jobs import read_raw, run, write_raw  # noqa: E402

SHAPES = {"square": cv2.MORPH_RECT, "disk": cv2.MORPH_ELLIPSE}


def element(shape, radius):
    return cv2.getStructuringElement(SHAPES[shape], (2 * radius + 1, 2 * radius + 1))


def morph(job):
    m = read_raw(job["in"], job["w"], job["h"], 1)
    se = element(job["shape"], job["radius"])
    op = job["operation"]
    if op == "erode":
        out = cv2.erode(m, se)
    elif op == "dilate":
        out = cv2.dilate(m, se)
    else:
        out = cv2.morphologyEx(m, {"open": cv2.MORPH_OPEN, "close": cv2.MORPH_CLOSE}[op], se)
    write_raw(job["out"], out)


def grid(job):
    write_raw(job["out"], element(job["shape"], job["radius"]))


run({"morph": morph, "element": grid})
