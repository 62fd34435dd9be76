#!/usr/bin/env python3
"""make-npy-cases.py DIR: inputs for harness.test: a 70-input Concat model
(textual ONNX) with its 70 inputs, Fortran-order arrays, and .npy headers
that lie (a (2^62, 4) shape, a malformed dict, trailing bytes)."""
import os
import sys
import numpy as np

out = sys.argv[1]
n = 70
ins = ", ".join(f"float[1] x{k}" for k in range(n))
args = ", ".join(f"x{k}" for k in range(n))
with open(os.path.join(out, "many.onnxtxt"), "w") as f:
    f.write('<ir_version: 8, opset_import: ["" : 13]>\n'
            f"g ({ins}) => (float[{n}] y) {{\n  y = Concat <axis = 0> ({args})\n}}\n")
for k in range(n):
    np.save(os.path.join(out, f"x{k}.npy"), np.array([k], np.float32))
np.save(os.path.join(out, "expected.npy"), np.arange(n, dtype=np.float32))

x = np.load(os.path.join(os.path.dirname(__file__), "..", "..", "..", "models",
                         "digits_cnn.input.npy"))
np.save(os.path.join(out, "cnn_fortran.npy"),
        np.asfortranarray(x.reshape(8, 8)).reshape(1, 1, 8, 8, order="A"))
# A Fortran-order array with one dimension above 1 has the C layout.
mlp = np.load(os.path.join(os.path.dirname(__file__), "..", "..", "..", "models",
                           "digits_mlp.input.npy"))
np.save(os.path.join(out, "mlp_fortran.npy"), np.asfortranarray(mlp))


def raw(name, header, payload=b""):
    h = header.encode()
    h += b" " * ((64 - (10 + len(h) + 1) % 64) % 64) + b"\n"
    with open(os.path.join(out, name), "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + bytes([len(h) & 255, len(h) >> 8]) + h + payload)


raw("huge.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4), }")
raw("malformed.npy", "{'descr': '<f4', 'fortran_order': Maybe, 'shape': (1, 64), }",
    b"\0" * 256)
raw("trailing.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 64), }",
    b"\0" * 260)
# A header claiming 8.7 GB of float64 over a few bytes (a fuzz finding: the
# reader allocated before checking the length).
raw("claims-gigabytes.npy",
    "{'descr': '<f8', 'fortran_order': False, 'shape': (4, 1, 271208856), }", b"\0" * 64)
