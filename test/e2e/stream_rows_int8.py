#!/usr/bin/python3
"""stream_rows_int8.py EDGEC WORK_DIR [TARGET]

Chains of int8 convolutions that edgec streams a band of rows at a time
(passes/Memory/Stream.h): every layer but the last keeps only the rows the
next one still reads, and the last, an add or a convolution, writes its rows
of the result at each step. The cases take the plan's different paths: a
residual block whose add writes over the chain's input (the first layer reads
it until the last step), windows of 3x3, 5x5 and dilated 3x3, a stride-2
first layer whose rows advance two at a time, the shortcut of a downsampling
block streamed into the add over the body's output, asymmetric padding (no
row above, two below), odd widths and odd channel counts (the filter after
the pairs), a chain that ends in a convolution, and depthwise layers (a
MobileNetV1 front whose last layer writes the graph output, a MobileNetV2
inverted residual block with a 5x5 depthwise window).

Each model is compiled with --quantize int8 for TARGET (cortex-m4 by
default), as it comes (one row per step, doubled while the arena stays as
small) and with --stream-rows 3 (steps of three rows, the last one shorter
where the height is not a multiple of three): the generated code must run
the expected layers in a stream (its comment in the schedule), and `edgec
verify` must find the generated integers equal to the evaluator's.
"""
import os
import subprocess
import sys
import zlib

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from e2e_common import verify


def conv(name, x, y, w, b, **attrs):
    return helper.make_node("Conv", [x, w, b], [y], name=name, **attrs)


