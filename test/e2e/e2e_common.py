"""Helpers the per-target Python e2e scripts share (recurrent_int8.py,
conv_transpose_int8.py, fc_shapes_int8.py, conv_shapes_int8.py): compile a
model and read the kernels it runs, verify it bit-exact on a target, run it
in float and quantized, and compare the two."""
import json
import os
import subprocess

import numpy as np


def sqnr(ref, got):
    """Signal-to-quantization-noise ratio of `got` against `ref`, in dB."""
    ref = np.asarray(ref, np.float64)
    noise = float(np.sum((ref - got) ** 2))
    return float("inf") if noise == 0 else 10 * np.log10(float(np.sum(ref ** 2)) / noise)


def compiled_kernels(edgec, path, target, out, flags):
    """`edgec compile` PATH for TARGET into OUT: (the kernel of each layer,
    from report.json, None) or (None, what failed)."""
    r = subprocess.run([edgec, "compile", path, "-t", target, "-o", out] + flags,
                       capture_output=True, text=True)
    if r.returncode != 0:
        return None, f"compile failed:\n{r.stdout}{r.stderr}"
    with open(os.path.join(out, "report.json")) as f:
        return [(l["op"], l["kernel"]) for l in json.load(f)["layers"]], None


def verify(edgec, path, target, inputs, flags):
    """`edgec verify` on TARGET: None when the outputs are bit-exact with the
    evaluator (quantized), or within verify's tolerance (float, FLAGS without
    --quantize), else what it printed."""
    r = subprocess.run([edgec, "verify", path, "-t", target, "--inputs"] + inputs + flags,
                       capture_output=True, text=True)
    quantized = "--quantize" in flags
    if r.returncode != 0 or not ("bit-exact" in r.stdout or
                                 (not quantized and "outputs within" in r.stdout)):
        what = "bit-exact" if quantized else "equal to the evaluator (float)"
        return f"{target} is not {what}:\n{r.stdout}{r.stderr}"
    return None


def run_float_and(edgec, path, work, inputs, flags, mode="int8"):
    """The first output of `edgec run` in float and with FLAGS (as MODE), or
    (None, what failed)."""
    outs = {}
    for name, extra in [("float", []), (mode, flags)]:
        out = os.path.join(work, name)
        r = subprocess.run([edgec, "run", path, "--output-dir", out] +
                           sum([["--input", p] for p in inputs], []) + extra,
                           capture_output=True, text=True)
        if r.returncode != 0:
            return None, f"edgec run ({name}) failed:\n{r.stdout}{r.stderr}"
        outs[name] = np.load(os.path.join(out, "out_0.npy"))
    return outs, None
