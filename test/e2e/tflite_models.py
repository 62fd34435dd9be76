"""Shared pieces of the tests that build their own .tflite models.

The models are written as flatc JSON against edgec's TFLite schema and
converted with flatc; their references transcribe TFLite's fixed point,
which is here once: QuantizeMultiplier and MultiplyByQuantizedMultiplier.
"""
import json
import math
import os
import shutil
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SCHEMA = os.path.join(ROOT, "compiler", "import", "tflite", "tflite.fbs")


def quantize_multiplier(real):
    """TFLite's QuantizeMultiplier: (Q31 multiplier, shift)."""
    if real == 0:
        return 0, 0
    q, shift = math.frexp(float(real))
    fixed = int(round(q * (1 << 31)))
    if fixed == 1 << 31:
        fixed //= 2
        shift += 1
    if shift < -31:
        return 0, 0
    if shift > 30:
        return (1 << 31) - 1, 30
    return fixed, shift


def wrap32(v):
    """v as int32 arithmetic leaves it (two's complement wrap)."""
    return ((int(v) + (1 << 31)) % (1 << 32)) - (1 << 31)


def mbqm(x, m, shift):
    """TFLite's MultiplyByQuantizedMultiplier (two roundings)."""
    left, right = max(shift, 0), max(-shift, 0)
    a = wrap32(x * (1 << left))
    if a == m == -(1 << 31):
        high = (1 << 31) - 1
    else:
        n = a * m + ((1 << 30) if a * m >= 0 else 1 - (1 << 30))
        high = n // (1 << 31) if n >= 0 else -((-n) // (1 << 31))  # toward zero
    if right == 0:
        return high
    mask = (1 << right) - 1
    threshold = (mask >> 1) + (1 if high < 0 else 0)
    return (high >> right) + (1 if (high & mask) > threshold else 0)


def arguments(doc):
    """(edgec, work, targets) from the command line, with WORK emptied, or
    exits: 2 without them (printing `doc`), 1 without flatc."""
    if len(sys.argv) < 3:
        print(doc)
        sys.exit(2)
    if not shutil.which("flatc"):
        print("flatc not found (scripts/setup.sh installs flatbuffers-compiler)")
        sys.exit(1)
    edgec, work = sys.argv[1], sys.argv[2]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    return edgec, work, sys.argv[3:]


def write_tflite(model, work, name):
    """The flatc JSON `model` as WORK/NAME.tflite (the schema's extension)."""
    source = os.path.join(work, f"{name}.json")
    with open(source, "w") as f:
        json.dump(model, f)
    subprocess.run([shutil.which("flatc"), "--binary", "-o", work, SCHEMA, source], check=True)
    return os.path.join(work, f"{name}.tflite")


def run_repeated(edgec, path, inputs, repeat, out):
    """`edgec run --repeat REPEAT` of the model, its state carried from run
    to run: (the first output's integers, flat, None) or (None, the error)."""
    r = subprocess.run([edgec, "run", path, *sum([["--input", p] for p in inputs], []),
                        "--repeat", str(repeat), "-o", out], capture_output=True, text=True)
    if r.returncode != 0:
        return None, f"edgec run --repeat {repeat}: {r.stderr}"
    return np.load(os.path.join(out, "out_0.q.npy")).astype(np.int64).ravel(), None


def state_bytes_failure(edgec, path, want):
    """None when `edgec inspect` gives `want` bytes of state, else why not."""
    r = subprocess.run([edgec, "inspect", path], capture_output=True, text=True)
    if f"state: {want} of those bytes" in r.stdout:
        return None
    return f"edgec inspect does not give the {want} state bytes:\n{r.stdout}"


def verify_bit_exact(edgec, path, targets, inputs, extra=()):
    """`edgec verify` of the model on each target: what failed, if anything."""
    failures = []
    for target in targets:
        r = subprocess.run([edgec, "verify", path, "-t", target, *extra, "--inputs", *inputs],
                           capture_output=True, text=True)
        if r.returncode != 0 or "bit-exact" not in r.stdout:
            failures.append(f"edgec verify {' '.join(extra)} on {target}:\n{r.stdout}{r.stderr}")
    return failures
