"""Reference resizes for ResizeTests: Pillow's Image.resize and OpenCV's cv2.resize.

Ops (JSON list on stdin, see raster_jobs.py):
  photo:  {name, dir, box: [x, y, w, h], out}      -> RGB crop of a shared photo (decoded by Pillow)
  pil:    {in, w, h, mode: RGB|RGBA|L, ow, oh, filter: nearest|bilinear|bicubic|lanczos, out}
  cv:     {in, w, h, channels, ow, oh, interpolation: area|linear|nearest, out, premultiply?}
          premultiply (RGBA only): resize Pillow's premultiplied RGBa form, then convert back, the
          way Pillow treats RGBA, so the OpenCV arithmetic is checked on that path too.
"""
import os
import sys

import cv2
import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from raster_jobs import read_raw, run, write_raw  # noqa: E402

PIL_FILTERS = {"nearest": Image.Resampling.NEAREST, "bilinear": Image.Resampling.BILINEAR,
               "bicubic": Image.Resampling.BICUBIC, "lanczos": Image.Resampling.LANCZOS}
CV_INTERPOLATIONS = {"area": cv2.INTER_AREA, "linear": cv2.INTER_LINEAR, "nearest": cv2.INTER_NEAREST}
CHANNELS = {"RGB": 3, "RGBA": 4, "L": 1}


def photo(job):
    x, y, w, h = job["box"]
    with Image.open(os.path.join(job["dir"], job["name"])) as im:
        crop = im.convert("RGB").crop((x, y, x + w, y + h))
    write_raw(job["out"], crop)
    return {"ok": True, "width": crop.width, "height": crop.height}


def pil(job):
    mode = job["mode"]
    src = read_raw(job["in"], job["w"], job["h"], CHANNELS[mode])
    out = Image.fromarray(src).convert(mode).resize((job["ow"], job["oh"]), PIL_FILTERS[job["filter"]])
    write_raw(job["out"], out)


def cv(job):
    src = read_raw(job["in"], job["w"], job["h"], job["channels"])
    size = (job["ow"], job["oh"])
    premultiply = job.get("premultiply", False)
    if premultiply:
        src = np.asarray(Image.frombytes("RGBA", (job["w"], job["h"]), src.tobytes()).convert("RGBa"))
    out = cv2.resize(src, size, interpolation=CV_INTERPOLATIONS[job["interpolation"]])
    if premultiply:
        out = np.asarray(Image.frombytes("RGBa", size, out.tobytes()).convert("RGBA"))
    write_raw(job["out"], out)


run({"photo": photo, "pil": pil, "cv": cv})
