#!/usr/bin/python3
"""compare_npy.py ACTUAL EXPECTED [--rtol R] [--atol A]: elementwise closeness.

Prints the worst element and exits 1 when any |a - e| > atol + rtol * |e|
(NaN equals NaN), or when shapes or dtypes differ.
"""
import argparse
import sys

import numpy as np

ap = argparse.ArgumentParser()
ap.add_argument("actual")
ap.add_argument("expected")
ap.add_argument("--rtol", type=float, default=1e-4)
ap.add_argument("--atol", type=float, default=1e-5)
args = ap.parse_args()
a, e = np.load(args.actual), np.load(args.expected)
if a.shape != e.shape:
    sys.exit(f"FAIL: shape {a.shape} != expected {e.shape}")
if a.dtype != e.dtype:
    sys.exit(f"FAIL: dtype {a.dtype} != expected {e.dtype}")
a64, e64 = a.astype(np.float64), e.astype(np.float64)
err = np.abs(a64 - e64)
bad = ~((err <= args.atol + args.rtol * np.abs(e64)) | (np.isnan(a64) & np.isnan(e64)))
worst = int(np.nanargmax(err)) if err.size else 0
print(f"{args.actual}: {a.size} values, max abs error {np.nanmax(err) if err.size else 0:.3g} "
      f"(at flat index {worst}), {int(bad.sum())} outside rtol={args.rtol} atol={args.atol}")
sys.exit(1 if bad.any() else 0)
