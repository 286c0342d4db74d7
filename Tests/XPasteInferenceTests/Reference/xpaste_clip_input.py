"""X-Paste's CLIP input for an image and a mask (segment_methods/reseg.py), built with numpy and
OpenCV for the Swift tests to compare against.

    xpaste_clip_input.py PATH SIZE   stdout: base64 float32 [1,3,SIZE,SIZE], channel-major

reseg.py does: ToTensor (uint8 / 255 in float32), wb = img * m + 1 * (1 - m) with m = mask > 128,
torchvision 0.11's Resize(224, BICUBIC) on that float tensor, which is
torch.nn.functional.interpolate(mode="bicubic", align_corners=False) without antialiasing, then
CenterCrop(224) and Normalize(CLIP mean, std). PyTorch's kernel (upsample_bicubic2d: source index
(d + 0.5) * in / out - 0.5, Keys' cubic with A = -0.75, taps clamped to the edge) is written out
below in float64 as separable matrices; the script checks it against OpenCV's INTER_CUBIC on the
same float data (the same kernel in float32 arithmetic) to 1e-6 before normalising. X-Paste's images are square; for a
non-square one xpaste pads with white to a centred square first (the odd pixel at the bottom or
right), so the resize gives SIZE x SIZE and the crop removes nothing.

The mask is the test's: an ellipse across the whole width (semi-axes w/2 and h/6, centred) plus a
separate 20 x 15 rectangle at (5, 5), so the object has two components and spans the long side.
"""
import base64
import sys

import cv2
import numpy as np
from PIL import Image

MEAN = np.array([0.48145466, 0.4578275, 0.40821073], dtype=np.float32)
STD = np.array([0.26862954, 0.26130258, 0.27577711], dtype=np.float32)


def test_mask(w, h):
    y, x = np.mgrid[0:h, 0:w].astype(np.int64)
    ellipse = (2 * x + 1 - w) ** 2 * h * h + 9 * (2 * y + 1 - h) ** 2 * w * w <= (w * h) ** 2
    rect = (x >= 5) & (x < 25) & (y >= 5) & (y < 20)
    return ellipse | rect


def torch_bicubic_axis(n_in, n_out):
    a = -0.75
    near = lambda x: ((a + 2) * x - (a + 3)) * x * x + 1
    far = lambda x: ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    m = np.zeros((n_out, n_in))
    scale = n_in / n_out
    for d in range(n_out):
        real = scale * (d + 0.5) - 0.5
        base = np.floor(real)
        t = real - base
        for k, weight in enumerate((far(t + 1), near(t), near(1 - t), far(2 - t))):
            m[d, min(max(int(base) - 1 + k, 0), n_in - 1)] += weight
    return m


def main():
    path, size = sys.argv[1], int(sys.argv[2])
    img = np.asarray(Image.open(path).convert("RGB")).astype(np.float32) / np.float32(255)
    h, w = img.shape[:2]
    m = test_mask(w, h).astype(np.float32)[..., None]
    wb = img * m + np.ones_like(img) * (1 - m)
    side = max(w, h)
    square = np.ones((side, side, 3), dtype=np.float32)
    top, left = (side - h) // 2, (side - w) // 2
    square[top:top + h, left:left + w] = wb
    if side == size:
        resized = square.astype(np.float64)
    else:
        axis = torch_bicubic_axis(side, size)
        resized = np.stack([axis @ square[..., c].astype(np.float64) @ axis.T for c in range(3)], axis=-1)
        opencv = cv2.resize(square, (size, size), interpolation=cv2.INTER_CUBIC)
        assert np.abs(resized - opencv).max() < 1e-6, "the kernel disagrees with OpenCV's INTER_CUBIC"
    out = ((resized - MEAN.astype(np.float64)) / STD.astype(np.float64)).transpose(2, 0, 1)[None].astype("<f4")
    sys.stdout.write(base64.b64encode(out.tobytes()).decode())


if __name__ == "__main__":
    main()
