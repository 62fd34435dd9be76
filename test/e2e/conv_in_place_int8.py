#!/usr/bin/python3
"""conv_in_place_int8.py EDGEC WORK_DIR [TARGET]

int8 convolutions that the SMLAD kernel (conv2d_s8_dsp) runs over their own
input through a ring of delayed outputs: a pointwise layer from the graph
input, then the layer under test over its output (which dies there), then a
pointwise layer to the graph output. The geometries take the ring's
different paths: pad_top 0, 1 and 2 (D = pad_top * W + pad_left from 0 to
2 * W + 1), a dilated and a 5x5 window, asymmetric padding, fewer output than
input channels, an odd output channel count (the filter after the pairs), an
odd pixel count (the last pixel alone) and pixel counts that are not a
multiple of four (the ring's last outputs one by one), filter rows that are
not a multiple of four taps, a one-row image.

Each model is compiled with --quantize int8 for TARGET (cortex-m4 by
default): the layer under test must run conv2d_s8_dsp at its input's arena
offset (report.json), and `edgec verify` must find the generated integers
equal to the evaluator's.
"""
import json
import os
import subprocess
import sys
import zlib

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from e2e_common import verify

# name, (C, H, W), output channels, (kh, kw), pads [top, left, bottom, right], dilation
CASES = [
    ("k3_even", (16, 8, 8), 16, (3, 3), [1, 1, 1, 1], 1),
    ("k3_fewer_out_odd_w", (12, 7, 9), 8, (3, 3), [1, 1, 1, 1], 1),
    ("k5_odd_out", (6, 6, 6), 5, (5, 5), [2, 2, 2, 2], 1),
    ("k3_dilated", (8, 10, 10), 8, (3, 3), [2, 2, 2, 2], 2),
    ("k3_top0", (6, 5, 7), 6, (3, 3), [0, 0, 2, 2], 1),
    ("k3_top2", (7, 6, 5), 3, (3, 3), [2, 1, 0, 1], 1),
    ("k1x3_row", (8, 1, 17), 7, (1, 3), [0, 1, 0, 1], 1),
    ("k3_wide", (4, 5, 32), 4, (3, 3), [1, 1, 1, 1], 1),
]


def model(name, chw, m, k, pads, dilation):
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    c, h, w = chw
    kh, kw = k

    def weight(o, i, a, b):
        return rng.normal(0, 1 / np.sqrt(i * a * b), (o, i, a, b)).astype(np.float32)

    inits = [numpy_helper.from_array(weight(c, c, 1, 1), "W0"),
             numpy_helper.from_array(rng.normal(0, 0.2, c).astype(np.float32), "B0"),
             numpy_helper.from_array(weight(m, c, kh, kw), "W1"),
             numpy_helper.from_array(rng.normal(0, 0.2, m).astype(np.float32), "B1"),
             numpy_helper.from_array(weight(3, m, 1, 1), "W2")]
    nodes = [
        helper.make_node("Conv", ["X", "W0", "B0"], ["A"], name=f"{name}_in", kernel_shape=[1, 1]),
        helper.make_node("Relu", ["A"], ["R"], name=f"{name}_relu"),
        helper.make_node("Conv", ["R", "W1", "B1"], ["T"], name=f"{name}_ring",
                         kernel_shape=[kh, kw], pads=pads, dilations=[dilation, dilation]),
        helper.make_node("Conv", ["T", "W2"], ["Y"], name=f"{name}_out", kernel_shape=[1, 1]),
    ]
    graph = helper.make_graph(
        nodes, name, [helper.make_tensor_value_info("X", TensorProto.FLOAT, [1, c, h, w])],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [1, 3, h, w])], inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 8
    x = rng.uniform(-1, 1, (1, c, h, w)).astype(np.float32)
    return m, x


def main():
    edgec, work = sys.argv[1], sys.argv[2]
    target = sys.argv[3] if len(sys.argv) > 3 else "cortex-m4"
    os.makedirs(work, exist_ok=True)
    failures = []
    for name, chw, m, k, pads, dilation in CASES:
        onnx_model, x = model(name, chw, m, k, pads, dilation)
        path = os.path.join(work, f"{name}.onnx")
        onnx.save(onnx_model, path)
        xp = os.path.join(work, f"{name}.input.npy")
        np.save(xp, x)
        flags = ["--quantize", "int8", "--calibration", xp]
        out = os.path.join(work, f"{name}-gen")
        r = subprocess.run([edgec, "compile", path, "-t", target, "-o", out] + flags,
                           capture_output=True, text=True)
        if r.returncode != 0:
            failures.append(f"{name}: compile failed:\n{r.stdout}{r.stderr}")
            continue
        with open(os.path.join(out, "report.json")) as f:
            layers = {l["node"]: l for l in json.load(f)["layers"]}
        src, ring = layers[f"{name}_in"], layers[f"{name}_ring"]
        if ring["kernel"] != "conv2d_s8_dsp" or ring["arena_offset"] != src["arena_offset"]:
            failures.append(f"{name}: the layer ran {ring['kernel']} at arena offset "
                            f"{ring['arena_offset']}, its input is at {src['arena_offset']}: "
                            "not conv2d_s8_dsp in place")
            continue
        problem = verify(edgec, path, target, [xp], flags)
        if problem:
            failures.append(f"{name}: {problem}")
        else:
            print(f"{name}: in place, bit-exact on {target}")
    if failures:
        print("\n".join(failures))
        sys.exit(1)
    print(f"{len(CASES)} convolutions run in place through the ring, bit-exact on {target}")


if __name__ == "__main__":
    main()
