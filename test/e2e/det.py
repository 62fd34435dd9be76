#!/usr/bin/python3
"""det.py EDGEC WORK_DIR: Det against numpy.linalg.det on matrices the node
tests do not reach: one that needs pivoting (a zero leading entry), a
singular one, and a batch of 6 x 6. Generated code under ASan/UBSan and the
evaluator."""
import os
import sys

import numpy as np

import onnx_cases

edgec, work = sys.argv[1], os.path.join(sys.argv[2], "det")
os.makedirs(work, exist_ok=True)
rng = np.random.default_rng(11)
pivot = np.array([[0, 2, 1], [1, 1, 0], [3, 0, 2]], np.float32)
singular = np.array([[1, 2, 3], [2, 4, 6], [0, 1, 5]], np.float32)
cases = [("pivoting", pivot), ("singular", singular),
         ("batched_6x6", rng.uniform(-1, 1, (2, 3, 6, 6)).astype(np.float32))]
ok = True
for name, x in cases:
    want = np.asarray(np.linalg.det(x.astype(np.float64)), np.float32)
    path = onnx_cases.model(work, name, "Det", [("x", x)], [], ["x"], {}, list(want.shape), 11)
    ok &= onnx_cases.check(edgec, work, name, path, [("x", x)], want, rtol=1e-4, atol=1e-5)
sys.exit(0 if ok else 1)
