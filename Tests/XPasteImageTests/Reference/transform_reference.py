"""Reference crops, flips and pads for TransformTests, done with NumPy slicing.

Ops (JSON list on stdin, see raster_jobs.py):
  crop:  {in, w, h, channels, box: [x, y, w, h], out}
  fliph: {in, w, h, channels, out}
  flipv: {in, w, h, channels, out}
  pad:   {in, w, h, channels, top, left, bottom, right, color: [..], out}
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from raster_jobs import read_raw, run, write_raw  # noqa: E402


def load(job):
    a = read_raw(job["in"], job["w"], job["h"], job["channels"])
    return a if a.ndim == 3 else a[:, :, None]


def crop(job):
    x, y, w, h = job["box"]
    write_raw(job["out"], load(job)[y:y + h, x:x + w])


def fliph(job):
    write_raw(job["out"], load(job)[:, ::-1])


def flipv(job):
    write_raw(job["out"], load(job)[::-1])


def pad(job):
    a = load(job)
    out = np.empty((a.shape[0] + job["top"] + job["bottom"], a.shape[1] + job["left"] + job["right"], a.shape[2]),
                   np.uint8)
    out[:] = np.array(job["color"], np.uint8)
    out[job["top"]:job["top"] + a.shape[0], job["left"]:job["left"] + a.shape[1]] = a
    write_raw(job["out"], out)


run({"crop": crop, "fliph": fliph, "flipv": flipv, "pad": pad})
