#!/usr/bin/python3
"""conv_shapes_int8.py EDGEC WORK_DIR [TARGET]

The int8 convolution, depthwise and elementwise kernels over the shapes that
take their different paths, above all Helium's (cortex-m55):
- conv2d_s8_hwc (rows held channels last, no im2col): input channels not a
  multiple of 8 (the predicated scatter of a row's tail), an odd output
  width and an odd channel count (the 2x1 and 1x2 blocks), stride 2,
  asymmetric padding, a 5x3 window, a strided 1x1 layer, two images, a
  narrowed activation range, channels that requantize with a left shift
  beside channels that shift right;
- depthwise_s8 on four lanes: rows of fewer than four pixels (predicated), of
  five (the last group stepping back over the first), of 16 and more (whole
  chunks then a rest), stride 2 and 3 (gathers), dilation 2;
- add / sub / mul / max / min on four lanes: lengths that are not a multiple
  of four, broadcast rows;
- an average pool over whole planes (one contiguous run per plane, 16 bytes
  per VADDVA on Helium).
Each model is compiled with --quantize int8 for TARGET (x86-64 by default)
and run with `edgec verify`: the generated integers must equal the
evaluator's. On cortex-m55 each case must run the kernel it is written for
(report.json), so these shapes test that kernel, not a fallback.
"""
import os
import sys
import zlib

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from e2e_common import compiled_kernels, verify

HWC, DW, DENSE = "conv2d_s8_hwc_blocked", "depthwise_s8_blocked", "conv2d_s8_blocked"


