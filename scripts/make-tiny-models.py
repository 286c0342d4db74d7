#!/usr/bin/env python3
"""Builds the tiny random-weight ONNX models the XPasteInference tests run, with the same input and
output signatures as the real exports xpaste loads, using only the onnx helper API (no torch).

    python scripts/make-tiny-models.py [OUT_DIR]   # default Tests/XPasteInferenceTests/Resources/models

Outputs (each well under 200 KB; weights from a fixed seed, so reruns give identical files):
  clip_tiny.onnx        optimum's single-graph CLIP export: input_ids int64 [B,77], attention_mask int64 [B,77],
                        pixel_values float [B,3,224,224] -> logits_per_image [Bi,Bt], logits_per_text [Bt,Bi],
                        text_embeds [Bt,E], image_embeds [Bi,E] (L2-normalised, pooled at the first EOT like CLIP)
  u2net_tiny.onnx       rembg's u2net signature: input.1 float [1,3,320,320] -> d0..d6 [1,1,320,320] (sigmoid)
  mlp_external.onnx     weights in mlp_external.onnx_data (external data): x float [N,16] -> y float [N,4]
  dtypes_fp16.onnx      x float16 [N,8], ids int64 [N] -> y float16 [N,4], y32 float [N,4], ids2 int64 [N]
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17
IR_VERSION = 8  # readable by every ONNX Runtime from 1.14 on
rng = np.random.default_rng(20240601)


def init(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def finish(graph, path, external=None):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="xpaste-tiny")
    model.ir_version = IR_VERSION
    onnx.checker.check_model(model)
    if external:
        # onnx appends to an existing data file, so start from none.
        data = os.path.join(os.path.dirname(path), external)
        if os.path.exists(data):
            os.remove(data)
        onnx.save_model(model, path, save_as_external_data=True, all_tensors_to_one_file=True,
                        location=external, size_threshold=0)
        os.chmod(data, 0o644)
    else:
        onnx.save_model(model, path)
    print(f"{path}: {os.path.getsize(path)} bytes")


def clip_tiny(path):
    D, E, VOCAB_BUCKETS = 8, 16, 1024
    tok = rng.normal(0, 0.5, (VOCAB_BUCKETS, D)).astype(np.float32)
    pos = rng.normal(0, 0.1, (77, D)).astype(np.float32)
    text_proj = rng.normal(0, 0.5, (D, E)).astype(np.float32)
    patch = rng.normal(0, 0.05, (D, 3, 16, 16)).astype(np.float32)
    patch_b = rng.normal(0, 0.1, (D,)).astype(np.float32)
    vis_proj = rng.normal(0, 0.5, (D, E)).astype(np.float32)
    nodes = [
        # Text tower: hashed token embedding + position, masked, pooled at the first EOT (argmax id).
        helper.make_node("Mod", ["input_ids", "buckets"], ["ids_mod"]),
        helper.make_node("Gather", ["tok_emb", "ids_mod"], ["emb0"]),
        helper.make_node("Add", ["emb0", "pos_emb"], ["emb1"]),
        helper.make_node("Cast", ["attention_mask"], ["mask_f"], to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["mask_f", "axis2"], ["mask3"]),
        helper.make_node("Mul", ["emb1", "mask3"], ["emb2"]),
        helper.make_node("Tanh", ["emb2"], ["hidden"]),
        helper.make_node("ArgMax", ["input_ids"], ["eot"], axis=1, keepdims=1),
        helper.make_node("Unsqueeze", ["eot", "axis2"], ["eot3"]),
        helper.make_node("Expand", ["eot3", "expand_d"], ["eot_idx"]),
        helper.make_node("GatherElements", ["hidden", "eot_idx"], ["pooled3"], axis=1),
        helper.make_node("Squeeze", ["pooled3", "axis1"], ["pooled"]),
        helper.make_node("MatMul", ["pooled", "text_proj"], ["text_raw"]),
        helper.make_node("ReduceL2", ["text_raw"], ["text_norm"], axes=[-1], keepdims=1),
        helper.make_node("Div", ["text_raw", "text_norm"], ["text_embeds"]),
        # Vision tower: ViT-style patch embedding, mean pool, projection.
        helper.make_node("Conv", ["pixel_values", "patch_w", "patch_b"], ["patches"], kernel_shape=[16, 16],
                         strides=[16, 16]),
        helper.make_node("Relu", ["patches"], ["patches_r"]),
        helper.make_node("ReduceMean", ["patches_r"], ["vis_pooled"], axes=[2, 3], keepdims=0),
        helper.make_node("MatMul", ["vis_pooled", "vis_proj"], ["image_raw"]),
        helper.make_node("ReduceL2", ["image_raw"], ["image_norm"], axes=[-1], keepdims=1),
        helper.make_node("Div", ["image_raw", "image_norm"], ["image_embeds"]),
        # Logits as in CLIP: exp(logit_scale) × cosine.
        helper.make_node("Transpose", ["image_embeds"], ["image_t"], perm=[1, 0]),
        helper.make_node("MatMul", ["text_embeds", "image_t"], ["cos_ti"]),
        helper.make_node("Exp", ["logit_scale"], ["scale"]),
        helper.make_node("Mul", ["cos_ti", "scale"], ["logits_per_text"]),
        helper.make_node("Transpose", ["logits_per_text"], ["logits_per_image"], perm=[1, 0]),
    ]
    inits = [
        init("buckets", np.array(VOCAB_BUCKETS, dtype=np.int64)),
        init("tok_emb", tok), init("pos_emb", pos), init("text_proj", text_proj),
        init("axis1", np.array([1], dtype=np.int64)), init("axis2", np.array([2], dtype=np.int64)),
        init("expand_d", np.array([1, 1, D], dtype=np.int64)),
        init("patch_w", patch), init("patch_b", patch_b), init("vis_proj", vis_proj),
        init("logit_scale", np.array(np.log(100.0), dtype=np.float32)),
    ]
    graph = helper.make_graph(
        nodes, "clip_tiny",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["text_batch_size", 77]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["text_batch_size", 77]),
         helper.make_tensor_value_info("pixel_values", TensorProto.FLOAT, ["image_batch_size", 3, 224, 224])],
        [helper.make_tensor_value_info("logits_per_image", TensorProto.FLOAT, ["image_batch_size", "text_batch_size"]),
         helper.make_tensor_value_info("logits_per_text", TensorProto.FLOAT, ["text_batch_size", "image_batch_size"]),
         helper.make_tensor_value_info("text_embeds", TensorProto.FLOAT, ["text_batch_size", E]),
         helper.make_tensor_value_info("image_embeds", TensorProto.FLOAT, ["image_batch_size", E])],
        inits)
    finish(graph, path)


def u2net_tiny(path):
    C = 4
    w1 = rng.normal(0, 0.3, (C, 3, 3, 3)).astype(np.float32)
    b1 = rng.normal(0, 0.1, (C,)).astype(np.float32)
    w2 = rng.normal(0, 0.3, (1, C, 3, 3)).astype(np.float32)
    b2 = rng.normal(0, 0.1, (1,)).astype(np.float32)
    nodes = [
        helper.make_node("Conv", ["input.1", "w1", "b1"], ["h1"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["h1"], ["h1r"]),
        helper.make_node("Conv", ["h1r", "w2", "b2"], ["side0"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node("Sigmoid", ["side0"], ["d0"]),
    ]
    inits = [init("w1", w1), init("b1", b1), init("w2", w2), init("b2", b2)]
    outputs = [helper.make_tensor_value_info("d0", TensorProto.FLOAT, [1, 1, 320, 320])]
    for k in range(1, 7):
        # Side outputs: coarser views of the same map, as u2net's d1..d6 are.
        size = 320 // (2 ** k)
        nodes += [
            helper.make_node("AveragePool", ["side0"], [f"pool{k}"], kernel_shape=[2 ** k, 2 ** k],
                             strides=[2 ** k, 2 ** k]),
            helper.make_node("Resize", [f"pool{k}", "", f"scale{k}"], [f"up{k}"], mode="nearest"),
            helper.make_node("Sigmoid", [f"up{k}"], [f"d{k}"]),
        ]
        inits.append(init(f"scale{k}", np.array([1, 1, 2 ** k, 2 ** k], dtype=np.float32)))
        outputs.append(helper.make_tensor_value_info(f"d{k}", TensorProto.FLOAT, [1, 1, 320, 320]))
        assert size * 2 ** k == 320
    graph = helper.make_graph(
        nodes, "u2net_tiny",
        [helper.make_tensor_value_info("input.1", TensorProto.FLOAT, [1, 3, 320, 320])], outputs, inits)
    finish(graph, path)


def mlp_external(path):
    w1 = rng.normal(0, 0.3, (16, 32)).astype(np.float32)
    b1 = rng.normal(0, 0.1, (32,)).astype(np.float32)
    w2 = rng.normal(0, 0.3, (32, 4)).astype(np.float32)
    nodes = [
        helper.make_node("MatMul", ["x", "w1"], ["h"]),
        helper.make_node("Add", ["h", "b1"], ["hb"]),
        helper.make_node("Relu", ["hb"], ["hr"]),
        helper.make_node("MatMul", ["hr", "w2"], ["y"]),
    ]
    graph = helper.make_graph(
        nodes, "mlp_external",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 16])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 4])],
        [init("w1", w1), init("b1", b1), init("w2", w2)])
    finish(graph, path, external=os.path.basename(path) + "_data")


def dtypes_fp16(path):
    w = rng.normal(0, 0.5, (8, 4)).astype(np.float16)
    b = rng.normal(0, 0.1, (4,)).astype(np.float16)
    nodes = [
        helper.make_node("MatMul", ["x", "w"], ["xw"]),
        helper.make_node("Add", ["xw", "b"], ["y"]),
        helper.make_node("Cast", ["y"], ["y32"], to=TensorProto.FLOAT),
        helper.make_node("Mul", ["ids", "two"], ["ids2"]),
    ]
    graph = helper.make_graph(
        nodes, "dtypes_fp16",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT16, ["N", 8]),
         helper.make_tensor_value_info("ids", TensorProto.INT64, ["N"])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT16, ["N", 4]),
         helper.make_tensor_value_info("y32", TensorProto.FLOAT, ["N", 4]),
         helper.make_tensor_value_info("ids2", TensorProto.INT64, ["N"])],
        [init("w", w), init("b", b), init("two", np.array(2, dtype=np.int64))])
    finish(graph, path)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "XPasteInferenceTests", "Resources", "models")
    os.makedirs(out, exist_ok=True)
    clip_tiny(os.path.join(out, "clip_tiny.onnx"))
    u2net_tiny(os.path.join(out, "u2net_tiny.onnx"))
    mlp_external(os.path.join(out, "mlp_external.onnx"))
    dtypes_fp16(os.path.join(out, "dtypes_fp16.onnx"))


if __name__ == "__main__":
    main()
