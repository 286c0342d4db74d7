"""Reference mask blurs for FeatherTests: cv2.GaussianBlur and cv2.blur (default border,
BORDER_REFLECT_101).

Ops (JSON list on stdin, see raster_jobs.py):
  gaussian: {in, w, h, sigma, out}      -> cv2.GaussianBlur(m, (0, 0), sigma)
  box:      {in, w, h, radius, out}     -> cv2.blur(m, (2r+1, 2r+1))
"""
import os
import sys

import cv2

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from raster_jobs import read_raw, run, write_raw  # noqa: E402


def gaussian(job):
    m = read_raw(job["in"], job["w"], job["h"], 1)
    write_raw(job["out"], cv2.GaussianBlur(m, (0, 0), job["sigma"]))


def box(job):
    m = read_raw(job["in"], job["w"], job["h"], 1)
    k = 2 * job["radius"] + 1
    write_raw(job["out"], cv2.blur(m, (k, k)))


run({"gaussian": gaussian, "box": box})
