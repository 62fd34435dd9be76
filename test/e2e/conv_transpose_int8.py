#!/usr/bin/python3
"""conv_transpose_int8.py EDGEC WORK_DIR [TARGET]

ConvTranspose without a zero-inserted tensor: small ONNX models, one per
geometry a decoder or a detection head uses (strides 2 and 3, unequal
strides, kernel dilation, padding and output_padding, auto_pad, output_shape,
groups and depthwise, 1-D, no bias, a Relu after it), each compiled with
--quantize int8 and run with `edgec verify` on TARGET (x86-64 by default).
Every case must compile to one int8 convolution over the spread input (no
edge.resample, no float layer; the reference kernel, or SMLAD's on Cortex-M), be bit-exact with the evaluator, keep its
output within 30 dB SQNR of the float model on an input it was not
calibrated on, have a float result (evaluator) equal to a NumPy
ConvTranspose computed here by scattering, independently of edgec, and float
generated code equal to the evaluator on TARGET. A small encoder-decoder
(two ConvTransposes up) must then run entirely in int8, bit-exact, in an
arena at most 0.3x its float one.
"""
import json
import os
import re
import subprocess
import sys
import zlib

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from e2e_common import run_float_and, sqnr, verify


def reference(x, w, b, strides, pads, dilations, group, output_padding, out_shape):
    """ConvTranspose by scattering every input element through the kernel
    (the definition, not the convolution edgec computes), then cropping."""
    n, c, *sp = x.shape
    k = w.shape[2:]
    cg, mg = c // group, w.shape[1]
    full = [(sp[i] - 1) * strides[i] + (k[i] - 1) * dilations[i] + 1 + output_padding[i]
            for i in range(len(sp))]
    y = np.zeros([n, mg * group] + full, np.float64)
    for g in range(group):
        for ci in range(cg):
            for idx in np.ndindex(*sp):
                v = x[:, g * cg + ci][(slice(None),) + idx]
                for kidx in np.ndindex(*k):
                    pos = tuple(idx[i] * strides[i] + kidx[i] * dilations[i]
                                for i in range(len(sp)))
                    wv = w[g * cg + ci, :, *kidx]
                    y[(slice(None), slice(g * mg, (g + 1) * mg)) + pos] += \
                        v[:, None] * wv[None, :]
    if b is not None:
        y += b.reshape([1, -1] + [1] * len(sp))
    crop = tuple(slice(pads[i], pads[i] + out_shape[i]) for i in range(len(sp)))
    return y[(slice(None), slice(None)) + crop].astype(np.float32)


