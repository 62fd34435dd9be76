#!/usr/bin/python3
"""Re-fit the sparse-kernel cost model (passes/Sparsity/Sparsity.cpp, coefficientsOf)
from instruction counts measured under QEMU.

For every kernel family it compiles the pruned models, runs `edgec verify --per-layer`
with --sparsity off and force, and fits the linear model of predictCost to the measured
instructions of each layer (least squares on relative error, coefficients >= 0). It
prints the coefficients as the C++ initializer of coefficientsOf, the worst relative
error, and every layer whose dense / sparse choice the fitted model would get wrong.

Run it after changing a dense or a sparse int8 kernel:
    scripts/fit-sparse-cost.py [--build build] [--family arm-dsp ...]
Needs python3-numpy and the QEMU / cross toolchains of scripts/setup.sh.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODELS = [f"{m}_sparse{s}" for m in ("ds_cnn", "digits_cnn") for s in ("50", "75", "90", "2_4")]
# family -> (target, extra verify flags)
FAMILIES = {
    "arm-dsp": ("cortex-m4", []),
    "arm-mve": ("cortex-m55", []),
    "blocked": ("rv32imac", []),
    "portable": ("cortex-m4", ["--kernels", "portable"]),
}
# The coefficient order of struct Coefficients.
NAMES = ["out", "convMac", "convMacK", "dwMac", "fcMac", "dcol", "dplane", "pwNz", "colNz", "col",
         "dwNz", "dwPix", "plane", "fcNz", "pwIp"]


def ident(node):
    return re.sub(r"^_+", "", re.sub(r"[^A-Za-z0-9_]", "_", node))


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{r.stderr}")
    return r.stdout


def measure(edgec, model, target, flags, mode):
    out = run([edgec, "verify", model, "-t", target, "--quantize", "int8", "--calibration",
               "random", "--sparsity", mode, "--per-layer", "--json", *flags])
    d = json.loads(out)
    if not d.get("ok"):
        sys.exit(f"{model} on {target} ({mode}) is not bit-exact")
    return {l["node"]: l["instructions"] for l in d["layers"]}


def features(edgec, model, target, flags):
    """(node, kind, {term: value} of the dense model, {term: value} of the sparse model)."""
    with tempfile.TemporaryDirectory() as tmp:
        run([edgec, "compile", model, "-t", target, "--quantize", "int8", "--calibration",
             "random", "--sparsity", "force", "-o", tmp, *flags])
        report = json.load(open(os.path.join(tmp, "report.json")))
    rows = []
    for l in report["layers"]:
        sp = l.get("sparsity")
        if not sp:
            continue
        kind, out = sp["kernel"], l["output"]
        outputs = float(np.prod(out))
        nz = float(sp["nonzero_weights"])
        dense, sparse = {"out": outputs}, {"out": outputs}
        if kind == "fc":
            dense["fcMac"] = float(l["macs"])
            sparse["fcNz"] = out[0] * nz
        else:
            w = l["inputs"][1]
            pixels = float(out[0] * out[2] * out[3])
            inp = l["inputs"][0]
            if kind == "depthwise":
                dense.update(dwMac=float(l["macs"]), dplane=float(out[0] * w[0] * inp[2] * inp[3]))
                live = out[0] * (w[0] - sp["zero_output_channels"])
                sparse.update(dwNz=nz * pixels, dwPix=outputs, plane=float(live * inp[2] * inp[3]))
            else:
                dense["convMac" if w[2] * w[3] == 1 else "convMacK"] = float(l["macs"])
                dense["dcol"] = pixels * w[1] * w[2] * w[3]
                if kind == "pointwise":
                    # The in-place variant (cores without DSP) walks the mask per pixel pair.
                    sparse["pwIp" if sp.get("predicted_in_place") else "pwNz"] = nz * pixels
                else:
                    sparse.update(colNz=nz * pixels, col=pixels * w[1] * w[2] * w[3])
        rows.append((ident(l["node"]), kind, dense, sparse))
    return rows


def nnls(a, b):
    """Least squares with x >= 0: drop the most negative column until none is."""
    keep = list(range(a.shape[1]))
    while True:
        x = np.zeros(a.shape[1])
        sol = np.linalg.lstsq(a[:, keep], b, rcond=None)[0]
        x[keep] = sol
        if (sol >= 0).all():
            return x
        keep.pop(int(np.argmin(sol)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--family", action="append", choices=sorted(FAMILIES))
    args = ap.parse_args()
    edgec = os.path.join(args.build, "compiler", "tools", "edgec")
    for family in args.family or list(FAMILIES):
        target, flags = FAMILIES[family]
        obs = []  # (terms, measured, node, mode)
        for m in MODELS:
            model = os.path.join(ROOT, "models", m + ".onnx")
            rows = features(edgec, model, target, flags)
            dense = measure(edgec, model, target, flags, "off")
            sparse = measure(edgec, model, target, flags, "force")
            for node, kind, dt, st in rows:
                obs.append((dt, dense[node], f"{m}:{node}", "dense", kind))
                obs.append((st, sparse[node], f"{m}:{node}", "sparse", kind))
        a = np.array([[t.get(n, 0.0) / y for n in NAMES] for t, y, *_ in obs])
        x = nnls(a, np.ones(len(obs)))
        pred = {(o[2], o[3]): sum(o[0].get(n, 0.0) * c for n, c in zip(NAMES, x)) for o in obs}
        meas = {(o[2], o[3]): o[1] for o in obs}
        err = max(abs(pred[k] / meas[k] - 1) for k in pred)
        print(f"// {family} ({target} {' '.join(flags)}), worst relative error {100 * err:.1f} %")
        print("    return {" + ", ".join(f"{c:.3g}" for c in x) + "};")
        for n, column in zip(NAMES, a.T):
            if not column.any():
                print(f"//   {n}: no layer of these models measures it; keep its current value")
        for node in sorted({k[0] for k in pred}):
            pd, ps = pred[(node, "dense")], pred[(node, "sparse")]
            md, ms = meas[(node, "dense")], meas[(node, "sparse")]
            if (ps < pd) != (ms < md):
                print(f"//   wrong choice: {node} predicted {pd:.0f} / {ps:.0f}, "
                      f"measured {md} / {ms}")


if __name__ == "__main__":
    main()
