#!/usr/bin/python3
"""einsum.py EDGEC WORK_DIR: Einsum forms beyond the node tests against
numpy.einsum: ellipses that broadcast, diagonals and traces (a letter
repeated in one term), implicit outputs, a scalar result. Generated code
under ASan/UBSan and the evaluator.
"""
import os
import sys

import numpy as np

import onnx_cases

edgec, work = sys.argv[1], os.path.join(sys.argv[2], "einsum")
os.makedirs(work, exist_ok=True)
rng = np.random.default_rng(5)
cases = [
    ("batched_broadcast", "...ij,...jk->...ik", [(2, 1, 3, 4), (5, 4, 2)]),
    ("diagonal_batch", "bii->bi", [(3, 4, 4)]),
    ("trace", "ii", [(5, 5)]),
    ("ellipsis_diagonal", "...ii->...i", [(2, 3, 4, 4)]),
    ("implicit_matmul", "ij,jk", [(3, 4), (4, 2)]),
    ("dot", "i,i->", [(6,), (6,)]),
    ("outer_transpose", "i,j->ji", [(3,), (4,)]),
    ("attention_scores", "bhqd,bhkd->bhqk", [(1, 2, 3, 4), (1, 2, 5, 4)]),
]
ok = True
for name, eq, shapes in cases:
    xs = [rng.uniform(-1, 1, s).astype(np.float32) for s in shapes]
    want = np.asarray(np.einsum(eq, *xs), np.float32)
    inputs = [(f"x{k}", x) for k, x in enumerate(xs)]
    path = onnx_cases.model(work, name, "Einsum", inputs, [], [n for n, _ in inputs],
                            {"equation": eq}, list(want.shape), 13)
    ok &= onnx_cases.check(edgec, work, name, path, inputs, want)
sys.exit(0 if ok else 1)
