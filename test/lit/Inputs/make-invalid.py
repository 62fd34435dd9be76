#!/usr/bin/env python3
"""make-invalid.py DIR: small ONNX models that break a rule ONNX states but
edgec used to accept silently (for model-validation.test), plus calibration
and label files."""
import os
import sys
import numpy as np
import onnx
from onnx import TensorProto, helper

out = sys.argv[1]
F = TensorProto.FLOAT


def vi(name, shape, t=F):
    return helper.make_tensor_value_info(name, t, shape)


def save(name, nodes, inputs, outputs, inits=(), opsets=(("", 13),), ir=8):
    g = helper.make_graph(nodes, "g", inputs, outputs, list(inits))
    m = helper.make_model(g, opset_imports=[helper.make_opsetid(d, v) for d, v in opsets])
    m.ir_version = ir
    with open(os.path.join(out, name + ".onnx"), "wb") as f:
        f.write(m.SerializeToString())


relu = helper.make_node("Relu", ["x"], ["y"], name="relu")
save("dup-input", [relu], [vi("x", [4]), vi("x", [4])], [vi("y", [4])])
save("dup-writer", [relu, helper.make_node("Sigmoid", ["x"], ["y"], name="sig")],
     [vi("x", [4])], [vi("y", [4])])
w1 = helper.make_tensor("w", F, [4], [1, 2, 3, 4])
w2 = helper.make_tensor("w", F, [4], [5, 6, 7, 8])
save("dup-init", [helper.make_node("Add", ["x", "w"], ["y"], name="add")], [vi("x", [4])],
     [vi("y", [4])], [w1, w2])
save("two-opsets", [relu], [vi("x", [4])], [vi("y", [4])], opsets=(("", 13), ("", 17)))
save("neg-dim", [relu], [vi("x", [-3])], [vi("y", [-3])])
save("out-shape", [relu], [vi("x", [4])], [vi("y", [5])])
save("out-type", [relu], [vi("x", [4])], [vi("y", [4], TensorProto.INT64)])
bad_attr = helper.make_node("LeakyRelu", ["x"], ["y"], name="leaky")
bad_attr.attribute.append(helper.make_attribute("alpha", [0.5, 0.5]))  # FLOATS, not FLOAT
save("attr-type", [bad_attr], [vi("x", [4])], [vi("y", [4])])
save("cycle", [helper.make_node("Add", ["x", "b"], ["a"], name="first"),
               helper.make_node("Relu", ["a"], ["b"], name="second")],
     [vi("x", [4])], [vi("b", [4])])
save("unsorted", [helper.make_node("Relu", ["a"], ["y"], name="late"),
                  helper.make_node("Relu", ["x"], ["a"], name="early")],
     [vi("x", [4])], [vi("y", [4])])
save("ir-new", [relu], [vi("x", [4])], [vi("y", [4])], ir=99)
wn = helper.make_tensor("w", F, [4], [1, float("nan"), float("inf"), 4])
save("nan-weight", [helper.make_node("Add", ["x", "w"], ["y"], name="add")], [vi("x", [4])],
     [vi("y", [4])], [wn])

np.save(os.path.join(out, "calib-nan.npy"), np.full((8, 64), np.nan, np.float32))
partly = np.random.default_rng(0).uniform(-1, 1, (8, 64)).astype(np.float32)
partly[0, :3] = [np.nan, np.inf, -np.inf]
np.save(os.path.join(out, "calib-partly.npy"), partly)
np.save(os.path.join(out, "labels-bad.npy"), np.array([1, 2, 10, 3, 4, 5, 6, 7], np.int64))

# If nested 120 deep in a binary model: past protobuf's recursion limit (100).
body = [helper.make_node("Identity", ["x"], ["y"], name="leaf")]
for k in range(120):
    then = helper.make_graph(body, f"then{k}", [], [vi("y", [4])])
    other = helper.make_graph([helper.make_node("Identity", ["x"], ["y"], name=f"e{k}")],
                              f"else{k}", [], [vi("y", [4])])
    body = [helper.make_node("If", ["c"], ["y"], name=f"if{k}", then_branch=then,
                             else_branch=other)]
c = helper.make_tensor("c", TensorProto.BOOL, [], [True])
save("deep-if", body, [vi("x", [4])], [vi("y", [4])], [c])
