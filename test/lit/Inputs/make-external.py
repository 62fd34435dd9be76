#!/usr/bin/env python3
"""make-external.py OUT.onnx LOCATION [OFFSET] [LENGTH]: a one-node model
(y = x + w, w a float[4] initializer) whose w is external data at LOCATION,
with OFFSET / LENGTH written as given (strings, to test strict parsing)."""
import sys
import onnx
from onnx import TensorProto, helper

out, location = sys.argv[1], sys.argv[2]
w = TensorProto()
w.name = "w"
w.data_type = TensorProto.FLOAT
w.dims.extend([4])
w.data_location = TensorProto.EXTERNAL
entries = [("location", location)]
if len(sys.argv) > 3 and sys.argv[3] != "-":
    entries.append(("offset", sys.argv[3]))
if len(sys.argv) > 4:
    entries.append(("length", sys.argv[4]))
for k, v in entries:
    e = w.external_data.add()
    e.key, e.value = k, v
graph = helper.make_graph(
    [helper.make_node("Add", ["x", "w"], ["y"], name="add")], "g",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [4])], [w])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
model.ir_version = 8
with open(out, "wb") as f:
    f.write(model.SerializeToString())
