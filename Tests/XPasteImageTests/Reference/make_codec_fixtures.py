"""Writes the small codec fixtures the Swift tests decode, into OUTDIR (a temp dir per test run).

usage: make_codec_fixtures.py OUTDIR

Pillow makes what it can write (gray/CMYK/progressive JPEGs, EXIF-oriented JPEGs, WebP, palette
and low-bit-depth PNGs); a minimal PNG writer below (zlib + struct) makes what Pillow cannot:
16-bit RGB/RGBA/gray+alpha and Adam7-interlaced PNGs. Prints the list of files written as JSON.
"""
import json
import os
import struct
import sys
import zlib

import numpy as np
from PIL import Image


def pattern(width, height, channels, seed):
    """A smooth but asymmetric test picture: gradients plus a few solid blocks, so every
    orientation and channel is distinguishable and lossy codecs stay well-behaved."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    planes = [
        (x * 255 // max(width - 1, 1)),
        (y * 255 // max(height - 1, 1)),
        ((x + 2 * y) * 255 // max(width + 2 * height - 3, 1)),
        (255 - (x * y * 255 // max((width - 1) * (height - 1), 1))),
    ]
    img = np.stack(planes[:channels], axis=-1).astype(np.uint8)
    img[: height // 4, : width // 3] = rng.integers(0, 256, channels, dtype=np.uint8)
    img[height // 2 :, width // 2 : width // 2 + 3] = 255
    return img


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def write_png(path, samples, color_type, bit_depth, interlace=False):
    """`samples`: (h, w, c) array of uint8 or uint16 (big-endian is written)."""
    h, w = samples.shape[:2]
    dtype = ">u2" if bit_depth == 16 else "u1"

    def scanlines(img):
        rows = img.astype(dtype).reshape(img.shape[0], -1).view(np.uint8)
        return b"".join(b"\x00" + rows[r].tobytes() for r in range(img.shape[0]))

    if interlace:
        raw = b"".join(scanlines(samples[y0::dy, x0::dx]) for x0, y0, dx, dy in ADAM7
                       if samples[y0::dy, x0::dx].size)
    else:
        raw = scanlines(samples)
    ihdr = struct.pack(">IIBBBBB", w, h, bit_depth, color_type, 0, 0, 1 if interlace else 0)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw, 9))
                + chunk(b"IEND", b""))


def main():
    out = sys.argv[1]
    written = []

    def save(name, fn):
        fn(os.path.join(out, name))
        written.append(name)

    rgb = Image.fromarray(pattern(48, 32, 3, 1))
    rgba = Image.fromarray(pattern(40, 30, 4, 2))
    gray = Image.fromarray(pattern(37, 23, 1, 3)[..., 0])

    # EXIF orientations 1–8 on the same stored pixels.
    for orientation in range(1, 9):
        exif = Image.Exif()
        exif[0x0112] = orientation
        save(f"orientation_{orientation}.jpg", lambda p: rgb.save(p, quality=95, exif=exif.tobytes()))

    save("gray.jpg", lambda p: gray.save(p, quality=90))
    save("cmyk.jpg", lambda p: rgb.convert("CMYK").save(p, quality=90))
    save("progressive.jpg", lambda p: rgb.save(p, quality=85, progressive=True))
    save("subsampling_444.jpg", lambda p: rgb.save(p, quality=90, subsampling=0))

    save("lossy.webp", lambda p: rgb.save(p, quality=80))
    save("lossless_alpha.webp", lambda p: rgba.save(p, lossless=True))
    save("lossy_alpha.webp", lambda p: rgba.save(p, quality=80))

    save("gray8.png", lambda p: gray.save(p))
    save("gray1.png", lambda p: gray.point(lambda v: 255 if v > 100 else 0).convert("1").save(p))
    save("gray_trns.png", lambda p: gray.save(p, transparency=int(np.asarray(gray)[0, 0])))
    save("gray_alpha.png", lambda p: rgba.convert("LA").save(p))
    save("palette.png", lambda p: rgb.quantize(colors=16).save(p))
    save("palette_trns.png", lambda p: rgb.quantize(colors=16).save(p, transparency=3))
    save("palette_4bit.png", lambda p: rgb.quantize(colors=16).save(p, bits=4))
    save("rgb_trns.png", lambda p: rgb.save(p, transparency=tuple(int(v) for v in np.asarray(rgb)[0, 0])))
    save("rgba8.png", lambda p: rgba.save(p))

    wide = pattern(33, 21, 4, 4).astype(np.uint16) * 257 + np.arange(33, dtype=np.uint16)[None, :, None]
    save("gray16.png", lambda p: Image.fromarray(wide[..., 0]).save(p))
    save("rgb16.png", lambda p: write_png(p, wide[..., :3], color_type=2, bit_depth=16))
    save("rgba16.png", lambda p: write_png(p, wide, color_type=6, bit_depth=16))
    save("gray_alpha16.png", lambda p: write_png(p, wide[..., [0, 3]], color_type=4, bit_depth=16))
    save("interlaced_rgb.png", lambda p: write_png(p, pattern(35, 19, 3, 5), color_type=2, bit_depth=8,
                                                   interlace=True))

    # Decompression bomb: 10000×10000 gray zeros (100 megapixels) deflate to about 100 KB.
    def bomb(path):
        width, height = 10000, 10000
        deflate = zlib.compressobj(9)
        row = bytes(width + 1)
        idat = b"".join(deflate.compress(row) for _ in range(height)) + deflate.flush()
        ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
        with open(path, "wb") as f:
            f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b""))

    save("bomb_100mp.png", bomb)
    json.dump(written, sys.stdout)


if __name__ == "__main__":
    main()
