#!/usr/bin/python3
"""Writes the RoiAlign cases the node tests leave out: max mode, adaptive
sampling (sampling_ratio 0), a spatial_scale, several images and regions
that leave the image. X is the only graph input (rois and batch_indices are
initializers); references come from ONNX Runtime
(scripts/ort-reference.sh --cases test/e2e/roialign). Rerun both after a change.
"""
import os
import zlib

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))


def case(name, attrs, rois, batch, x_shape=(2, 3, 12, 10), opset=16):
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    rois = np.array(rois, np.float32)
    oh, ow = attrs.get("output_height", 1), attrs.get("output_width", 1)
    node = helper.make_node("RoiAlign", ["X", "rois", "batch_indices"], ["Y"],
                            name="roi_align", **attrs)
    graph = helper.make_graph(
        [node], name, [helper.make_tensor_value_info("X", TensorProto.FLOAT, list(x_shape))],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT,
                                       [len(rois), x_shape[1], oh, ow])],
        [numpy_helper.from_array(rois, "rois"),
         numpy_helper.from_array(np.array(batch, np.int64), "batch_indices")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                              producer_name="edgec test/e2e/roialign/make_cases.py")
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(HERE, name + ".onnx"))
    np.save(os.path.join(HERE, name + ".input.npy"),
            rng.uniform(-1, 1, x_shape).astype(np.float32))
    print(name)


regions = [[0, 0, 9, 11], [2.5, 1.2, 7.7, 6.1], [-3, -2, 4, 5], [5, 8, 14, 15]]
case("max_half_pixel", {"mode": "max", "output_height": 3, "output_width": 4,
                        "sampling_ratio": 2}, regions, [0, 1, 1, 0])
case("max_output_half_pixel", {"mode": "max", "output_height": 2, "output_width": 2,
                               "sampling_ratio": 3,
                               "coordinate_transformation_mode": "output_half_pixel"},
     regions, [1, 0, 1, 0])
case("avg_adaptive_scaled", {"mode": "avg", "output_height": 4, "output_width": 3,
                             "sampling_ratio": 0, "spatial_scale": 0.5},
     [[0, 0, 19, 23], [4, 6, 12, 20], [1, 1, 3, 2]], [0, 1, 0])
case("avg_opset10", {"output_height": 3, "output_width": 3, "sampling_ratio": 0},
     regions, [0, 0, 1, 1], opset=10)
