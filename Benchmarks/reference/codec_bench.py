"""Pillow reference for the codec benchmarks (scripts/bench-codecs), on the same files as
`xpaste-bench codecs`.

usage: codec_bench.py --make-inputs DIR      # writes DIR/photo_1024x768_q90.jpg, DIR/cutout_rgba.png
       codec_bench.py JPEG PNG                # times Pillow on them, one JSON line per benchmark

The photo is shared/data/images/coffee.png upscaled (Lanczos) to 1024×768 and saved by Pillow at
quality 90. The cutout is a 384×384 crop of chelsea.png with a soft elliptical alpha (transparent
pixels zeroed, as the bank stores cutouts), saved as RGBA PNG at zlib level 6.
"""
import io
import os
import sys

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchclock  # noqa: E402

SHARED = os.environ.get("XPASTE_SHARED_DATA",
                        os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "data"))
REPEAT = 20  # images per timed sample, so one sample is tens of milliseconds


def make_inputs(out):
    photo = Image.open(os.path.join(SHARED, "images", "coffee.png")).convert("RGB")
    photo.resize((1024, 768), Image.Resampling.LANCZOS).save(os.path.join(out, "photo_1024x768_q90.jpg"), quality=90)

    crop = np.asarray(Image.open(os.path.join(SHARED, "images", "chelsea.png")).convert("RGB"))[:, 30:414]
    crop = np.asarray(Image.fromarray(crop).resize((384, 384), Image.Resampling.BICUBIC))
    y, x = np.mgrid[0:384, 0:384]
    r = np.sqrt(((x - 191.5) / 170) ** 2 + ((y - 191.5) / 185) ** 2)
    alpha = np.clip((1.0 - r) * 40 + 0.5, 0, 1) * 255
    rgba = np.dstack([crop, alpha.astype(np.uint8)])
    rgba[alpha == 0, :3] = 0
    Image.fromarray(rgba).save(os.path.join(out, "cutout_rgba.png"), compress_level=6)


def bench(jpeg_path, png_path):
    jpeg = open(jpeg_path, "rb").read()
    png = open(png_path, "rb").read()

    def decode(data):
        def body():
            for _ in range(REPEAT):
                Image.open(io.BytesIO(data)).load()
        return body

    photo = Image.open(io.BytesIO(jpeg))
    photo.load()
    cutout = Image.open(io.BytesIO(png))
    cutout.load()

    def encode_jpeg():
        for _ in range(REPEAT):
            photo.save(io.BytesIO(), "JPEG", quality=90)

    def encode_png():
        for _ in range(REPEAT):
            cutout.save(io.BytesIO(), "PNG", compress_level=6)

    benchclock.report("codec.jpeg_decode_1024x768", "pillow", REPEAT, benchclock.median(decode(jpeg)))
    benchclock.report("codec.jpeg_encode_q90_1024x768", "pillow", REPEAT, benchclock.median(encode_jpeg))
    benchclock.report("codec.png_decode_rgba_384", "pillow", REPEAT, benchclock.median(decode(png)))
    benchclock.report("codec.png_encode_rgba_384_level6", "pillow", REPEAT, benchclock.median(encode_png))


if __name__ == "__main__":
    if sys.argv[1] == "--make-inputs":
        make_inputs(sys.argv[2])
    else:
        bench(sys.argv[1], sys.argv[2])
