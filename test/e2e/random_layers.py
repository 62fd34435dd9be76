#!/usr/bin/python3
"""Writes small ONNX models with randomly drawn layer shapes, for the int8
bit-exactness test (quant_random_layers.sh).

    random_layers.py OUT_DIR COUNT SEED [MAX_SIDE]

Each model chains, with random sizes: a general, depthwise or grouped Conv
(kernel, stride, dilation and padding drawn per model, bias or not, a fused
Relu or Clip or none), a Max or Average pool, a pointwise Conv, an Add of two
branches or a Mul by a per-channel constant, a Concat, an upsampling (Resize
x2, nearest or linear, or a ConvTranspose of stride 2), a LayerNormalization or none,
a GlobalAveragePool, a ReduceMean or a GRU / LSTM over the columns (its last
hidden state), Gemm and a final activation drawn from the ones with int8
and 16x8 kernels, or none. Also writes MODEL.input.npy (uniform in [-1, 1]).
The same seed gives the same models, so a failure is reproducible.
MAX_SIDE (default 14) bounds the input's height and width: larger maps give
the kernels' paths for pixels whose window lies wholly inside the image (the
unrolled im2col blocks) enough pixels to be taken.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def conv_out(size, k, stride, dilation, pad_begin, pad_end):
    return (size + pad_begin + pad_end - dilation * (k - 1) - 1) // stride + 1


def pool_out(size, k, stride, pad_begin, pad_end, ceil):
    span = size + pad_begin + pad_end - k
    out = (-(-span // stride) if ceil else span // stride) + 1
    # ONNX: with ceil_mode the last window must start inside the padded input.
    if ceil and (out - 1) * stride >= size + pad_begin:
        out -= 1
    return out


class Builder:
    def __init__(self, rng):
        self.rng = rng
        self.nodes, self.inits, self.count = [], [], 0

    def name(self, what):
        self.count += 1
        return f"{what}_{self.count}"

    def const(self, array):
        n = self.name("w")
        self.inits.append(numpy_helper.from_array(array.astype(np.float32), n))
        return n

    def shape(self, dims):
        n = self.name("shape")
        self.inits.append(numpy_helper.from_array(np.array(dims, np.int64), n))
        return n

    def node(self, op, inputs, **attrs):
        out = self.name(op.lower())
        self.nodes.append(helper.make_node(op, inputs, [out], name=out, **attrs))
        return out

    def conv(self, x, shape, cout, k, stride, dilation, pads, group, bias):
        c, h, w = shape[1:]
        wt = self.rng.normal(0, 1 / np.sqrt(k * k * c / group), (cout, c // group, k, k))
        inputs = [x, self.const(wt)]
        if bias:
            inputs.append(self.const(self.rng.normal(0, 0.2, cout)))
        y = self.node("Conv", inputs, kernel_shape=[k, k], strides=[stride, stride],
                      dilations=[dilation, dilation], pads=pads, group=group)
        return y, [1, cout, conv_out(h, k, stride, dilation, pads[0], pads[2]),
                   conv_out(w, k, stride, dilation, pads[1], pads[3])]

    def activation(self, x, choices):
        kind = choices[self.rng.integers(len(choices))]
        if kind == "none":
            return x
        if kind == "clip":
            lo, hi = self.const(np.array(0.0)), self.const(np.array(6.0))
            return self.node("Clip", [x, lo, hi])
        if kind == "leaky":
            return self.node("LeakyRelu", [x], alpha=0.1)
        return self.node(kind, [x])


def make_model(rng, name, max_side=14):
    b = Builder(rng)
    r = lambda lo, hi: int(rng.integers(lo, hi + 1))
    c, h, w = r(1, 6), r(5, max_side), r(5, max_side)
    shape = [1, c, h, w]
    x = "input"

    # 1. Conv: general, depthwise (multiplier 1 or 2) or grouped.
    kind = ["general", "depthwise", "grouped"][r(0, 2)]
    if kind == "grouped" and c == 1:
        kind = "general"
    k = [1, 2, 3, 5][r(0, 3)]
    dilation = r(1, 2) if k > 1 else 1
    span = dilation * (k - 1) + 1
    pads = [r(0, k - 1) for _ in range(4)]
    while min(h + pads[0] + pads[2], w + pads[1] + pads[3]) < span:
        pads = [p + 1 for p in pads]
    stride = r(1, 3)
    if kind == "general":
        group, cout = 1, r(1, 12)
    elif kind == "depthwise":
        group, cout = c, c * r(1, 2)
    else:
        group = [g for g in range(2, c + 1) if c % g == 0][0]
        cout = group * r(1, 3)
    x, shape = b.conv(x, shape, cout, k, stride, dilation, pads, group, bias=r(0, 1) == 1)
    x = b.activation(x, ["none", "Relu", "clip"])

    # 2. Pooling (when the map is large enough).
    if min(shape[2:]) >= 2:
        pk = r(2, min(3, min(shape[2:])))
        ps = r(1, 2)
        pp = [r(0, pk - 1) for _ in range(4)]
        ceil = r(0, 1)
        if r(0, 1):
            x = b.node("MaxPool", [x], kernel_shape=[pk, pk], strides=[ps, ps], pads=pp,
                       ceil_mode=ceil)
        else:
            x = b.node("AveragePool", [x], kernel_shape=[pk, pk], strides=[ps, ps], pads=pp,
                       ceil_mode=ceil, count_include_pad=r(0, 1))
        shape = [1, shape[1]] + [pool_out(shape[2 + i], pk, ps, pp[i], pp[i + 2], ceil)
                                 for i in range(2)]

    # 3. Pointwise conv, then Add or Max of two branches, Mul by a per-channel
    # constant, Min with a constant or Div by one.
    c2 = r(2, 10)
    y1, s1 = b.conv(x, shape, c2, 1, 1, 1, [0, 0, 0, 0], 1, bias=True)
    merge = r(0, 4)
    if merge <= 1:
        y2, _ = b.conv(x, shape, c2, 1, 1, 1, [0, 0, 0, 0], 1, bias=True)
        y = b.node(["Add", "Max"][merge], [b.activation(y1, ["none", "Relu"]), y2])
    elif merge == 2:
        y = b.node("Mul", [y1, b.const(rng.uniform(0.2, 2.0, (1, c2, 1, 1)))])
    elif merge == 3:
        y = b.node("Min", [y1, b.const(rng.uniform(-0.5, 1.0, (1,)))])
    else:
        y = b.node("Div", [y1, b.const(rng.uniform(0.5, 8.0, (1,)))])
    shape = s1

    # 4. Concat with another branch along channels.
    c3 = r(1, 6)
    z, _ = b.conv(y, shape, c3, 1, 1, 1, [0, 0, 0, 0], 1, bias=False)
    y = b.node("Concat", [y, z], axis=1)
    shape = [1, shape[1] + c3] + shape[2:]

    # 4b. Upsampling, as decoders and detection heads do: Resize x2 (nearest
    # or linear), or a ConvTranspose of stride 2 (zero insertion, then a conv).
    up = r(0, 4)
    if up == 4:  # or a LayerNormalization over C, H, W (transformer-style heads)
        scale = b.const(rng.uniform(0.5, 1.5, shape[1:]))
        y = b.node("LayerNormalization", [y, scale, b.const(rng.normal(0, 0.1, shape[1:]))],
                   axis=1, epsilon=1e-3)
    elif up == 1 or up == 2:
        x2 = b.const(np.array([1, 1, 2, 2]))
        y = b.node("Resize", [y, "", x2], mode=["nearest", "linear"][up - 1])
        shape = shape[:2] + [2 * shape[2], 2 * shape[3]]
    elif up == 3:
        k, cin = r(2, 3), shape[1]
        wt = rng.normal(0, 1 / np.sqrt(k * k * cin), (cin, cin, k, k))
        p = r(0, k - 1)
        y = b.node("ConvTranspose", [y, b.const(wt), b.const(rng.normal(0, 0.1, cin))],
                   kernel_shape=[k, k], strides=[2, 2], pads=[p, p, p, p])
        shape = shape[:2] + [(shape[i] - 1) * 2 - 2 * p + k for i in (2, 3)]

    # 5. Classifier, after a global average pool, a ReduceMean over H, W, or
    # a GRU / LSTM reading the columns as a sequence (its last hidden state).
    head = r(0, 2)
    features = shape[1]
    if head == 0:
        f = b.node("Flatten", [b.node("GlobalAveragePool", [y])], axis=1)
    elif head == 1:
        f = b.node("ReduceMean", [y], axes=[2, 3], keepdims=0)
    else:
        steps, width = shape[3], shape[1] * shape[2]
        seq = b.node("Reshape", [b.node("Transpose", [y], perm=[3, 0, 1, 2]),
                                 b.shape([steps, 1, width])])
        cell = ["GRU", "LSTM"][r(0, 1)]
        hidden, gates = r(3, 10), 3 if cell == "GRU" else 4
        sd = 1 / np.sqrt(hidden)
        wx = b.const(rng.uniform(-2 * sd, 2 * sd, (1, gates * hidden, width)) / np.sqrt(width / hidden))
        wh = b.const(rng.uniform(-2 * sd, 2 * sd, (1, gates * hidden, hidden)))
        bias = b.const(rng.uniform(-0.5, 0.5, (1, 2 * gates * hidden)))
        attrs = {"linear_before_reset": r(0, 1)} if cell == "GRU" else {}
        node = helper.make_node(cell, [seq, wx, wh, bias], ["", b.name("state")],
                                name=b.name(cell.lower()), hidden_size=hidden, **attrs)
        b.nodes.append(node)
        f = b.node("Reshape", [node.output[1], b.shape([1, hidden])])
        features = hidden
    n = r(2, 12)
    wt = b.const(rng.normal(0, 1 / np.sqrt(features), (n, features)))
    bias = b.const(rng.normal(0, 0.1, n))
    o = b.node("Gemm", [f, wt, bias], transB=1)
    o = b.activation(o, ["none", "Softmax", "Sigmoid", "Tanh", "HardSwish", "leaky"])
    b.nodes[-1].output[0] = "output"

    graph = helper.make_graph(
        b.nodes, name, [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, c, h, w])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, n])], b.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model, (1, c, h, w)


def main():
    out, count, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    max_side = int(sys.argv[4]) if len(sys.argv) > 4 else 14
    os.makedirs(out, exist_ok=True)
    for i in range(count):
        rng = np.random.default_rng([seed, i])
        name = f"random_{i}"
        model, shape = make_model(rng, name, max_side)
        onnx.save(model, os.path.join(out, name + ".onnx"))
        np.save(os.path.join(out, name + ".input.npy"),
                rng.uniform(-1, 1, shape).astype(np.float32))
        print(name)


if __name__ == "__main__":
    main()
