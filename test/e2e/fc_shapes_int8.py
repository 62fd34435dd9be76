#!/usr/bin/python3
"""fc_shapes_int8.py EDGEC WORK_DIR [TARGET]

The int8 fully-connected kernels over the shapes that take their different
paths: K a multiple of 16, of 8, of 4 only, or not of 4 (where Cortex-M's
paired kernel gives way to the blocked one), N with every remainder modulo 4
(blocks of four rows, a last pair, a last odd row), one or several rows of A,
weights at the ends of the int8 range, no bias, a Relu after. Each model is
compiled with --quantize int8 for TARGET (x86-64 by default) and run with
`edgec verify`: the generated integers must equal the evaluator's. On the
Armv7E-M DSP targets every case with K a multiple of 4 must run
fc_s8_dsp_paired (report.json), so these shapes test that kernel, not a
fallback.
"""
import os
import sys
import zlib

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from e2e_common import compiled_kernels, verify

DSP_TARGETS = ("cortex-m4", "cortex-m7")


def case(name, m, k, n, bias=True, relu=False, extremes=False):
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    w = rng.normal(0, 1 / np.sqrt(k), (n, k)).astype(np.float32)
    if extremes:
        # Every row reaches both ends of its scale: after symmetric per-channel
        # quantization its weights include -127 and 127.
        w[:, 0] = np.abs(w).max(axis=1)
        w[:, -1] = -w[:, 0]
    inits = [numpy_helper.from_array(w, "W")]
    inputs = ["X", "W"]
    if bias:
        inits.append(numpy_helper.from_array(rng.normal(0, 0.3, n).astype(np.float32), "B"))
        inputs.append("B")
    nodes = [helper.make_node("Gemm", inputs, ["T" if relu else "Y"], name=f"{name}_fc", transB=1)]
    if relu:
        nodes.append(helper.make_node("Relu", ["T"], ["Y"], name=f"{name}_relu"))
    graph = helper.make_graph(
        nodes, name, [helper.make_tensor_value_info("X", TensorProto.FLOAT, [m, k])],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [m, n])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                              producer_name="edgec test/e2e/fc_shapes_int8.py")
    onnx.checker.check_model(model)
    # Inputs with an offset, so that the input zero point is not 0.
    x = (rng.uniform(-1, 1, (m, k)) + 0.4).astype(np.float32)
    return name, model, x, k % 4 == 0


CASES = [
    case("k4_n1", 1, 4, 1),
    case("k4_n2", 1, 4, 2),
    case("k8_n3", 1, 8, 3, relu=True),
    case("k12_n5", 1, 12, 5),
    case("k16_n6_no_bias", 1, 16, 6, bias=False),
    case("k20_n7", 1, 20, 7, extremes=True),
    case("k36_n9_batch3", 3, 36, 9),
    case("k64_n10", 1, 64, 10, extremes=True),
    case("k132_n11_batch2", 2, 132, 11, relu=True),
    case("k640_n13", 1, 640, 13),
    case("k7_n5", 1, 7, 5),
    case("k30_n6_batch2", 2, 30, 6),
    # Large enough for rv32imac's four-row block (>= 4,096 MACs through it),
    # with N and K leaving remainders and several rows of A.
    case("k515_n9_batch3", 3, 515, 9),
    case("k520_n10_batch2", 2, 520, 10, relu=True),
]


def main():
    edgec, work = sys.argv[1], sys.argv[2]
    target = sys.argv[3] if len(sys.argv) > 3 else "x86-64"
    os.makedirs(work, exist_ok=True)
    failures = []
    for name, model, x, paired in CASES:
        path = os.path.join(work, f"{name}.onnx")
        onnx.save(model, path)
        inp = os.path.join(work, f"{name}.input.npy")
        np.save(inp, x)
        flags = ["--quantize", "int8", "--calibration", inp]
        layers, problem = compiled_kernels(edgec, path, target, os.path.join(work, f"{name}-gen"),
                                           flags)
        if problem:
            failures.append(f"{name}: {problem}")
            continue
        kernels = [k for op, k in layers if op == "gemm"]
        want = "fc_s8_dsp_paired" if paired else "fc_s8_dsp_blocked"
        if target in DSP_TARGETS and kernels != [want]:
            failures.append(f"{name}: ran {kernels} on {target}, expected [{want}]")
        problem = verify(edgec, path, target, [inp], flags)
        if problem:
            failures.append(f"{name}: {problem}")
        else:
            print(f"{name}: bit-exact on {target} ({', '.join(kernels)})")
    if failures:
        print("\n".join(failures))
        sys.exit(1)
    print(f"{len(CASES)} int8 fully-connected shapes bit-exact on {target}")


if __name__ == "__main__":
    main()