def case(name, c, m, spatial, kernel, strides, group=1, pads=None, dilations=None,
         output_padding=None, auto_pad=None, output_shape=None, bias=True, relu=False):
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    r = len(spatial)
    dilations = dilations or [1] * r
    output_padding = output_padding or [0] * r
    w = rng.normal(0, 1 / np.sqrt(c // group * np.prod(kernel)),
                   [c, m // group] + kernel).astype(np.float32)
    b = rng.normal(0, 0.2, m).astype(np.float32) if bias else None
    # Output size and the begin padding, as the ONNX operator defines them.
    full = [(spatial[i] - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 +
            output_padding[i] for i in range(r)]
    if output_shape or auto_pad in ("SAME_UPPER", "SAME_LOWER"):
        target = output_shape or [spatial[i] * strides[i] for i in range(r)]
        total = [full[i] - target[i] for i in range(r)]
        begin = [t // 2 if auto_pad != "SAME_LOWER" else t - t // 2 for t in total]
        out = target
    else:
        pads = pads or [0] * (2 * r)
        begin = pads[:r]
        out = [full[i] - pads[i] - pads[r + i] for i in range(r)]
    attrs = {"kernel_shape": kernel, "strides": strides, "group": group}
    if any(d != 1 for d in dilations):
        attrs["dilations"] = dilations
    if any(output_padding):
        attrs["output_padding"] = output_padding
    if auto_pad:
        attrs["auto_pad"] = auto_pad
    elif output_shape:
        attrs["output_shape"] = output_shape
    elif pads:
        attrs["pads"] = pads
    inits = [numpy_helper.from_array(w, "W")] + ([numpy_helper.from_array(b, "B")] if bias else [])
    nodes = [helper.make_node("ConvTranspose", ["X", "W"] + (["B"] if bias else []),
                              ["T" if relu else "Y"], name=f"{name}_up", **attrs)]
    if relu:
        nodes.append(helper.make_node("Relu", ["T"], ["Y"], name=f"{name}_relu"))
    graph = helper.make_graph(
        nodes, name, [helper.make_tensor_value_info("X", TensorProto.FLOAT, [1, c] + spatial)],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [1, m] + out)], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                              producer_name="edgec test/e2e/conv_transpose_int8.py")
    onnx.checker.check_model(model)

    def ref(x):
        y = reference(x, w, b, strides, begin, dilations, group, output_padding, out)
        return np.maximum(y, 0) if relu else y
    return name, model, [1, c] + spatial, ref, rng


CASES = [
    case("s2_k3_pads_outpad", 4, 6, [5, 6], [3, 3], [2, 2], pads=[1, 1, 1, 1],
         output_padding=[1, 1]),
    case("s2_k2_no_bias", 3, 5, [4, 4], [2, 2], [2, 2], bias=False),
    case("s3_k3_dilated_uneven_pads", 3, 4, [4, 5], [3, 3], [3, 3], dilations=[2, 1],
         pads=[2, 1, 0, 2]),
    case("strides_1x2", 4, 4, [3, 6], [3, 4], [1, 2], pads=[1, 1, 1, 1]),
    case("group2", 4, 6, [5, 5], [3, 3], [2, 2], group=2, pads=[1, 1, 0, 0]),
    case("depthwise_k4", 6, 6, [6, 6], [4, 4], [2, 2], group=6, pads=[1, 1, 1, 1]),
    case("one_d_k4", 5, 4, [9], [4], [2], pads=[1, 1]),
    case("same_upper", 3, 4, [5, 5], [3, 3], [2, 2], auto_pad="SAME_UPPER"),
    case("output_shape", 3, 3, [4, 4], [3, 3], [2, 2], output_shape=[8, 9]),
    case("relu_after", 4, 8, [6, 6], [3, 3], [2, 2], pads=[1, 1, 1, 1], relu=True),
]


def compile_report(edgec, path, target, out, flags):
    """`edgec compile` into OUT (replacing an earlier run's): its report.json
    and generated source, or (None, what failed)."""
    force = ["--force"] if os.path.isdir(out) else []
    r = subprocess.run([edgec, "compile", path, "-t", target, "-o", out] + flags + force,
                       capture_output=True, text=True)
    if r.returncode != 0:
        return None, f"compile failed:\n{r.stdout}{r.stderr}"
    with open(os.path.join(out, "report.json")) as f:
        report = json.load(f)
    name = os.path.splitext(os.path.basename(path))[0]
    with open(os.path.join(out, name + ".cpp")) as f:
        return (report, f.read()), None


def decoder():
    """An encoder-decoder of the shape segmentation and detection heads use:
    two stride-2 convolutions down, two stride-2 ConvTransposes (k4, p1) back
    up, Relu between, a Sigmoid map out."""
    rng = np.random.default_rng(zlib.crc32(b"decoder"))
    chans = [(3, 8, "Conv"), (8, 16, "Conv"), (16, 8, "ConvTranspose"), (8, 2, "ConvTranspose")]
    nodes, inits, x = [], [], "X"
    for i, (cin, cout, op) in enumerate(chans):
        shape = [cout, cin, 3, 3] if op == "Conv" else [cin, cout, 4, 4]
        fan = cin * (9 if op == "Conv" else 4)
        inits += [numpy_helper.from_array(rng.normal(0, 1.5 / np.sqrt(fan), shape)
                                          .astype(np.float32), f"w{i}"),
                  numpy_helper.from_array(rng.normal(0, 0.1, cout).astype(np.float32), f"b{i}")]
        kw = {"kernel_shape": shape[2:], "strides": [2, 2], "pads": [1, 1, 1, 1]}
        nodes.append(helper.make_node(op, [x, f"w{i}", f"b{i}"], [f"c{i}"], name=f"layer{i}",
                                      **kw))
        act = "Relu" if i < len(chans) - 1 else "Sigmoid"
        nodes.append(helper.make_node(act, [f"c{i}"], [f"a{i}"], name=f"act{i}"))
        x = f"a{i}"
    graph = helper.make_graph(
        nodes, "decoder", [helper.make_tensor_value_info("X", TensorProto.FLOAT, [1, 3, 32, 32])],
        [helper.make_tensor_value_info(x, TensorProto.FLOAT, [1, 2, 32, 32])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                              producer_name="edgec test/e2e/conv_transpose_int8.py")
    onnx.checker.check_model(model)
    return model, rng


def check_decoder(edgec, work, target, failures):
    """The decoder in int8: every layer int8, bit-exact on the target, and an
    arena at most 0.3x the float one (no zero-inserted tensor in either)."""
    model, rng = decoder()
    d = os.path.join(work, "decoder")
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, "decoder.onnx")
    onnx.save(model, path)
    np.savez(os.path.join(d, "calib.npz"),
             X=rng.uniform(-1, 1, [32, 1, 3, 32, 32]).astype(np.float32))
    np.save(os.path.join(d, "x.npy"), rng.uniform(-1, 1, [1, 3, 32, 32]).astype(np.float32))
    q = ["--quantize", "int8", "--calibration", os.path.join(d, "calib.npz")]
    arena = {}
    for mode, extra in [("float", []), ("int8", q)]:
        got, problem = compile_report(edgec, path, target, os.path.join(d, mode), extra)
        if problem:
            failures.append(f"decoder ({mode}): {problem}")
            return
        report = got[0]
        arena[mode] = report["arena_bytes"]
        if mode == "int8":
            floats = [l["node"] for l in report["layers"] if l.get("precision") != "int8"]
            if floats or any(l["op"] == "resample" for l in report["layers"]):
                failures.append(f"decoder: layers not in int8 or a zero-inserted tensor: "
                                f"{floats}")
                return
    problem = verify(edgec, path, target, [os.path.join(d, "x.npy")], q)
    if problem:
        failures.append(f"decoder: {problem}")
        return
    ratio = arena["int8"] / arena["float"]
    line = (f"decoder: {target} bit-exact, arena {arena['float']:,} B float -> "
            f"{arena['int8']:,} B int8 ({ratio:.2f}x)")
    print(line)
    if ratio > 0.3:
        failures.append(line + " (above 0.3x)")


def main():
    edgec, work = sys.argv[1], sys.argv[2]
    target = sys.argv[3] if len(sys.argv) > 3 else "x86-64"
    os.makedirs(work, exist_ok=True)
    failures = []
    for name, model, shape, ref, rng in CASES:
        d = os.path.join(work, name)
        os.makedirs(d, exist_ok=True)
        path = os.path.join(d, name + ".onnx")
        onnx.save(model, path)
        np.savez(os.path.join(d, "calib.npz"),
                 X=rng.uniform(-1, 1, [64] + shape).astype(np.float32))
        sample = rng.uniform(-1, 1, shape).astype(np.float32)
        np.save(os.path.join(d, "x.npy"), sample)
        q = ["--quantize", "int8", "--calibration", os.path.join(d, "calib.npz")]
        got, problem = compile_report(edgec, path, target, os.path.join(d, "code"), q)
        if problem:
            failures.append(f"{name}: {problem}")
            continue
        layers, code = got[0]["layers"], got[1]
        # (a 1-D layer is lifted to 2-D by reshapes, which are views)
        ops = [(l["op"], l.get("precision")) for l in layers if l["op"] != "reshape"]
        # The reference kernel, or on cores with DSP its SMLAD one.
        if ops != [("conv2d", "int8")] or not re.search(r"edgec::(arm::)?conv2d_s8(_dsp)?<", code):
            failures.append(f"{name}: not one int8 convolution over the spread input on "
                            f"{target}: {ops}")
            continue
        problem = verify(edgec, path, target, [os.path.join(d, "x.npy")], q) or \
            verify(edgec, path, target, [os.path.join(d, "x.npy")], [])
        if problem:
            failures.append(f"{name}: {problem}")
            continue
        outs, problem = run_float_and(edgec, path, d, [os.path.join(d, "x.npy")], q)
        if problem:
            failures.append(f"{name}: {problem}")
            continue
        expected = ref(sample)
        if outs["float"].shape != expected.shape or \
                not np.allclose(outs["float"], expected, rtol=1e-4, atol=1e-5):
            failures.append(f"{name}: float result differs from the NumPy ConvTranspose "
                            f"(shape {outs['float'].shape} vs {expected.shape})")
            continue
        db = sqnr(expected, outs["int8"])
        line = f"{name}: {target} bit-exact, int8 {db:.1f} dB against float"
        print(line)
        if db < 30:
            failures.append(line + " (below 30 dB)")
    check_decoder(edgec, work, target, failures)
    if failures:
        sys.exit("\n".join(failures))


if __name__ == "__main__":
    main()
