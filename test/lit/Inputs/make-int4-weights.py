"""Writes int4-weights.onnx into the folder given: a weight-only int4 Gemm
(per-output-channel scales, DequantizeLinear axis 0) and a uint4 MatMul
(one scale, zero point 8), with x.npy, cal.npy and the weights' integers
(w4.npy, u4.npy) beside it. ONNX 1.12's Python has no int4 type: the
TensorProto fields are set by hand (INT4 = 22, UINT4 = 21, two values a
byte, the first in the low bits)."""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

out = sys.argv[1]
r = np.random.default_rng(0)


def packed(name, dtype, values):
    t = onnx.TensorProto()
    t.name, t.data_type = name, dtype
    t.dims.extend(values.shape)
    nib = (values.astype(np.int16) & 0xF).astype(np.uint8).ravel()
    if nib.size % 2:
        nib = np.append(nib, 0)
    t.raw_data = (nib[0::2] | (nib[1::2] << 4)).astype(np.uint8).tobytes()
    return t


w4 = r.integers(-8, 8, size=(6, 8)).astype(np.int8)  # Gemm B, transB: [out, in]
u4 = r.integers(0, 16, size=(6, 5)).astype(np.uint8)  # MatMul B: [in, out]
s4 = r.uniform(0.02, 0.05, size=(6,)).astype(np.float32)
nodes = [
    helper.make_node("DequantizeLinear", ["w4", "s4"], ["w"], axis=0),
    helper.make_node("Gemm", ["x", "w"], ["h"], transB=1),
    helper.make_node("DequantizeLinear", ["u4", "su", "zu"], ["u"]),
    helper.make_node("MatMul", ["h", "u"], ["y"]),
]
inits = [packed("w4", 22, w4), numpy_helper.from_array(s4, "s4"), packed("u4", 21, u4),
         numpy_helper.from_array(np.array(0.03, np.float32), "su"), packed("zu", 21, np.array(8, np.uint8))]
zu = inits[-1]
del zu.dims[:]
g = helper.make_graph(nodes, "int4_weights", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8])],
                      [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 5])], inits)
m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 21)])
m.ir_version = 8
onnx.save(m, out + "/int4-weights.onnx")
np.save(out + "/x.npy", r.standard_normal((1, 8)).astype(np.float32))
np.save(out + "/cal.npy", r.standard_normal((32, 1, 8)).astype(np.float32))
np.save(out + "/w4.npy", w4)
np.save(out + "/u4.npy", u4)
np.save(out + "/s4.npy", s4)

# int4-matmul.onnx: a signed int4 MatMul weight [K, N] = [8, 6], one scale
# per output column (DequantizeLinear axis 1), as weight-only int4
# transformer layers arrive; m4.npy holds its integers.
m4 = r.integers(-8, 8, size=(8, 6)).astype(np.int8)
sm = r.uniform(0.02, 0.05, size=(6,)).astype(np.float32)
g = helper.make_graph(
    [helper.make_node("DequantizeLinear", ["m4", "sm"], ["wm"], axis=1),
     helper.make_node("MatMul", ["x", "wm"], ["y"])],
    "int4_matmul", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 6])],
    [packed("m4", 22, m4), numpy_helper.from_array(sm, "sm")])
m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 21)])
m.ir_version = 8
onnx.save(m, out + "/int4-matmul.onnx")
np.save(out + "/m4.npy", m4)