def conv_case(name, shape, m, k, stride=1, pads=None, group=1, dilation=1, clip=None,
              want=None, wscale=None):
    """A Conv of M filters of size k = (kh, kw) over an input of `shape`;
    filter j scaled by wscale[j % len(wscale)]."""
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    c = shape[1]
    kh, kw = k
    w = rng.normal(0, 1 / np.sqrt(c // group * kh * kw), (m, c // group, kh, kw))
    if wscale:
        w *= np.resize(np.array(wscale), m)[:, None, None, None]
    inits = [numpy_helper.from_array(w.astype(np.float32), "W"),
             numpy_helper.from_array(rng.normal(0, 0.3, m).astype(np.float32), "B")]
    pads = pads or [kh // 2 * dilation, kw // 2 * dilation] * 2
    conv = helper.make_node("Conv", ["X", "W", "B"], ["C" if clip else "Y"], name=f"{name}_conv",
                            kernel_shape=[kh, kw], strides=[stride, stride], pads=pads,
                            group=group, dilations=[dilation, dilation])
    nodes = [conv]
    if clip:
        inits += [numpy_helper.from_array(np.array(v, np.float32), n)
                  for v, n in zip(clip, ["lo", "hi"])]
        nodes.append(helper.make_node("Clip", ["C", "lo", "hi"], ["Y"], name=f"{name}_clip"))
    oh = (shape[2] + pads[0] + pads[2] - dilation * (kh - 1) - 1) // stride + 1
    ow = (shape[3] + pads[1] + pads[3] - dilation * (kw - 1) - 1) // stride + 1
    x = (rng.uniform(-1, 1, shape) + 0.3).astype(np.float32)
    return model(name, nodes, inits, [("X", shape)], [shape[0], m, oh, ow]), [x], want


def binary_case(name, op, a_shape, b_shape):
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    nodes = [helper.make_node(op, ["A", "B"], ["Y"], name=f"{name}_{op.lower()}")]
    out = list(np.broadcast_shapes(tuple(a_shape), tuple(b_shape)))
    a = (rng.uniform(-1, 1, a_shape) + 0.2).astype(np.float32)
    b = rng.uniform(-2, 1, b_shape).astype(np.float32)
    return model(name, nodes, [], [("A", a_shape), ("B", b_shape)], out), [a, b], "binary_s8"


def pool_case(name, shape):
    """An AveragePool whose one window is the whole plane (the contiguous-run
    path)."""
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    nodes = [helper.make_node("AveragePool", ["X"], ["Y"], name=f"{name}_pool",
                              kernel_shape=shape[2:])]
    x = (rng.uniform(-1, 1, shape) + 0.3).astype(np.float32)
    return model(name, nodes, [], [("X", shape)], shape[:2] + [1, 1]), [x], "avg_pool2d_s8"


def model(name, nodes, inits, inputs, out_shape):
    graph = helper.make_graph(
        nodes, name, [helper.make_tensor_value_info(n, TensorProto.FLOAT, s) for n, s in inputs],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, out_shape)], inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                          producer_name="edgec test/e2e/conv_shapes_int8.py")
    onnx.checker.check_model(m)
    return m


CASES = [
    ("hwc_c16_m8", *conv_case("hwc_c16_m8", [1, 16, 8, 8], 8, (3, 3), want=HWC)),
    ("hwc_c12_m7_s2", *conv_case("hwc_c12_m7_s2", [1, 12, 9, 9], 7, (3, 3), stride=2, want=HWC)),
    ("hwc_c20_m5_k5x3", *conv_case("hwc_c20_m5_k5x3", [1, 20, 7, 11], 5, (5, 3),
                                   pads=[2, 1, 0, 1], want=HWC)),
    ("hwc_c16_m6_1x1_s2", *conv_case("hwc_c16_m6_1x1_s2", [1, 16, 8, 8], 6, (1, 1), stride=2,
                                     pads=[0, 0, 0, 0], want=HWC)),
    ("hwc_c8_m4_k3x2_batch2", *conv_case("hwc_c8_m4_k3x2_batch2", [2, 8, 6, 5], 4, (3, 2),
                                         pads=[1, 0, 1, 1], want=HWC)),
    ("hwc_c16_m4_clip", *conv_case("hwc_c16_m4_clip", [1, 16, 6, 6], 4, (3, 3),
                                   clip=(0.0, 0.5), want=HWC)),
    # Filters 30x larger than the narrow output range allows: their channels
    # requantize with a left shift, beside channels that shift right (the
    # four lanes of one output stage then take both paths).
    ("hwc_c16_m6_left_shift", *conv_case("hwc_c16_m6_left_shift", [1, 16, 6, 6], 6, (3, 3),
                                         clip=(0.0, 0.05), wscale=[30, 0.02, 1], want=HWC)),
    ("dw_c4_left_shift", *conv_case("dw_c4_left_shift", [1, 4, 6, 6], 4, (3, 3), group=4,
                                    clip=(0.0, 0.05), wscale=[40, 0.02], want=DW)),
    ("dense_c16_dilated", *conv_case("dense_c16_dilated", [1, 16, 8, 8], 4, (3, 3), dilation=2,
                                     want=DENSE)),
    ("dw_c5_3x3_w3", *conv_case("dw_c5_3x3_w3", [1, 5, 3, 3], 5, (3, 3), group=5, want=DW)),
    ("dw_c4_3x3_w5", *conv_case("dw_c4_3x3_w5", [1, 4, 5, 5], 4, (3, 3), group=4, want=DW)),
    ("dw_c3_3x3_s2_w19", *conv_case("dw_c3_3x3_s2_w19", [1, 3, 9, 37], 3, (3, 3), stride=2,
                                    group=3, want=DW)),
    ("dw_c2_5x5_d2_w16", *conv_case("dw_c2_5x5_d2_w16", [1, 2, 20, 20], 2, (5, 5), group=2,
                                    dilation=2, want=DW)),
    ("dw_c3_3x3_s3_w4", *conv_case("dw_c3_3x3_s3_w4", [1, 3, 13, 14], 3, (3, 3), stride=3,
                                   group=3, pads=[0, 0, 0, 0], want=DW)),
    ("dw_c2_3x3_w35", *conv_case("dw_c2_3x3_w35", [1, 2, 4, 35], 2, (3, 3), group=2,
                                 clip=(0.0, 6.0), want=DW)),
    ("avg_whole_3x7", *pool_case("avg_whole_3x7", [1, 5, 3, 7])),
    ("avg_whole_25x5", *pool_case("avg_whole_25x5", [1, 3, 25, 5])),
    ("add_105", *binary_case("add_105", "Add", [1, 3, 5, 7], [1, 3, 5, 7])),
    ("sub_rows", *binary_case("sub_rows", "Sub", [1, 4, 3, 7], [1, 4, 1, 7])),
    ("mul_30", *binary_case("mul_30", "Mul", [2, 15], [2, 15])),
    ("max_rows", *binary_case("max_rows", "Max", [3, 6, 9], [1, 6, 9])),
    ("min_13", *binary_case("min_13", "Min", [13], [13])),
]


def main():
    edgec, work = sys.argv[1], sys.argv[2]
    target = sys.argv[3] if len(sys.argv) > 3 else "x86-64"
    os.makedirs(work, exist_ok=True)
    failures = []
    for name, m, inputs, want in CASES:
        path = os.path.join(work, f"{name}.onnx")
        onnx.save(m, path)
        paths = []
        for i, x in enumerate(inputs):
            paths.append(os.path.join(work, f"{name}.input{i}.npy"))
            np.save(paths[-1], x)
        flags = ["--quantize", "int8", "--calibration", paths[0]] if len(paths) == 1 else \
            ["--quantize", "int8", "--calibration", "random"]
        layers, problem = compiled_kernels(edgec, path, target, os.path.join(work, f"{name}-gen"),
                                           flags)
        if problem:
            failures.append(f"{name}: {problem}")
            continue
        kernels = [k for _, k in layers]
        if target == "cortex-m55" and want not in kernels:
            failures.append(f"{name}: ran {kernels} on {target}, expected {want}")
        problem = verify(edgec, path, target, paths, flags)
        if problem:
            failures.append(f"{name}: {problem}")
        else:
            print(f"{name}: bit-exact on {target} ({', '.join(kernels)})")
    if failures:
        print("\n".join(failures))
        sys.exit(1)
    print(f"{len(CASES)} int8 convolution and elementwise shapes bit-exact on {target}")


if __name__ == "__main__":
    main()
