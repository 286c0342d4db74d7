"""Encodes an image as JPEG with Pillow's defaults, as the reference for the JPEG encoder test.

usage: pillow_encode_jpeg.py INPUT QUALITY OUTPUT

INPUT is any image Pillow reads (the test passes lossless PNGs, which our decoder reproduces
exactly); it is converted to RGB and saved with `quality=QUALITY` and nothing else, so Pillow
uses libjpeg's defaults: 4:2:0 chroma, standard tables, no optimisation, baseline.
"""
import sys

from PIL import Image

image = Image.open(sys.argv[1]).convert("RGB")
image.save(sys.argv[3], "JPEG", quality=int(sys.argv[2]))
