#!/usr/bin/python3
"""Writes the recurrent-layer cases: small ONNX RNN / GRU / LSTM models that
exercise what the backend node tests leave out (both directions, reverse,
sequence_lens, clip, input_forget, linear_before_reset, every activation
function with alpha / beta, batch-major layout, initial states, peepholes).

Weights are seeded random initializers; X is the only graph input. For each
case it writes <case>.onnx and <case>.input.npy beside this script; the
reference outputs <case>.ort_output_<k>.npy come from ONNX Runtime
(scripts/ort-reference.sh --recurrent). Rerun both after changing a case and
commit the results.

    test/e2e/recurrent/make_cases.py
"""
import os
import zlib

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
T, B, I = 5, 2, 3


def case(name, op, hidden, gates, attrs, directions=1, bias=True, h0=False, c0=False,
         peep=False, lens=None, layout=0, outputs=("Y", "Y_h")):
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    d = directions
    inits, inputs = [], ["X"]

    def add(n, a):
        inits.append(numpy_helper.from_array(a, n))
        inputs.append(n)

    add("W", rng.uniform(-0.6, 0.6, (d, gates * hidden, I)).astype(np.float32))
    add("R", rng.uniform(-0.6, 0.6, (d, gates * hidden, hidden)).astype(np.float32))
    add("B", rng.uniform(-0.3, 0.3, (d, 2 * gates * hidden)).astype(np.float32)) if bias \
        else inputs.append("")
    if lens is not None:
        add("sequence_lens", np.array(lens, np.int32))
    else:
        inputs.append("")
    state = (B, d, hidden) if layout else (d, B, hidden)
    add("initial_h", rng.uniform(-0.5, 0.5, state).astype(np.float32)) if h0 else inputs.append("")
    if op == "LSTM":
        add("initial_c", rng.uniform(-0.5, 0.5, state).astype(np.float32)) if c0 \
            else inputs.append("")
        add("P", rng.uniform(-0.4, 0.4, (d, 3 * hidden)).astype(np.float32)) if peep \
            else inputs.append("")
    while inputs and inputs[-1] == "":
        inputs.pop()
    if d == 2:
        attrs = dict(attrs, direction="bidirectional")
    if layout:
        attrs = dict(attrs, layout=1)
    node = helper.make_node(op, inputs, list(outputs), name=f"{op.lower()}_layer",
                            hidden_size=hidden, **attrs)
    xshape = [B, T, I] if layout else [T, B, I]
    shapes = {"Y": [B, T, d, hidden] if layout else [T, d, B, hidden],
              "Y_h": list(state), "Y_c": list(state)}
    graph = helper.make_graph(
        [node], name, [helper.make_tensor_value_info("X", TensorProto.FLOAT, xshape)],
        [helper.make_tensor_value_info(o, TensorProto.FLOAT, shapes[o]) for o in outputs if o],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)],
                              producer_name="edgec test/e2e/recurrent/make_cases.py")
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(HERE, name + ".onnx"))
    np.save(os.path.join(HERE, name + ".input.npy"),
            rng.uniform(-1, 1, xshape).astype(np.float32))
    print(name)


case("lstm_bidirectional", "LSTM", 4, 4, {}, directions=2, h0=True, c0=True, peep=True,
     outputs=("Y", "Y_h", "Y_c"))
case("lstm_reverse_lens", "LSTM", 3, 4, {"direction": "reverse"}, lens=[5, 3], h0=True,
     outputs=("Y", "Y_h", "Y_c"))
case("lstm_forget_clip_activations", "LSTM", 4, 4,
     {"input_forget": 1, "clip": 0.8, "activations": ["HardSigmoid", "Elu", "Softsign"],
      "activation_alpha": [0.3, 0.9], "activation_beta": [0.45]}, peep=True,
     outputs=("Y", "Y_h", "Y_c"))
case("lstm_batchwise_bidirectional", "LSTM", 3, 4, {}, directions=2, h0=True, c0=True,
     layout=1, outputs=("Y", "Y_h", "Y_c"))
case("gru_linear_before_reset", "GRU", 4, 3, {"linear_before_reset": 1}, directions=2,
     h0=True, lens=[4, 5])
case("gru_reverse_activations", "GRU", 3, 3,
     {"direction": "reverse", "activations": ["HardSigmoid", "ScaledTanh"],
      "activation_alpha": [0.3, 1.2], "activation_beta": [0.4, 0.7]}, bias=False)
case("rnn_bidirectional_activations", "RNN", 4, 1,
     {"activations": ["Relu", "Affine"], "activation_alpha": [0.9], "activation_beta": [0.1]},
     directions=2, lens=[2, 5], h0=True)
case("rnn_clip_activations", "RNN", 3, 1,
     {"activations": ["ThresholdedRelu", "Softplus"], "activation_alpha": [0.2], "clip": 1.1},
     directions=2)
case("rnn_leaky_relu_state_only", "RNN", 5, 1, {"activations": ["LeakyRelu"], "activation_alpha": [0.1]},
     outputs=("", "Y_h"))
