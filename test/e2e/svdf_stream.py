"""SVDF layers over a stream of runs: the state each keeps between runs.

usage: svdf_stream.py EDGEC WORK [TARGET...]

../shared/tflite's keyword models check SVDF on one run from a fresh state,
and their scrambled weights saturate the output. This test builds its own
model (written here as flatc JSON against edgec's TFLite schema, converted
with flatc): an SVDF of rank 2 with int16 state, then one of rank 1 with
int8 state at a nonzero zero point, on a batch of two rows (TFLM shifts
both rows' state as one buffer; edgec row by row). Its reference is an independent numpy
transcription of TFLite-Micro's integer SVDF (svdf_common.cc, as of the
commit of ../shared/tflite: float scale quotients, two-rounding fixed
point, zero point added before the state's clamp, no fused activation),
run over R = 1..6 runs of the same input, where the state fills and then
only shifts. `edgec run --repeat R` must equal it on every R, and
`edgec verify --repeat 6` on each TARGET must find the generated code
bit-exact with the evaluator, its state carried between runs in the arena.
With x86-64 among the targets, the harness also runs the model through
<name>_run_float, i.e. <name>_run and its static arena, whose first call
resets the state by itself, for 1 and for 4 runs.
"""
import os
import subprocess
import sys

import numpy as np

from tflite_models import arguments, mbqm, quantize_multiplier, run_repeated, \
    state_bytes_failure, verify_bit_exact, wrap32, write_tflite

RNG = np.random.default_rng(20261207)
BATCH = 2  # TFLM shifts the whole [batch, filters * memory] state at once

# (inputs, filters, memory, rank, state dtype, state scale, state zero point)
LAYERS = [(6, 8, 4, 2, np.int16, 0.002, 0), (4, 6, 3, 1, np.int8, 0.05, 5)]
IN_SCALE, IN_ZERO = 0.05, -3
OUT = [(0.04, -10), (0.03, 7)]  # each layer's output scale and zero point


def f32(x):
    return np.float32(x)








def make_model():
    """The model as flatc JSON, and its weights for the reference."""
    tensors, buffers, ops, weights = [], [{}], [], []

    def tensor(name, shape, ttype, scale, zero, data=None, variable=False):
        buf = 0
        if data is not None:
            buffers.append({"data": list(np.ascontiguousarray(data).tobytes())})
            buf = len(buffers) - 1
        tensors.append({"shape": list(shape), "type": ttype, "buffer": buf, "name": name,
                        "quantization": {"scale": [scale], "zero_point": [zero]},
                        "is_variable": variable})
        return len(tensors) - 1

    x = tensor("input", [BATCH, LAYERS[0][0]], "INT8", IN_SCALE, IN_ZERO)
    first, in_scale = x, IN_SCALE
    for k, (n_in, filters, memory, rank, sdt, s_scale, s_zero) in enumerate(LAYERS):
        units = filters // rank
        wf = RNG.integers(-127, 128, size=(filters, n_in)).astype(np.int8)
        big = 3000 if sdt == np.int16 else 100
        wt = RNG.integers(-big, big + 1, size=(filters, memory)).astype(sdt)
        bias = RNG.integers(-2000, 2001, size=(units,)).astype(np.int32)
        wf_scale, wt_scale = 0.01 + 0.002 * k, 0.004 + 0.001 * k
        stype = "INT16" if sdt == np.int16 else "INT8"
        i_wf = tensor(f"svdf{k}/weights_feature", wf.shape, "INT8", wf_scale, 0, wf)
        i_wt = tensor(f"svdf{k}/weights_time", wt.shape, stype, wt_scale, 0, wt)
        i_b = tensor(f"svdf{k}/bias", bias.shape, "INT32", s_scale * wt_scale, 0, bias)
        i_s = tensor(f"svdf{k}/state", [BATCH, filters * memory], stype, s_scale, s_zero,
                     variable=True)
        y = tensor(f"svdf{k}/output", [BATCH, units], "INT8", OUT[k][0], OUT[k][1])
        ops.append({"opcode_index": 0, "inputs": [x, i_wf, i_wt, i_b, i_s], "outputs": [y],
                    "builtin_options_type": "SVDFOptions",
                    "builtin_options": {"rank": rank, "fused_activation_function": "RELU"}})
        weights.append(dict(wf=wf, wt=wt, bias=bias, rank=rank, memory=memory, sdt=sdt,
                            s_scale=s_scale, s_zero=s_zero, wf_scale=wf_scale,
                            wt_scale=wt_scale, in_scale=in_scale,
                            in_zero=IN_ZERO if k == 0 else OUT[k - 1][1],
                            out_scale=OUT[k][0], out_zero=OUT[k][1]))
        x, in_scale = y, OUT[k][0]
    model = {"version": 3, "operator_codes": [{"deprecated_builtin_code": 27,
                                               "builtin_code": "SVDF"}],
             "subgraphs": [{"tensors": tensors, "inputs": [first], "outputs": [x],
                            "operators": ops, "name": "main"}],
             "description": "edgec test: SVDF state over runs", "buffers": buffers}
    return model, weights


