#!/usr/bin/python3
"""concat_slices.py EDGEC WORK_DIR [TARGET]

Concatenations whose inputs' producers write straight into their slices of
the result (memory::concatInSlices): SqueezeNet's fire module (a 1x1 and a
3x3 expand layer concatenated along channels), a three-way concatenation
whose middle input is also read on its own, and one of flattened heads
(axis 1 of [1, N]). Each model is compiled in float and with --quantize int8
for TARGET (x86-64 by default): the generated code must copy nothing for
the fire module's and the heads' concatenations (the layer comment says so;
in int8 a result only the concatenation reads takes its parameters, so no
part needs requantizing), and `edgec verify` must find the outputs equal to
the evaluator's (int8: bit-exact). The three-way concatenation is in slices
or copied, whichever plans the smaller arena (in float on cortex-m4 the 3x3
layers' scratch beside the first slices makes the copy smaller): either way
its outputs must be right.
"""
import os
import subprocess
import sys
import zlib

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from e2e_common import verify

NOTE = "no copy: the producers of its inputs wrote them into their slices"


def conv(rng, name, x, y, cin, cout, k, inits, nodes, relu=True):
    w = rng.normal(0, 1 / np.sqrt(cin * k * k), (cout, cin, k, k)).astype(np.float32)
    b = rng.normal(0, 0.2, cout).astype(np.float32)
    inits += [numpy_helper.from_array(w, f"{name}_w"), numpy_helper.from_array(b, f"{name}_b")]
    out = f"{name}_c" if relu else y
    nodes.append(helper.make_node("Conv", [x, f"{name}_w", f"{name}_b"], [out], name=name,
                                  kernel_shape=[k, k], pads=[k // 2] * 4))
    if relu:
        nodes.append(helper.make_node("Relu", [out], [y], name=f"{name}_relu"))


def fire(name):
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    inits, nodes = [], []
    conv(rng, "squeeze", "X", "s", 8, 4, 1, inits, nodes)
    conv(rng, "expand1", "s", "e1", 4, 8, 1, inits, nodes)
    conv(rng, "expand3", "s", "e3", 4, 8, 3, inits, nodes)
    nodes.append(helper.make_node("Concat", ["e1", "e3"], ["cat"], name="fire_concat", axis=1))
    conv(rng, "head", "cat", "Y", 16, 4, 1, inits, nodes, relu=False)
    return nodes, inits, [1, 8, 12, 12], [1, 4, 12, 12], rng


def three_way(name):
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    inits, nodes = [], []
    conv(rng, "a", "X", "pa", 4, 4, 3, inits, nodes)
    conv(rng, "b", "X", "pb", 4, 4, 1, inits, nodes)
    conv(rng, "c", "X", "pc", 4, 4, 3, inits, nodes)
    nodes.append(helper.make_node("Concat", ["pa", "pb", "pc"], ["cat"], name="three_concat",
                                  axis=1))
    conv(rng, "mix", "cat", "m", 12, 4, 1, inits, nodes)
    conv(rng, "side", "pb", "sd", 4, 4, 1, inits, nodes)  # the middle slice read on its own
    nodes.append(helper.make_node("Add", ["m", "sd"], ["Y"], name="join"))
    return nodes, inits, [1, 4, 8, 8], [1, 4, 8, 8], rng


def heads(name):
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    inits, nodes = [], []
    for i, n in enumerate([16, 32]):
        w = rng.normal(0, 0.3, (n, 24)).astype(np.float32)
        inits.append(numpy_helper.from_array(w, f"h{i}_w"))
        nodes.append(helper.make_node("Gemm", ["X", f"h{i}_w"], [f"h{i}"], name=f"head{i}",
                                      transB=1))
    nodes.append(helper.make_node("Concat", ["h0", "h1"], ["cat"], name="heads_concat", axis=1))
    w = rng.normal(0, 0.2, (5, 48)).astype(np.float32)
    inits.append(numpy_helper.from_array(w, "out_w"))
    nodes.append(helper.make_node("Gemm", ["cat", "out_w"], ["Y"], name="out", transB=1))
    return nodes, inits, [1, 24], [1, 5], rng


def main():
    edgec, work = sys.argv[1], sys.argv[2]
    target = sys.argv[3] if len(sys.argv) > 3 else "x86-64"
    os.makedirs(work, exist_ok=True)
    failures = []
    for make in (fire, three_way, heads):
        name = make.__name__
        nodes, inits, xs, ys, rng = make(name)
        graph = helper.make_graph(nodes, name,
                                  [helper.make_tensor_value_info("X", TensorProto.FLOAT, xs)],
                                  [helper.make_tensor_value_info("Y", TensorProto.FLOAT, ys)],
                                  inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
        model.ir_version = 8
        path = os.path.join(work, f"{name}.onnx")
        onnx.save(model, path)
        xp = os.path.join(work, f"{name}.input.npy")
        np.save(xp, rng.uniform(-1, 1, xs).astype(np.float32))
        for mode, flags in [("float", []), ("int8", ["--quantize", "int8", "--calibration", xp])]:
            out = os.path.join(work, f"{name}-{mode}")
            r = subprocess.run([edgec, "compile", path, "-t", target, "-o", out] + flags,
                               capture_output=True, text=True)
            if r.returncode != 0:
                failures.append(f"{name} {mode}: compile failed:\n{r.stdout}{r.stderr}")
                continue
            with open(os.path.join(out, f"{name}.cpp")) as f:
                sliced = NOTE in f.read()
            if not sliced and name != "three_way":
                failures.append(f"{name} {mode}: the concatenation is copied")
                continue
            problem = verify(edgec, path, target, [xp], flags)
            if problem:
                failures.append(f"{name} {mode}: {problem}")
            else:
                how = "in place" if sliced else "by a copy (the smaller arena)"
                print(f"{name} {mode}: concatenated {how}, outputs as the evaluator's on {target}")
    if failures:
        print("\n".join(failures))
        sys.exit(1)
    print(f"3 concatenations in float and int8 as the evaluator's on {target}")


if __name__ == "__main__":
    main()
