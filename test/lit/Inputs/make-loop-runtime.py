"""Writes loop-runtime.onnx into the folder given: two Loops whose trip count
or condition is computed at run time (textual ONNX cannot leave a Loop's
first input empty). acc: x added n times, n a graph input. doubled: x
doubled while its sum stays below 10, no trip count."""
import sys

import onnx
from onnx import TensorProto, helper

F, I, B = TensorProto.FLOAT, TensorProto.INT64, TensorProto.BOOL
add_body = helper.make_graph(
    [helper.make_node("Identity", ["c"], ["co"]), helper.make_node("Add", ["a", "x"], ["ao"])],
    "addb",
    [helper.make_tensor_value_info("i", I, []), helper.make_tensor_value_info("c", B, []),
     helper.make_tensor_value_info("a", F, [2])],
    [helper.make_tensor_value_info("co", B, []), helper.make_tensor_value_info("ao", F, [2])])
dbl_body = helper.make_graph(
    [helper.make_node("Add", ["a", "a"], ["ao"]),
     helper.make_node("ReduceSum", ["ao"], ["s"], keepdims=0),
     helper.make_node("Less", ["s", "ten"], ["co"])],
    "dblb",
    [helper.make_tensor_value_info("i", I, []), helper.make_tensor_value_info("c", B, []),
     helper.make_tensor_value_info("a", F, [2])],
    [helper.make_tensor_value_info("co", B, []), helper.make_tensor_value_info("ao", F, [2])])
graph = helper.make_graph(
    [helper.make_node("Loop", ["n", "", "x"], ["acc"], name="add_n", body=add_body),
     helper.make_node("Loop", ["", "yes", "x"], ["doubled"], name="double", body=dbl_body)],
    "loop_rt",
    [helper.make_tensor_value_info("x", F, [2]), helper.make_tensor_value_info("n", I, [])],
    [helper.make_tensor_value_info("acc", F, [2]), helper.make_tensor_value_info("doubled", F, [2])],
    [helper.make_tensor("yes", B, [], [True]), helper.make_tensor("ten", F, [], [10.0])])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
model.ir_version = 8
onnx.save(model, sys.argv[1] + "/loop-runtime.onnx")