def svdf_step(w, x, state):
    """One run of TFLM's integer SVDF: updates `state` (flat, every batch
    row's [filters * memory] in turn), returns y [batch, units]."""
    info = np.iinfo(w["sdt"])
    m1 = quantize_multiplier(float(f32(f32(w["in_scale"]) * f32(w["wf_scale"])) /
                                   f32(w["s_scale"])))
    m2 = quantize_multiplier(float(f32(f32(w["s_scale"]) * f32(w["wt_scale"])) /
                                   f32(w["out_scale"])))
    filters, memory = w["wt"].shape
    span = filters * memory
    # As svdf_common.cc: one shift left over the whole buffer, all rows.
    state[:-1] = state[1:].copy()
    for b in range(x.shape[0]):
        for f in range(filters):
            dot = wrap32(int(np.sum(w["wf"][f].astype(np.int64) *
                                    (x[b].astype(np.int64) - w["in_zero"]))))
            v = mbqm(dot, *m1) + w["s_zero"]
            state[b * span + f * memory + memory - 1] = min(max(v, info.min), info.max)
    units = filters // w["rank"]
    y = np.zeros((x.shape[0], units), np.int64)
    for b in range(x.shape[0]):
        for u in range(units):
            acc = int(w["bias"][u])
            for r in range(w["rank"]):
                f = b * span + (u * w["rank"] + r) * memory
                acc += int(np.sum(w["wt"][u * w["rank"] + r].astype(np.int64) *
                                  (state[f:f + memory].astype(np.int64) - w["s_zero"])))
            y[b, u] = min(max(mbqm(wrap32(acc), *m2) + w["out_zero"], -128), 127)
    return y


def static_arena_runs(edgec, work, path, x, weights):
    """The generated code's static entry point (<name>_run through
    <name>_run_float), built with its own CMake project, over 1 and 4 runs."""
    gen = os.path.join(work, "gen")
    r = subprocess.run([edgec, "compile", path, "-t", "x86-64", "--harness", "--name", "svdf",
                        "-o", gen], capture_output=True, text=True)
    if r.returncode != 0:
        return [f"edgec compile --harness: {r.stderr}"]
    build = os.path.join(gen, "build")
    for cmd in (["cmake", "-S", gen, "-B", build, "-G", "Ninja"], ["cmake", "--build", build]):
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            return [f"{' '.join(cmd)}:\n{r.stdout}{r.stderr}"]
    real = os.path.join(work, "x.real.npy")
    np.save(real, ((x.astype(np.float32) - IN_ZERO) * np.float32(IN_SCALE)).astype(np.float32))
    failures = []
    for repeat in (1, 4):
        states = [np.full(BATCH * w["wt"].size, w["s_zero"], np.int64) for w in weights]
        for _ in range(repeat):
            h = x.astype(np.int64)
            for w, st in zip(weights, states):
                h = svdf_step(w, h, st)
        out = os.path.join(work, f"static{repeat}")
        os.makedirs(out, exist_ok=True)
        r = subprocess.run([os.path.join(build, "svdf_main"), real, "-o", out, "--float-api",
                            "--repeat", str(repeat)], capture_output=True, text=True)
        if r.returncode != 0:
            failures.append(f"svdf_main --float-api --repeat {repeat}: {r.stderr}")
            continue
        scale, zero = OUT[-1]
        got = np.round(np.load(os.path.join(out, "out_0.npy")).astype(np.float64) /
                       np.float32(scale)).astype(np.int64).ravel() + zero
        if not np.array_equal(got, h.ravel()):
            failures.append(f"svdf_run (static arena), {repeat} run(s): {got.tolist()}, TFLM's "
                            f"arithmetic {h.ravel().tolist()}")
    return failures


def main():
    edgec, work, targets = arguments(__doc__)
    model, weights = make_model()
    path = write_tflite(model, work, "svdf_stream")
    x = RNG.integers(-128, 128, size=(BATCH, LAYERS[0][0])).astype(np.int8)
    np.save(os.path.join(work, "x.npy"), x)

    states = [np.full(BATCH * w["wt"].size, w["s_zero"], np.int64) for w in weights]
    failures, seen = [], set()
    for repeat in range(1, 7):
        h = x.astype(np.int64)
        for w, s in zip(weights, states):
            h = svdf_step(w, h, s)
        got, error = run_repeated(edgec, path, [os.path.join(work, "x.npy")], repeat,
                                  os.path.join(work, f"run{repeat}"))
        if error:
            failures.append(error)
            continue
        h = h.ravel()
        seen.add(tuple(got))
        if not np.array_equal(got, h):
            failures.append(f"run {repeat}: evaluator {got.tolist()}, TFLM's arithmetic "
                            f"{h.tolist()}")
    # The state's bytes, as inspect and report.json tell them: int16 [2, 32]
    # and int8 [2, 18].
    want_state = sum(BATCH * w["wt"].size * np.dtype(w["sdt"]).itemsize for w in weights)
    failures += filter(None, [state_bytes_failure(edgec, path, want_state)])
    if len(seen) < 3:
        failures.append(f"the outputs took only {len(seen)} distinct values over 6 runs: the "
                        "state is not exercised")
    failures += verify_bit_exact(edgec, path, targets, [os.path.join(work, "x.npy")],
                                 ("--repeat", "6"))
    if "x86-64" in targets:
        failures += static_arena_runs(edgec, work, path, x, weights)
    for f in failures:
        print("FAIL", f)
    print(f"svdf_stream: 6 runs checked against TFLM's arithmetic, {len(targets)} target(s) "
          f"verified over 6 runs: {'ok' if not failures else 'FAILED'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
