#!/usr/bin/python3
"""recurrent_int8.py EDGEC WORK_DIR [TARGET]

Integer RNN / GRU / LSTM layers (recurrent_s8): small ONNX models with
ONNX's default activations, one per variant the integer cell has (every
cell; GRU with and without linear_before_reset; LSTM with input_forget and
clip; forward, reverse and bidirectional; sequence_lens; initial states as
constants and as graph inputs, so the calibration has two and three inputs),
each compiled with --quantize int8 and run with `edgec verify` on TARGET
(x86-64 by default). Every case must have its recurrent layer in int8, be
bit-exact with the evaluator, and keep its first output within 30 dB SQNR of
the float model on inputs it was not calibrated on.
"""
import os
import subprocess
import sys
import zlib

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from e2e_common import run_float_and, sqnr, verify

T, B, I = 12, 2, 6


def case(name, op, hidden, attrs, directions=1, h0=None, c0=None, lens=None,
         outputs=("Y", "Y_h")):
    """h0 / c0: None, "const" or "input"."""
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    gates = {"RNN": 1, "GRU": 3, "LSTM": 4}[op]
    d = directions
    inits, inputs, graph_inputs, feeds = [], ["X"], [], {}

    def add(n, a):
        inits.append(numpy_helper.from_array(a, n))
        inputs.append(n)

    def state(n, kind):
        if kind is None:
            inputs.append("")
            return
        v = rng.uniform(-0.8, 0.8, (d, B, hidden)).astype(np.float32)
        if kind == "const":
            add(n, v)
        else:
            inputs.append(n)
            graph_inputs.append(helper.make_tensor_value_info(n, TensorProto.FLOAT, [d, B, hidden]))
            feeds[n] = v

    scale = 1.0 / np.sqrt(hidden)
    add("W", rng.uniform(-2 * scale, 2 * scale, (d, gates * hidden, I)).astype(np.float32))
    add("R", rng.uniform(-2 * scale, 2 * scale, (d, gates * hidden, hidden)).astype(np.float32))
    add("B", rng.uniform(-0.5, 0.5, (d, 2 * gates * hidden)).astype(np.float32))
    if lens is not None:
        add("sequence_lens", np.array(lens, np.int32))
    else:
        inputs.append("")
    state("initial_h", h0)
    if op == "LSTM":
        state("initial_c", c0)
    while inputs and inputs[-1] == "":
        inputs.pop()
    if d == 2:
        attrs = dict(attrs, direction="bidirectional")
    node = helper.make_node(op, inputs, list(outputs), name=f"{name}_layer", hidden_size=hidden,
                            **attrs)
    shapes = {"Y": [T, d, B, hidden], "Y_h": [d, B, hidden], "Y_c": [d, B, hidden]}
    graph = helper.make_graph(
        [node], name,
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, [T, B, I])] + graph_inputs,
        [helper.make_tensor_value_info(o, TensorProto.FLOAT, shapes[o]) for o in outputs],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)],
                              producer_name="edgec test/e2e/recurrent_int8.py")
    onnx.checker.check_model(model)
    feeds = {"X": None, **feeds}
    return name, model, feeds, rng


CASES = [
    case("rnn", "RNN", 8, {}, h0="const"),
    case("rnn_bidirectional_lens", "RNN", 6, {}, directions=2, lens=[12, 7]),
    case("gru", "GRU", 8, {}, h0="input"),
    case("gru_linear_before_reset_reverse", "GRU", 7, {"linear_before_reset": 1,
                                                       "direction": "reverse"}),
    case("gru_bidirectional_clip", "GRU", 5, {"clip": 2.5}, directions=2, h0="const"),
    case("lstm", "LSTM", 8, {}, outputs=("Y", "Y_h", "Y_c")),
    case("lstm_states_inputs", "LSTM", 6, {}, h0="input", c0="input",
         outputs=("Y", "Y_h", "Y_c")),
    case("lstm_forget_clip_reverse_lens", "LSTM", 7,
         {"input_forget": 1, "clip": 3.0, "direction": "reverse"}, lens=[9, 12], c0="const"),
    case("lstm_bidirectional", "LSTM", 5, {}, directions=2, h0="const", c0="const"),
]


def main():
    edgec, work = sys.argv[1], sys.argv[2]
    target = sys.argv[3] if len(sys.argv) > 3 else "x86-64"
    os.makedirs(work, exist_ok=True)
    failures = []
    for name, model, feeds, rng in CASES:
        d = os.path.join(work, name)
        os.makedirs(d, exist_ok=True)
        path = os.path.join(d, name + ".onnx")
        onnx.save(model, path)
        # Calibration: 64 samples per input (.npz keyed by input name); the
        # check runs on one sample drawn apart from them.
        calib, inputs = {}, []
        for n, v in feeds.items():
            shape = [T, B, I] if n == "X" else list(v.shape)
            calib[n] = rng.uniform(-1, 1, [64] + shape).astype(np.float32)
            if n != "X":
                calib[n] *= 0.8
            sample = rng.uniform(-1, 1, shape).astype(np.float32) * (1 if n == "X" else 0.8)
            np.save(os.path.join(d, n + ".npy"), sample)
            inputs.append(os.path.join(d, n + ".npy"))
        np.savez(os.path.join(d, "calib.npz"), **calib)
        q = ["--quantize", "int8", "--calibration", os.path.join(d, "calib.npz")]
        report = subprocess.run([edgec, "inspect", path] + q, capture_output=True, text=True)
        rows = [l.split() for l in report.stdout.splitlines()]
        precision = [r[r.index("recurrent") + 1] for r in rows
                     if "recurrent" in r and r.index("recurrent") == 1 and len(r) > 3
                     and r[2] in ("int8", "float")]
        if precision != ["int8"]:
            failures.append(f"{name}: the recurrent layer is {precision or 'missing'}, not int8\n"
                            + report.stdout + report.stderr)
            continue
        problem = verify(edgec, path, target, inputs, q)
        if problem:
            failures.append(f"{name}: {problem}")
            continue
        outs, problem = run_float_and(edgec, path, d, inputs, q)
        if problem:
            failures.append(f"{name}: {problem}")
            continue
        db = sqnr(outs["float"], outs["int8"])
        line = f"{name}: {target} bit-exact, first output {db:.1f} dB against float"
        print(line)
        if db < 30:
            failures.append(line + " (below 30 dB)")
    if failures:
        sys.exit("\n".join(failures))


if __name__ == "__main__":
    main()
