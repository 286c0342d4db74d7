"""Decodes images with Pillow the way ImageCodec.decode promises to, as the reference for the
codec parity tests.

usage: pillow_decode.py OUTDIR [--exif-transpose] FILE...

For each FILE (in order) writes OUTDIR/<index>.raw with packed 8-bit RGB or RGBA pixels and
prints one JSON list of {"width", "height", "channels"} on stdout. The output is RGBA when the
image has an alpha band or transparency info, else RGB. 16-bit grayscale ("I;16") is reduced to
its high byte with numpy first, because Pillow's own I;16 → RGB conversion clips instead of
scaling; 16-bit colour PNGs already open as 8-bit high bytes in Pillow.
"""
import json
import os
import sys

import numpy as np
from PIL import Image, ImageOps


def reference_pixels(path, transpose):
    im = Image.open(path)
    im.load()
    if transpose:
        im = ImageOps.exif_transpose(im)
    if im.mode in ("I;16", "I;16B", "I;16L", "I"):
        im = Image.fromarray((np.asarray(im).astype(np.uint32) >> 8).astype(np.uint8))
    has_alpha = "A" in im.getbands() or "transparency" in im.info
    return im.convert("RGBA" if has_alpha else "RGB")


def main():
    out_dir = sys.argv[1]
    args = sys.argv[2:]
    transpose = "--exif-transpose" in args
    files = [a for a in args if a != "--exif-transpose"]
    summary = []
    for index, path in enumerate(files):
        im = reference_pixels(path, transpose)
        with open(os.path.join(out_dir, f"{index}.raw"), "wb") as f:
            f.write(im.tobytes())
        summary.append({"width": im.width, "height": im.height, "channels": len(im.getbands())})
    json.dump(summary, sys.stdout)


if __name__ == "__main__":
    main()
