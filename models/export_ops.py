#!/usr/bin/python3
"""int8_ops: a small network built from the ops real models use around their
convolutions, which edgec's int8 path must run in integers (issue 19).

Run with Debian's Python (python3-numpy, python3-onnx; no torch):
    /usr/bin/python3 models/export_ops.py [--out models]

The graph, written node by node with onnx.helper (opset 13):
    Conv 3x3 -> Max(., -0.5) -> Min(., 1.5) -> Mul(., 0.75) -> Div(., 2.5)
    -> Mul(., per-channel gains) -> hard-swish as TF and older exporters write
    it, x * Clip(x + 3, 0, 6) / 6 -> Max(., the Max above) -> ReduceMean over
    H, W -> Gemm
Weights are seeded normals (untrained); the reference output is computed
here with NumPy in float64, independently of edgec, on a seeded input.

Writes int8_ops.onnx, int8_ops.input.npy, int8_ops.output.npy and the
manifest entry, leaving every other model untouched.
"""
import argparse
import json
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

SEED = 20261205


def build(rng):
    w = {
        "w1": rng.normal(0, 0.4, (8, 3, 3, 3)), "b1": rng.normal(0, 0.1, 8),
        "lo": [-0.5], "hi": [1.5], "gain": [0.75], "divisor": [2.5],
        "chan": rng.uniform(0.5, 1.5, (1, 8, 1, 1)), "three": [3.0], "zero": [0.0],
        "six": [6.0], "wf": rng.normal(0, 0.3, (5, 8)), "bf": rng.normal(0, 0.1, 5),
    }
    w = {k: np.asarray(v, np.float32) for k, v in w.items()}
    node = helper.make_node
    nodes = [
        node("Conv", ["x", "w1", "b1"], ["c1"], pads=[1, 1, 1, 1], name="conv"),
        node("Max", ["c1", "lo"], ["m1"], name="max_const"),
        node("Min", ["m1", "hi"], ["m2"], name="min_const"),
        node("Mul", ["m2", "gain"], ["m3"], name="mul_const"),
        node("Div", ["m3", "divisor"], ["m4"], name="div_const"),
        node("Mul", ["m4", "chan"], ["m5"], name="mul_channels"),
        node("Add", ["m5", "three"], ["h1"], name="hswish_add"),
        node("Clip", ["h1", "zero", "six"], ["h2"], name="hswish_relu6"),
        node("Mul", ["m5", "h2"], ["h3"], name="hswish_mul"),
        node("Div", ["h3", "six"], ["h4"], name="hswish_div"),
        node("Max", ["h4", "m1"], ["mx"], name="max_tensors"),
        node("ReduceMean", ["mx"], ["mean"], axes=[2, 3], keepdims=0, name="mean"),
        node("Gemm", ["mean", "wf", "bf"], ["y"], transB=1, name="fc"),
    ]
    graph = helper.make_graph(
        nodes, "int8_ops", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 5])],
        [numpy_helper.from_array(v, k) for k, v in w.items()])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                              producer_name="edgec models/export_ops.py")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model, w


def reference(x, w):
    """The graph above in float64 NumPy."""
    w = {k: v.astype(np.float64) for k, v in w.items()}
    xp = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (1, 1), (1, 1)))
    c1 = np.zeros((1, 8, 8, 8))
    for i in range(8):
        for j in range(8):
            c1[0, :, i, j] = np.tensordot(w["w1"], xp[0, :, i:i + 3, j:j + 3], axes=3)
    c1 += w["b1"][None, :, None, None]
    m1 = np.maximum(c1, -0.5)
    m5 = np.minimum(m1, 1.5) * 0.75 / 2.5 * w["chan"]
    h4 = m5 * np.clip(m5 + 3, 0, 6) / 6
    mean = np.maximum(h4, m1).mean(axis=(2, 3))
    return (mean @ w["wf"].T + w["bf"]).astype(np.float32)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    args = ap.parse_args()
    rng = np.random.default_rng(SEED)
    model, w = build(rng)
    # In [-1, 1): the range `--calibration random` covers (the e2e int8 tests).
    x = rng.uniform(-1, 1, (1, 3, 8, 8)).astype(np.float32)
    onnx.save(model, os.path.join(args.out, "int8_ops.onnx"))
    np.save(os.path.join(args.out, "int8_ops.input.npy"), x)
    np.save(os.path.join(args.out, "int8_ops.output.npy"), reference(x, w))
    path = os.path.join(args.out, "MANIFEST.json")
    with open(path) as f:
        manifest = json.load(f)
    manifest["models"]["int8_ops"] = {
        "input_shape": [1, 3, 8, 8], "trained": False,
        "generator": "models/export_ops.py (onnx.helper, NumPy reference output)",
    }
    with open(path, "w") as f:
        json.dump(manifest, f, indent=2, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
