"""rembg's salient-object steps (rembg/sessions/base.py `normalize` and the sessions' `predict`), run
with onnxruntime + numpy + Pillow, for SegmenterTests to compare our soft masks with.

    rembg_reference.py masks        stdin {"model", "images": [PATH], "size": [W, H], "mean": [3], "std": [3],
                                           "sigmoid": bool}
                                    stdout {"results": [{"width", "height", "mask": BASE64 uint8,
                                                         "input": BASE64 float32 [3, H, W]}]}
    rembg_reference.py make-dynamic OUT
                                    writes a tiny segmenter with dynamic batch and size and a logit output
                                    (BiRefNet's signature): input_image float [N, 3, H, W] -> logits [N, 1, H, W]
"""
import base64
import json
import sys

import numpy as np


def normalize(img, mean, std, size):
    from PIL import Image
    # rembg: img.convert("RGB").resize(size, LANCZOS); / max(np.max(im), 1e-6); (x - mean) / std in float64.
    im = img.convert("RGB").resize(size, Image.Resampling.LANCZOS)
    im_ary = np.array(im)
    im_ary = im_ary / max(np.max(im_ary), 1e-6)
    tmp = np.zeros((im_ary.shape[0], im_ary.shape[1], 3))
    for c in range(3):
        tmp[:, :, c] = (im_ary[:, :, c] - mean[c]) / std[c]
    return np.expand_dims(tmp.transpose((2, 0, 1)), 0).astype(np.float32)


def masks(request):
    import onnxruntime as ort
    from PIL import Image
    session = ort.InferenceSession(request["model"], providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    results = []
    for path in request["images"]:
        img = Image.open(path)
        feed = normalize(img, request["mean"], request["std"], tuple(request["size"]))
        pred = session.run(None, {name: feed})[0][:, 0, :, :]
        if request["sigmoid"]:
            pred = 1 / (1 + np.exp(-pred))
        ma, mi = np.max(pred), np.min(pred)
        pred = np.squeeze((pred - mi) / (ma - mi))
        mask = Image.fromarray((pred * 255).astype("uint8")).resize(img.size, Image.Resampling.LANCZOS)
        results.append({
            "width": mask.width, "height": mask.height,
            "mask": base64.b64encode(np.asarray(mask).tobytes()).decode(),
            "input": base64.b64encode(np.ascontiguousarray(feed[0]).tobytes()).decode(),
        })
    json.dump({"results": results}, sys.stdout)


def make_dynamic(path):
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    rng = np.random.default_rng(7)
    w1 = rng.normal(0, 0.4, (3, 3, 3, 3)).astype(np.float32)
    w2 = rng.normal(0, 0.4, (1, 3, 3, 3)).astype(np.float32)
    nodes = [
        helper.make_node("Conv", ["input_image", "w1"], ["h"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node("Tanh", ["h"], ["ht"]),
        helper.make_node("Conv", ["ht", "w2"], ["logits"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
    ]
    graph = helper.make_graph(
        nodes, "segmenter_dynamic",
        [helper.make_tensor_value_info("input_image", TensorProto.FLOAT, ["N", 3, "H", "W"])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 1, "H", "W"])],
        [numpy_helper.from_array(w1, "w1"), numpy_helper.from_array(w2, "w2")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save_model(model, path)


if __name__ == "__main__":
    if sys.argv[1] == "masks":
        masks(json.load(sys.stdin))
    elif sys.argv[1] == "make-dynamic":
        make_dynamic(sys.argv[2])
    else:
        raise SystemExit(f"unknown command {sys.argv[1]}")
