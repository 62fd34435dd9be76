#!/usr/bin/python3
"""ONNX Runtime has no batch-major (layout = 1) recurrent layers, so the
reference of such a case comes from its sequence-major twin: the same
weights with layout 0, X and the initial states transposed, and ORT's outputs
transposed back.

    seq_major_twin.py twin CASE.onnx CASE.input.npy OUT_DIR   # OUT_DIR/twin.onnx, twin.input.npy
    seq_major_twin.py back PREFIX                             # PREFIX<k>.npy in place
"""
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper


def is_batch_major(model):
    return any(a.name == "layout" and a.i == 1 for n in model.graph.node for a in n.attribute)


def twin(path, input_path, out_dir):
    m = onnx.load(path)
    node = m.graph.node[0]
    for a in node.attribute:
        if a.name == "layout":
            a.i = 0
    states = set(node.input[5:7])
    for init in m.graph.initializer:
        if init.name in states:  # [B, D, H] -> [D, B, H]
            init.CopyFrom(numpy_helper.from_array(
                numpy_helper.to_array(init).transpose(1, 0, 2).copy(), init.name))

    def permute(vi, perm):
        dims = vi.type.tensor_type.shape.dim
        vals = [dims[p].dim_value for p in perm]
        for d, v in zip(dims, vals):
            d.dim_value = v

    permute(m.graph.input[0], (1, 0, 2))
    for o in m.graph.output:
        permute(o, (1, 2, 0, 3) if o.name == "Y" else (1, 0, 2))
    onnx.save(m, os.path.join(out_dir, "twin.onnx"))
    np.save(os.path.join(out_dir, "twin.input.npy"), np.load(input_path).transpose(1, 0, 2).copy())


def back(prefix):
    k = 0
    while os.path.exists(f"{prefix}{k}.npy"):
        a = np.load(f"{prefix}{k}.npy")
        np.save(f"{prefix}{k}.npy", a.transpose((2, 0, 1, 3) if a.ndim == 4 else (1, 0, 2)).copy())
        k += 1


if __name__ == "__main__":
    if sys.argv[1] == "is-batch-major":
        sys.exit(0 if is_batch_major(onnx.load(sys.argv[2])) else 1)
    if sys.argv[1] == "twin":
        twin(*sys.argv[2:5])
    else:
        back(sys.argv[2])
