"""Writes layer-norms.onnx into the folder given: three normalizations of a
[1, 10, 32] sequence, each followed by a MatMul --
  LayerNormalization (opset 17, scale and bias),
  a layer norm as exporters expand it (ReduceMean, Sub, Pow(., 2),
    ReduceMean, Add eps, Sqrt, Div, Mul by the scale on the left, Add bias),
  an RMSNorm module as exporters write it (Pow, ReduceMean, Add, Sqrt,
    Reciprocal, Mul, Mul by the weight)
-- with x.npy, cal.npy, ref.npy (numpy, in float64) and x_edge.npy (rows
that stress an integer layer norm) beside it."""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

out = sys.argv[1]
r = np.random.default_rng(7)
D = 32
f32 = lambda a: np.asarray(a, np.float32)
w = {k: f32(r.uniform(0.5, 1.5, D)) for k in ("s0", "s1", "s2")}
w.update({k: f32(r.normal(0, 0.2, D)) for k in ("b0", "b1")})
w.update({k: f32(r.normal(0, 1 / np.sqrt(D), (D, D))) for k in ("m0", "m1", "m2")})
w.update(two=f32(2.0), eps1=f32(1e-5), eps2=f32(1e-6))

nodes = [
    helper.make_node("LayerNormalization", ["x", "s0", "b0"], ["n0"], axis=-1, epsilon=1e-5),
    helper.make_node("MatMul", ["n0", "m0"], ["a"]),
    helper.make_node("ReduceMean", ["a"], ["mu"], axes=[-1]),
    helper.make_node("Sub", ["a", "mu"], ["d"]),
    helper.make_node("Pow", ["d", "two"], ["d2"]),
    helper.make_node("ReduceMean", ["d2"], ["var"], axes=[-1]),
    helper.make_node("Add", ["var", "eps1"], ["ve"]),
    helper.make_node("Sqrt", ["ve"], ["sd"]),
    helper.make_node("Div", ["d", "sd"], ["nd"]),
    helper.make_node("Mul", ["s1", "nd"], ["ns"]),
    helper.make_node("Add", ["ns", "b1"], ["n1"]),
    helper.make_node("MatMul", ["n1", "m1"], ["b"]),
    helper.make_node("Pow", ["b", "two"], ["b2"]),
    helper.make_node("ReduceMean", ["b2"], ["ms"], axes=[-1]),
    helper.make_node("Add", ["ms", "eps2"], ["me"]),
    helper.make_node("Sqrt", ["me"], ["rt"]),
    helper.make_node("Reciprocal", ["rt"], ["inv"]),
    helper.make_node("Mul", ["b", "inv"], ["nb"]),
    helper.make_node("Mul", ["s2", "nb"], ["n2"]),
    helper.make_node("MatMul", ["n2", "m2"], ["y"]),
]
graph = helper.make_graph(
    nodes, "layer_norms", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 10, D])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 10, D])],
    [numpy_helper.from_array(v, k) for k, v in w.items()])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
model.ir_version = 8
onnx.checker.check_model(model)
onnx.save(model, f"{out}/layer-norms.onnx")

x = f32(r.normal(1.0, 2.0, (1, 10, D)))
np.save(f"{out}/x.npy", x)
np.save(f"{out}/cal.npy", f32(r.normal(1.0, 2.0, (8, 1, 10, D))))
# Rows that stress an integer layer norm: constant, zero, saturating both
# ends of the range, a spread of one step on a large offset.
edge = f32(r.normal(1.0, 2.0, (1, 10, D)))
edge[0, 0] = 5.0
edge[0, 1] = 0.0
edge[0, 2] = np.where(np.arange(D) % 2, 30.0, -30.0)
edge[0, 3] = np.where(np.arange(D) % 3, 6.0, 6.05)
np.save(f"{out}/x_edge.npy", edge)
g = {k: v.astype(np.float64) for k, v in w.items()}


def layer(v, s, b, eps):
    d = v - v.mean(-1, keepdims=True)
    return d / np.sqrt((d * d).mean(-1, keepdims=True) + eps) * s + b


h = layer(x.astype(np.float64), g["s0"], g["b0"], 1e-5) @ g["m0"]
h = layer(h, g["s1"], g["b1"], 1e-5) @ g["m1"]
h = h / np.sqrt((h * h).mean(-1, keepdims=True) + 1e-6) * g["s2"] @ g["m2"]
np.save(f"{out}/ref.npy", h)
