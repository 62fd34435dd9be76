"""CAST, CONCATENATION, MUL, DIV, MINIMUM and MAXIMUM of .tflite models.

usage: tflite_int_ops.py EDGEC WORK [TARGET...]

The only shared model with these operators is the audio front end, whose
TFLite-Micro signal ops edgec does not import, so this test builds two
models of its own (flatc JSON against edgec's TFLite schema):

- `int_tail`: the audio front end's integer operators after its signal
  ops, in its order and types: uint32 energies CAST to int32,
  STRIDED_SLICE, CONCATENATION with constants, CAST back to uint32; and
  int16 log energies CAST to int32, MUL, ADD, DIV (TFLite's int32 DIV
  truncates toward zero), ADD, MINIMUM, MAXIMUM, CAST to int8 (the low
  byte). Two inputs, two outputs.
- `int8_ops`: int8 quantized MUL (broadcast, fused RELU: TFLite's
  MulElementwise, the double-precision multiplier s_a s_b / s_y),
  MINIMUM and MAXIMUM (the stored integers compared, one quantization),
  CONCATENATION along the last axis (the stored integers copied).

Each runs on seeded random inputs through `edgec run`, equal to a NumPy
transcription of TFLite's reference kernels; `edgec verify` on each TARGET
must find the generated code bit-exact with the evaluator.
"""
import os
import subprocess
import sys

import numpy as np

from tflite_models import arguments, mbqm, quantize_multiplier, verify_bit_exact, write_tflite

RNG = np.random.default_rng(20261207)

CODES = {"CAST": 53, "STRIDED_SLICE": 45, "CONCATENATION": 2, "MUL": 18, "ADD": 0, "DIV": 42,
         "MINIMUM": 57, "MAXIMUM": 55}
OPTIONS = {"STRIDED_SLICE": "StridedSliceOptions", "CONCATENATION": "ConcatenationOptions",
           "MUL": "MulOptions", "ADD": "AddOptions", "DIV": "DivOptions",
           "MINIMUM": "MaximumMinimumOptions", "MAXIMUM": "MaximumMinimumOptions",
           "CAST": "CastOptions"}


class Model:
    def __init__(self):
        self.tensors, self.buffers, self.ops, self.codes = [], [{}], [], []

    def tensor(self, name, shape, ttype, data=None, quant=None):
        buf = 0
        if data is not None:
            self.buffers.append({"data": list(np.ascontiguousarray(data).tobytes())})
            buf = len(self.buffers) - 1
        t = {"shape": list(shape), "type": ttype, "buffer": buf, "name": name}
        if quant:
            t["quantization"] = {"scale": [quant[0]], "zero_point": [quant[1]]}
        self.tensors.append(t)
        return len(self.tensors) - 1

    def op(self, name, inputs, outputs, options=None):
        if name not in self.codes:
            self.codes.append(name)
        o = {"opcode_index": self.codes.index(name), "inputs": inputs, "outputs": outputs,
             "builtin_options_type": OPTIONS[name], "builtin_options": options or {}}
        self.ops.append(o)

    def json(self, inputs, outputs):
        return {"version": 3,
                "operator_codes": [{"deprecated_builtin_code": CODES[n], "builtin_code": n}
                                   for n in self.codes],
                "subgraphs": [{"tensors": self.tensors, "inputs": inputs, "outputs": outputs,
                               "operators": self.ops, "name": "main"}],
                "description": "edgec test", "buffers": self.buffers}


def int_tail():
    """The audio front end's integer tail; returns (json, reference)."""
    m = Model()
    energy = m.tensor("energy", [257], "UINT32")
    e32 = m.tensor("energy_i32", [257], "INT32")
    m.op("CAST", [energy], [e32])
    b = m.tensor("begin", [1], "INT32", np.array([5], np.int32))
    e = m.tensor("end", [1], "INT32", np.array([241], np.int32))
    s = m.tensor("strides", [1], "INT32", np.array([1], np.int32))
    sl = m.tensor("slice", [236], "INT32")
    m.op("STRIDED_SLICE", [e32, b, e, s], [sl])
    head = np.array([0, 7, -3, 1 << 20, 2], np.int32)
    tail = RNG.integers(-1000, 1000, size=16).astype(np.int32)
    c0 = m.tensor("head", [5], "INT32", head)
    c1 = m.tensor("tail", [16], "INT32", tail)
    cat = m.tensor("concat", [257], "INT32")
    m.op("CONCATENATION", [c0, sl, c1], [cat], {"axis": 0})
    back = m.tensor("energy_out", [257], "UINT32")
    m.op("CAST", [cat], [back])

    logs = m.tensor("log", [40], "INT16")
    l32 = m.tensor("log_i32", [40], "INT32")
    m.op("CAST", [logs], [l32])
    k = {n: m.tensor(n, [], "INT32", np.array([v], np.int32))
         for n, v in (("mul", 670), ("add", -1234), ("div", -25600), ("bias", 20),
                      ("hi", 127), ("lo", -128))}
    t = [m.tensor(f"t{j}", [40], "INT32") for j in range(6)]
    m.op("MUL", [l32, k["mul"]], [t[0]])
    m.op("ADD", [t[0], k["add"]], [t[1]])
    m.op("DIV", [t[1], k["div"]], [t[2]])
    m.op("ADD", [t[2], k["bias"]], [t[3]])
    m.op("MINIMUM", [t[3], k["hi"]], [t[4]])
    m.op("MAXIMUM", [t[4], k["lo"]], [t[5]])
    out = m.tensor("features", [40], "INT8")
    m.op("CAST", [t[5]], [out])

    def reference(x_energy, x_log):
        v = x_energy.astype(np.int64)
        v = ((v + (1 << 31)) % (1 << 32)) - (1 << 31)  # uint32 -> int32, as static_cast
        v = np.concatenate([head, v[5:241], tail]).astype(np.int64)
        energy_out = (v % (1 << 32)).astype(np.uint32)
        w = x_log.astype(np.int64) * 670 - 1234
        w = np.trunc(w / -25600).astype(np.int64)  # C++ division truncates
        w = np.maximum(np.minimum(w + 20, 127), -128)
        return [energy_out, ((w + 128) % 256 - 128).astype(np.int8)]

    def inputs():
        return [RNG.integers(0, 1 << 32, size=257, dtype=np.uint64).astype(np.uint32),
                RNG.integers(-32768, 32768, size=40).astype(np.int16)]

    return m.json([energy, logs], [back, out]), reference, inputs


