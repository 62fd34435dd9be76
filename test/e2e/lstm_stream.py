"""LSTM layers over a stream of runs: the hidden and cell state each keeps.

usage: lstm_stream.py EDGEC WORK [TARGET...]

../shared/tflite's LSTM models (mnist_lstm_int8, dtln) check one run from a
fresh state, batch 1, batch-major, a cell state at 2^-12 or 2^-11. This test
builds its own model (flatc JSON against edgec's TFLite schema): a
time-major UNIDIRECTIONAL_SEQUENCE_LSTM on [3 steps, 2 rows, 5] with its
cell state at 2^-11 clipped to 1.0 and its hidden state at zero point -4,
then a batch-major one reading that [3, 2, 4] output as 3 rows of 2 steps,
its cell state at 2^-13 (the cell's tanh shifts its input right) and not
clipped, hidden zero point 6. Its reference is an independent NumPy
transcription of TFLite-Micro's 8x8->16 LSTM (unidirectional_sequence_lstm.cc
and lstm_eval.h, as of the commit of ../shared/tflite): float32 scale
products, the float32 gate scales 2^-12 and "2^-15" (0.00003051757),
two-rounding fixed point, int16 saturation of each gate term, TFLite's
int16 LOGISTIC and TANH on the sigmoid table (read from
runtime-stub/edgec/quant.h, where the kernels take it), the truncated cell
clip, the state reset to the hidden zero point and 0. `edgec run --repeat R`
must equal it for R = 1..4 (the state carried from run to run), and
`edgec verify --repeat 4` on each TARGET must find the generated code
bit-exact with the evaluator.
"""
import os
import re
import sys

import numpy as np

from tflite_models import ROOT, arguments, mbqm, quantize_multiplier, run_repeated, \
    state_bytes_failure, verify_bit_exact, write_tflite

RNG = np.random.default_rng(20261207)

IN_SHAPE = [3, 2, 5]  # time-major: 3 steps of 2 rows
IN_SCALE, IN_ZERO = 0.05, -3
# (time_major, hidden, weight scale, hidden scale, hidden zero point,
#  cell scale, cell clip)
LAYERS = [(True, 4, 0.02, 0.008, -4, 2.0 ** -11, 1.0),
          (False, 3, 0.03, 0.009, 6, 2.0 ** -13, 0.0)]
GATE_IN = np.float32(0.00024414062)   # TFLM's constants, float32
GATE_OUT = np.float32(0.00003051757)


def sigmoid_table():
    """kTfliteSigmoidTable as the runtime header gives it."""
    with open(os.path.join(ROOT, "runtime-stub", "edgec", "quant.h")) as f:
        text = f.read()
    body = re.search(r"kTfliteSigmoidTable\[256\] = \{([^}]*)\}", text).group(1)
    values = [int(v) for v in body.replace("\n", " ").split(",") if v.strip()]
    assert len(values) == 256
    return values


TABLE = sigmoid_table()






def sat(v, bits):
    lo, hi = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    return min(max(v, lo), hi)


def logistic16(x, mult, shift):
    """reference_integer_ops::Logistic on one int16 value."""
    if mult == 0:
        mult, shift = 3 << shift, 0
    rnd = (1 << (shift - 1)) if shift > 0 else 0
    v = (x * mult + rnd) >> shift
    a = abs(v)
    uh = a >> 9
    if uh >= 255:
        r = 0x7FFF << 10
    else:
        ua, ub = TABLE[uh], TABLE[uh + 1]
        r = (ua << 9) + (a & 0x1FF) * (ub - ua)
    r = r + (1 << 9) if v >= 0 else (1 << 25) - r + (1 << 9) - 1
    return r >> 10


def tanh16(x, mult, shift):
    """reference_integer_ops::Tanh on one int16 value."""
    if mult == 0:
        mult, shift = 3 << shift, 0
    rnd = (1 << (shift - 1)) if shift > 0 else 0
    v = (x * mult + rnd) >> shift
    a = abs(v)
    uh = a >> 8
    if uh >= 255:
        r = 0xFFFF << 8
    else:
        ua, ub = TABLE[uh], TABLE[uh + 1]
        r = (ua << 8) + (a & 0xFF) * (ub - ua)
    r = r - (1 << 23) + (1 << 7) if v >= 0 else -r + (1 << 23) + (1 << 7) - 1
    return r >> 8


