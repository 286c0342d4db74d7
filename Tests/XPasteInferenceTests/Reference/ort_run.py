"""Runs an ONNX model with ONNX Runtime's Python API on inputs sent by a Swift test, and returns the
outputs, so the Swift binding is compared with the reference on identical bytes.

stdin:  {"model": PATH, "inputs": {NAME: {"dtype": "float32", "shape": [...], "data": BASE64}}}
stdout: {"outputs": {NAME: {"dtype": ..., "shape": [...], "data": BASE64}}, "order": [NAME, ...]}
"""
import base64
import json
import sys

import numpy as np
import onnxruntime as ort

request = json.load(sys.stdin)
session = ort.InferenceSession(request["model"], providers=["CPUExecutionProvider"])
feeds = {
    name: np.frombuffer(base64.b64decode(t["data"]), dtype=t["dtype"]).reshape(t["shape"])
    for name, t in request["inputs"].items()
}
names = [o.name for o in session.get_outputs()]
values = session.run(names, feeds)
json.dump({
    "order": names,
    "outputs": {
        n: {"dtype": str(v.dtype), "shape": list(v.shape), "data": base64.b64encode(np.ascontiguousarray(v).tobytes()).decode()}
        for n, v in zip(names, values)
    },
}, sys.stdout)