class Builder:
    def __init__(self, name):
        self.rng = np.random.default_rng(zlib.crc32(name.encode()))
        self.inits, self.nodes, self.name = [], [], name

    def conv(self, node, x, y, cin, cout, k, relu=True, group=1, **attrs):
        w = self.rng.normal(0, 1 / np.sqrt(cin // group * k[0] * k[1]),
                            (cout, cin // group, k[0], k[1]))
        self.inits.append(numpy_helper.from_array(w.astype(np.float32), f"{node}_W"))
        self.inits.append(numpy_helper.from_array(
            self.rng.normal(0, 0.2, cout).astype(np.float32), f"{node}_B"))
        out = f"{y}_pre" if relu else y
        self.nodes.append(conv(f"{self.name}_{node}", x, out, f"{node}_W", f"{node}_B",
                               kernel_shape=list(k), group=group, **attrs))
        if relu:
            self.nodes.append(helper.make_node("Relu", [out], [y], name=f"{self.name}_{node}_relu"))

    def add(self, node, a, b, y):
        self.nodes.append(helper.make_node("Add", [a, b], [f"{y}_pre"], name=f"{self.name}_{node}"))
        self.nodes.append(helper.make_node("Relu", [f"{y}_pre"], [y], name=f"{self.name}_{node}_relu"))

    def model(self, chw, out_shape):
        graph = helper.make_graph(
            self.nodes, self.name,
            [helper.make_tensor_value_info("X", TensorProto.FLOAT, [1, *chw])],
            [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [1, *out_shape])], self.inits)
        m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
        m.ir_version = 8
        x = self.rng.uniform(-1, 1, (1, *chw)).astype(np.float32)
        return m, x


def residual(name, c, h, w, mid, kb, pb, db, kc, pc, dc):
    """X -> in (pointwise) = A -> b -> c -> add(c, A) -> out (pointwise) -> Y."""
    g = Builder(name)
    g.conv("in", "X", "A", 3, c, (1, 1))
    g.conv("b", "A", "B", c, mid, kb, pads=pb, dilations=[db, db])
    g.conv("c", "B", "C", mid, c, kc, relu=False, pads=pc, dilations=[dc, dc])
    g.add("add", "C", "A", "S")
    g.conv("out", "S", "Y", c, 3, (1, 1), relu=False)
    return g.model((3, h, w), (3, h, w)), [f"{name}_b", f"{name}_c"]


def downsample(name, c, h, w):
    """A -> b (3x3, stride 2) -> c; A -> shortcut (1x1, stride 2); add(c, shortcut)."""
    g = Builder(name)
    g.conv("in", "X", "A", 3, c, (1, 1))
    g.conv("b", "A", "B", c, 2 * c, (3, 3), pads=[1, 1, 1, 1], strides=[2, 2])
    g.conv("c", "B", "C", 2 * c, 2 * c, (3, 3), relu=False, pads=[1, 1, 1, 1])
    g.conv("shortcut", "A", "D", c, 2 * c, (1, 1), relu=False, strides=[2, 2])
    g.add("add", "C", "D", "S")
    g.conv("out", "S", "Y", 2 * c, 3, (1, 1), relu=False)
    oh, ow = (h + 1) // 2, (w + 1) // 2
    return g.model((3, h, w), (3, oh, ow)), [f"{name}_shortcut"]


def ends_in_conv(name, c, h, w):
    """A -> b -> c, and c is read twice (so the chain ends there); A is read
    again after it, so its rows and c's whole output are live together."""
    g = Builder(name)
    g.conv("in", "X", "A", 3, c, (1, 1))
    g.conv("b", "A", "B", c, 2 * c, (3, 3), pads=[1, 1, 1, 1])
    g.conv("c", "B", "C", 2 * c, c, (3, 3), pads=[1, 1, 1, 1])
    g.add("add", "C", "A", "S")
    g.add("add2", "S", "C", "T")
    g.conv("out", "T", "Y", c, 3, (1, 1), relu=False)
    return g.model((3, h, w), (3, h, w)), [f"{name}_b"]


# name, model; every case also runs with --stream-rows 3 but the dilated one,
# whose 9 rows in three steps of bands of 7 and 3 rows make no smaller arena
# than running its layers whole (so the plan keeps them whole).
def mobilenet(name, h, w):
    """MobileNetV1's first layers: a stride-2 convolution, then depthwise and
    pointwise layers (the second depthwise one with stride 2) to the graph
    output, which the stream's last layer writes a band of rows at a time."""
    g = Builder(name)
    g.conv("in", "X", "A", 3, 8, (3, 3), pads=[1, 1, 1, 1], strides=[2, 2])
    g.conv("dw1", "A", "B", 8, 8, (3, 3), group=8, pads=[1, 1, 1, 1])
    g.conv("pw1", "B", "C", 8, 16, (1, 1))
    g.conv("dw2", "C", "D", 16, 16, (3, 3), group=16, pads=[1, 1, 1, 1], strides=[2, 2])
    g.conv("pw2", "D", "Y", 16, 6, (1, 1), relu=False)
    oh, ow = (h + 1) // 2, (w + 1) // 2
    oh, ow = (oh + 1) // 2, (ow + 1) // 2
    return g.model((3, h, w), (6, oh, ow)), [f"{name}_{n}" for n in ("in", "dw1", "pw1", "dw2")]


def inverted_residual(name, c, h, w):
    """MobileNetV2's block: expand (pointwise), depthwise 5x5, project, add."""
    g = Builder(name)
    g.conv("in", "X", "A", 3, c, (1, 1))
    g.conv("expand", "A", "B", c, 4 * c, (1, 1))
    g.conv("dw", "B", "C", 4 * c, 4 * c, (5, 5), group=4 * c, pads=[2, 2, 2, 2])
    g.conv("project", "C", "D", 4 * c, c, (1, 1), relu=False)
    g.add("add", "D", "A", "S")
    g.conv("out", "S", "Y", c, 3, (1, 1), relu=False)
    return g.model((3, h, w), (3, h, w)), [f"{name}_{n}" for n in ("expand", "dw", "project")]


CASES = [
    ("res_k3_odd_w", lambda n: residual(n, 8, 10, 9, 8, (3, 3), [1, 1, 1, 1], 1, (3, 3),
                                        [1, 1, 1, 1], 1)),
    ("res_k5_dilated_odd_c", lambda n: residual(n, 5, 9, 7, 7, (5, 5), [2, 2, 2, 2], 1, (3, 3),
                                                [2, 2, 2, 2], 2)),
    ("res_asymmetric", lambda n: residual(n, 6, 8, 11, 6, (3, 3), [0, 1, 2, 1], 1, (3, 3),
                                          [2, 1, 0, 1], 1)),
    ("downsample_odd", lambda n: downsample(n, 8, 23, 21)),
    ("ends_in_conv", lambda n: ends_in_conv(n, 8, 12, 10)),
    ("mobilenet_odd", lambda n: mobilenet(n, 29, 27)),
    ("inverted_residual", lambda n: inverted_residual(n, 6, 11, 13)),
]


def main():
    edgec, work = sys.argv[1], sys.argv[2]
    target = sys.argv[3] if len(sys.argv) > 3 else "cortex-m4"
    os.makedirs(work, exist_ok=True)
    failures = []
    for name, make in CASES:
        (onnx_model, x), streamed = make(name)
        path = os.path.join(work, f"{name}.onnx")
        onnx.save(onnx_model, path)
        xp = os.path.join(work, f"{name}.input.npy")
        np.save(xp, x)
        for rows in ([], ["--stream-rows", "3"]) if "dilated" not in name else ([],):
            flags = ["--quantize", "int8", "--calibration", xp] + rows
            label = f"{name}{' ' + ' '.join(rows) if rows else ''}"
            out = os.path.join(work, f"{name}-gen")
            r = subprocess.run([edgec, "compile", path, "-t", target, "-o", out, "--name", "m"]
                               + flags, capture_output=True, text=True)
            if r.returncode != 0:
                failures.append(f"{label}: compile failed:\n{r.stdout}{r.stderr}")
                continue
            with open(os.path.join(out, "m.cpp")) as f:
                code = f.read()
            missing = [n for n in streamed
                       if f"node '{n}' (edge.conv2d): runs a band of rows at a time" not in code]
            if missing:
                failures.append(f"{label}: not streamed: {', '.join(missing)}")
                continue
            problem = verify(edgec, path, target, [xp], flags)
            if problem:
                failures.append(f"{label}: {problem}")
            else:
                print(f"{label}: {', '.join(streamed)} streamed, bit-exact on {target}")
    if failures:
        print("\n".join(failures))
        sys.exit(1)
    print(f"{len(CASES)} streams, bit-exact on {target}")


if __name__ == "__main__":
    main()