def make_model():
    """The model as flatc JSON, and each layer's weights for the reference."""
    tensors, buffers, ops, layers = [], [{}], [], []

    def tensor(name, shape, ttype, scale=None, zero=0, data=None, variable=False):
        buf = 0
        if data is not None:
            buffers.append({"data": list(np.ascontiguousarray(data).tobytes())})
            buf = len(buffers) - 1
        t = {"shape": list(shape), "type": ttype, "buffer": buf, "name": name,
             "is_variable": variable}
        if scale is not None:
            t["quantization"] = {"scale": [scale], "zero_point": [zero]}
        tensors.append(t)
        return len(tensors) - 1

    x = tensor("input", IN_SHAPE, "INT8", IN_SCALE, IN_ZERO)
    first, shape, in_scale, in_zero = x, IN_SHAPE, IN_SCALE, IN_ZERO
    for k, (time_major, hidden, w_scale, h_scale, h_zero, c_scale, clip) in enumerate(LAYERS):
        n_in = shape[2]
        batch = shape[1] if time_major else shape[0]
        w = [RNG.integers(-127, 128, size=(hidden, n_in)).astype(np.int8) for _ in range(4)]
        r = [RNG.integers(-127, 128, size=(hidden, hidden)).astype(np.int8) for _ in range(4)]
        b = [RNG.integers(-3000, 3001, size=(hidden,)).astype(np.int32) for _ in range(4)]
        names = "input forget cell output".split()
        iw = [tensor(f"lstm{k}/input_to_{n}", (hidden, n_in), "INT8", w_scale * (1 + g / 8), 0,
                     w[g]) for g, n in enumerate(names)]
        rw = [tensor(f"lstm{k}/recurrent_to_{n}", (hidden, hidden), "INT8",
                     w_scale * (1.1 + g / 8), 0, r[g]) for g, n in enumerate(names)]
        bb = [tensor(f"lstm{k}/{n}_bias", (hidden,), "INT32", in_scale * w_scale, 0, b[g])
              for g, n in enumerate(names)]
        hs = tensor(f"lstm{k}/hidden", (batch, hidden), "INT8", h_scale, h_zero, variable=True)
        cs = tensor(f"lstm{k}/cell", (batch, hidden), "INT16", c_scale, 0, variable=True)
        out_shape = [shape[0], shape[1], hidden]
        y = tensor(f"lstm{k}/output", out_shape, "INT8", h_scale, h_zero)
        inputs = [x] + iw + rw + [-1, -1, -1] + bb + [-1, -1, hs, cs, -1, -1, -1, -1]
        ops.append({"opcode_index": 0, "inputs": inputs, "outputs": [y],
                    "builtin_options_type": "UnidirectionalSequenceLSTMOptions",
                    "builtin_options": {"fused_activation_function": "TANH", "cell_clip": clip,
                                        "time_major": time_major}})
        layers.append(dict(
            time_major=time_major, hidden=hidden, w=w, r=r, b=b, in_zero=in_zero,
            h_zero=h_zero, clip=clip, c_scale=c_scale,
            w_scales=[w_scale * (1 + g / 8) for g in range(4)],
            r_scales=[w_scale * (1.1 + g / 8) for g in range(4)],
            in_scale=in_scale, h_scale=h_scale, batch=batch))
        x, shape, in_scale, in_zero = y, out_shape, h_scale, h_zero
    model = {"version": 3,
             "operator_codes": [{"deprecated_builtin_code": 44,
                                 "builtin_code": "UNIDIRECTIONAL_SEQUENCE_LSTM"}],
             "subgraphs": [{"tensors": tensors, "inputs": [first], "outputs": [x],
                            "operators": ops, "name": "main"}],
             "description": "edgec test: LSTM state over runs", "buffers": buffers}
    return model, layers


