#!/usr/bin/python3
"""pool3d.py EDGEC WORK_DIR: 3-D MaxPool and AveragePool (which edgec runs as
two 2-D pools) against a brute-force numpy pooling written from ONNX's
definition: padding, strides, dilations, ceil_mode, and both settings of
count_include_pad. Generated code under ASan/UBSan and the evaluator.
"""
import itertools
import math
import os
import sys

import numpy as np

import onnx_cases

edgec, work = sys.argv[1], os.path.join(sys.argv[2], "pool3d")
os.makedirs(work, exist_ok=True)
rng = np.random.default_rng(3)


def out_len(n, k, s, pb, pe, d, ceil):
    eff = (k - 1) * d + 1
    span = n + pb + pe - eff
    o = (math.ceil(span / s) if ceil else span // s) + 1
    if ceil and (o - 1) * s >= n + pb:  # a last window starting in the end padding is dropped
        o -= 1
    return o


def reference(x, op, k, s, p, d, ceil, include_pad):
    n, c = x.shape[:2]
    sizes = x.shape[2:]
    outs = [out_len(sizes[a], k[a], s[a], p[a], p[a + 3], d[a], ceil) for a in range(3)]
    y = np.zeros((n, c, *outs), np.float64)
    for o in itertools.product(*[range(v) for v in outs]):
        taps = [[o[a] * s[a] - p[a] + t * d[a] for t in range(k[a])] for a in range(3)]
        valid = [[q for q in taps[a] if 0 <= q < sizes[a]] for a in range(3)]
        if op == "MaxPool":
            block = x[:, :, valid[0]][:, :, :, valid[1]][:, :, :, :, valid[2]]
            y[(slice(None), slice(None), *o)] = block.max(axis=(2, 3, 4))
        else:
            block = x[:, :, valid[0]][:, :, :, valid[1]][:, :, :, :, valid[2]]
            if include_pad:
                count = np.prod([len([q for q in taps[a] if -p[a] <= q < sizes[a] + p[a + 3]])
                                 for a in range(3)])
            else:
                count = block.shape[2] * block.shape[3] * block.shape[4]
            y[(slice(None), slice(None), *o)] = block.sum(axis=(2, 3, 4)) / count
    return y.astype(np.float32)


cases = [
    ("max_pads_strides", "MaxPool", [2, 3, 2], [2, 1, 2], [1, 0, 1, 0, 1, 1], [1, 1, 1], 0, 0),
    ("max_dilated_ceil", "MaxPool", [2, 2, 3], [2, 2, 1], [0, 1, 0, 1, 0, 1], [2, 1, 1], 1, 0),
    ("avg_exclude_pad_ceil", "AveragePool", [3, 2, 2], [2, 2, 2], [1, 1, 0, 0, 1, 1], [1, 1, 1], 1, 0),
    ("avg_include_pad", "AveragePool", [2, 3, 3], [1, 2, 2], [1, 1, 1, 1, 1, 1], [1, 1, 1], 0, 1),
    ("avg_include_pad_ceil_dilated", "AveragePool", [2, 2, 2], [2, 2, 1], [1, 0, 1, 1, 1, 0],
     [1, 2, 1], 1, 1),
]
ok = True
for name, op, k, s, p, d, ceil, include in cases:
    x = rng.uniform(-1, 1, (1, 2, 5, 6, 7)).astype(np.float32)
    want = reference(x, op, k, s, p, d, ceil, include)
    attrs = {"kernel_shape": k, "strides": s, "pads": p, "ceil_mode": ceil}
    if op == "AveragePool":
        attrs["count_include_pad"] = include
    if d != [1, 1, 1]:
        attrs["dilations"] = d
    path = onnx_cases.model(work, name, op, [("x", x)], [], ["x"], attrs, list(want.shape), 19)
    ok &= onnx_cases.check(edgec, work, name, path, [("x", x)], want, rtol=1e-5, atol=1e-6)
sys.exit(0 if ok else 1)