def int8_ops():
    """int8 MUL / MINIMUM / MAXIMUM / CONCATENATION; (json, reference)."""
    m = Model()
    qa, qb, qy = (0.05, -3), (0.02, 4), (0.03, -10)
    a = m.tensor("a", [2, 6], "INT8", quant=qa)
    b = m.tensor("b", [1, 6], "INT8", quant=qb)
    prod = m.tensor("prod", [2, 6], "INT8", quant=qy)
    m.op("MUL", [a, b], [prod], {"fused_activation_function": "RELU"})
    c = m.tensor("c", [2, 6], "INT8", quant=qy)
    lo = m.tensor("lo", [2, 6], "INT8", quant=qy)
    hi = m.tensor("hi", [2, 6], "INT8", quant=qy)
    m.op("MINIMUM", [prod, c], [lo])
    m.op("MAXIMUM", [prod, c], [hi])
    cat = m.tensor("cat", [2, 12], "INT8", quant=qy)
    m.op("CONCATENATION", [lo, hi], [cat], {"axis": -1})

    f32 = np.float32
    mult, shift = quantize_multiplier(float(f32(qa[0])) * float(f32(qb[0])) / float(f32(qy[0])))
    relu_lo = qy[1]  # RELU: max(0) quantized, the zero point

    def reference(xa, xb, xc):
        p = np.zeros((2, 6), np.int64)
        for i in range(2):
            for j in range(6):
                v = mbqm((int(xa[i, j]) - qa[1]) * (int(xb[0, j]) - qb[1]), mult, shift) + qy[1]
                p[i, j] = min(max(v, relu_lo), 127)
        low, high = np.minimum(p, xc), np.maximum(p, xc)
        return [np.concatenate([low, high], axis=1).astype(np.int8)]

    def inputs():
        return [RNG.integers(-128, 128, size=s).astype(np.int8) for s in ((2, 6), (1, 6), (2, 6))]

    return m.json([a, b, c], [cat]), reference, inputs


def main():
    edgec, work, targets = arguments(__doc__)
    failures = []
    for name, build in (("int_tail", int_tail), ("int8_ops", int8_ops)):
        model, reference, make_inputs = build()
        path = write_tflite(model, work, name)
        for case in range(3):
            xs = make_inputs()
            paths = []
            for i, x in enumerate(xs):
                paths.append(os.path.join(work, f"{name}_{case}_in{i}.npy"))
                np.save(paths[-1], x)
            out = os.path.join(work, f"{name}_{case}")
            r = subprocess.run([edgec, "run", path, "-o", out] +
                               sum([["--input", p] for p in paths], []),
                               capture_output=True, text=True)
            if r.returncode != 0:
                failures.append(f"{name} case {case}: edgec run: {r.stderr}")
                continue
            for i, want in enumerate(reference(*xs)):
                q = os.path.join(out, f"out_{i}.q.npy")
                got = np.load(q if os.path.exists(q) else os.path.join(out, f"out_{i}.npy"))
                if got.dtype != want.dtype or not np.array_equal(got.ravel(), want.ravel()):
                    failures.append(f"{name} case {case} output {i}: evaluator {got.dtype} "
                                    f"{got.ravel()[:12].tolist()}..., TFLite's "
                                    f"{want.dtype} {want.ravel()[:12].tolist()}...")
            if case == 0:
                failures += [f"{name}: {f}" for f in verify_bit_exact(edgec, path, targets, paths)]
    for f in failures:
        print("FAIL", f)
    print(f"tflite_int_ops: 2 models x 3 cases against TFLite's arithmetic, {len(targets)} "
          f"target(s) verified: {'ok' if not failures else 'FAILED'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