def lstm_run(L, x, hidden, cell):
    """One run of TFLM's 8x8->16 LSTM over x (the layer's layout): updates
    the states hidden and cell ([batch, H] int lists), returns y."""
    f32 = np.float32
    m_in = [quantize_multiplier(float(f32(f32(L["in_scale"]) * f32(s))) / float(GATE_IN))
            for s in L["w_scales"]]
    m_rec = [quantize_multiplier(float(f32(f32(L["h_scale"]) * f32(s))) / float(GATE_IN))
             for s in L["r_scales"]]
    sc, sg = float(f32(L["c_scale"])), float(GATE_OUT)
    m_fc = quantize_multiplier(sg * sc / sc)
    m_ic = quantize_multiplier(sg * sg / sc)
    m_h = quantize_multiplier(sg * sg / float(f32(L["h_scale"])))
    clip = int(min(max(float(f32(L["clip"])) / sc, -32768.0), 32767.0)) if L["clip"] > 0 else None
    power = int(round(float(f32(np.log(f32(L["c_scale"])) * f32(1.0 / np.log(f32(2.0)))))))
    tshift = 15 + power - 3
    t_mult, t_shift = (0, tshift) if tshift >= 0 else (3, -tshift)
    H = L["hidden"]
    y = np.zeros(x.shape[:2] + (H,), np.int64)
    steps = x.shape[0] if L["time_major"] else x.shape[1]
    for b in range(L["batch"]):
        for t in range(steps):
            row = x[t, b] if L["time_major"] else x[b, t]
            h, c = hidden[b], cell[b]
            gates = []
            for g in range(4):
                out = []
                for j in range(H):
                    acc = int(L["b"][g][j]) + sum(int(L["w"][g][j, q]) * (int(row[q]) - L["in_zero"])
                                                  for q in range(len(row)))
                    racc = sum(int(L["r"][g][j, q]) * (h[q] - L["h_zero"]) for q in range(H))
                    pre = sat(sat(mbqm(acc, *m_in[g]), 16) + sat(mbqm(racc, *m_rec[g]), 16), 16)
                    out.append(tanh16(pre, 0, 0) if g == 2 else logistic16(pre, 0, 0))
                gates.append(out)
            gi, gf, gc, go = gates
            for j in range(H):
                v = sat(sat(mbqm(gf[j] * c[j], *m_fc), 16) + sat(mbqm(gi[j] * gc[j], *m_ic), 16),
                        16)
                if clip is not None:
                    v = max(min(clip, v), -clip)
                c[j] = v
            for j in range(H):
                th = tanh16(c[j], t_mult, t_shift)
                h[j] = sat(mbqm(th * go[j], *m_h) + L["h_zero"], 8)
            if L["time_major"]:
                y[t, b] = h
            else:
                y[b, t] = h
    return y


def main():
    edgec, work, targets = arguments(__doc__)
    model, layers = make_model()
    path = write_tflite(model, work, "lstm_stream")
    x = RNG.integers(-128, 128, size=IN_SHAPE).astype(np.int8)
    np.save(os.path.join(work, "x.npy"), x)

    states = [([[L["h_zero"]] * L["hidden"] for _ in range(L["batch"])],
               [[0] * L["hidden"] for _ in range(L["batch"])]) for L in layers]
    failures, seen, clipped = [], set(), 0
    for repeat in range(1, 5):
        h = x.astype(np.int64)
        for L, (hid, cel) in zip(layers, states):
            # The next layer reads the same bytes in its own layout (the
            # batch-major one: 3 rows of 2 steps).
            h = lstm_run(L, h, hid, cel)
        clipped += sum(abs(v) == int(float(np.float32(layers[0]["clip"])) /
                                     layers[0]["c_scale"]) for row in states[0][1] for v in row)
        got, error = run_repeated(edgec, path, [os.path.join(work, "x.npy")], repeat,
                                  os.path.join(work, f"run{repeat}"))
        if error:
            failures.append(error)
            continue
        want = h.ravel()
        seen.add(tuple(got))
        if not np.array_equal(got, want):
            failures.append(f"run {repeat}: evaluator {got.tolist()}, TFLM's arithmetic "
                            f"{want.tolist()}")
    # The state's bytes: [2, 4] int8 + [2, 4] int16, [3, 3] int8 + 1 byte to
    # align + [3, 3] int16.
    want_state = (8 + 16) + (9 + 1 + 18)
    failures += filter(None, [state_bytes_failure(edgec, path, want_state)])
    if len(seen) < 3:
        failures.append(f"the outputs took only {len(seen)} distinct values over 4 runs: the "
                        "state is not exercised")
    if clipped == 0:
        failures.append("the first layer's cell state never reached its clip")
    failures += verify_bit_exact(edgec, path, targets, [os.path.join(work, "x.npy")],
                                 ("--repeat", "4"))
    for f in failures:
        print("FAIL", f)
    print(f"lstm_stream: 4 runs checked against TFLM's arithmetic, {len(targets)} target(s) "
          f"verified over 4 runs: {'ok' if not failures else 'FAILED'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
