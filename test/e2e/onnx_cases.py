"""Shared by the e2e scripts that build small ONNX models in the test itself
and check them against a numpy reference: each model is compiled for the
generic target, built with -Wall -Wextra -Werror and ASan/UBSan, run, and
run through the evaluator; both outputs must match the reference."""
import os
import subprocess

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def model(work, name, op, inputs, inits, node_inputs, attrs, out_shape, opset):
    """Writes <work>/<name>.onnx: one `op` node over graph inputs `inputs`
    ([(name, array)]) and initializers `inits`, with output y of `out_shape`."""
    node = helper.make_node(op, node_inputs, ["y"], name=name, **attrs)
    graph = helper.make_graph(
        [node], name,
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, a.shape) for n, a in inputs],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, out_shape)],
        [numpy_helper.from_array(a, n) for n, a in inits])
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    path = os.path.join(work, name + ".onnx")
    onnx.save(m, path)
    return path


def check(edgec, work, name, path, inputs, want, rtol=1e-4, atol=1e-4):
    """Compiles, builds and runs `path` on `inputs`, runs the evaluator, and
    compares both with `want`. Prints one line per side; returns True if both
    match."""
    d = os.path.join(work, name)
    os.makedirs(os.path.join(d, "gen-out"), exist_ok=True)
    npys = []
    for k, (_, a) in enumerate(inputs):
        npys.append(os.path.join(d, f"in{k}.npy"))
        np.save(npys[-1], a)
    gen = os.path.join(d, "gen")
    subprocess.run([edgec, "compile", path, "-t", "generic", "--harness", "-o", gen, "--name", "m"],
                   check=True, stdout=subprocess.DEVNULL)
    exe = os.path.join(d, "main")
    subprocess.run([os.environ.get("CXX", "g++"), "-std=c++20", "-O1", "-Wall", "-Wextra", "-Werror",
                    "-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-I", gen,
                    f"{gen}/m.cpp", f"{gen}/m_weights.cpp", f"{gen}/m_main.cpp", "-o", exe],
                   check=True)
    subprocess.run([exe, *npys, "-o", os.path.join(d, "gen-out")], check=True,
                   stdout=subprocess.DEVNULL)
    cmd = [edgec, "run", path, "--output-dir", os.path.join(d, "eval-out")]
    for p in npys:
        cmd += ["--input", p]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    ok = True
    for side in ("gen-out", "eval-out"):
        got = np.load(os.path.join(d, side, "out_0.npy"))
        err = np.abs(got.astype(np.float64) - want).max() if got.shape == want.shape else None
        good = err is not None and np.allclose(got, want, rtol=rtol, atol=atol)
        print(f"{name} {side}: shape {got.shape}, max abs error {err}: {'ok' if good else 'FAIL'}")
        ok &= good
    return ok
