#!/usr/bin/python3
"""Two models whose control or bounds depend on the data, as real exports
have them (issue 21):

wakeword_two_stage: a keyword head in two stages. A linear score of the 40
    features (Gemm, Sigmoid) decides, at run time, whether the verifier MLP
    (Gemm 40->16, Relu, Gemm 16->2, Softmax) runs: If(score > 0.5), its
    else branch a constant "no keyword" [1, 0]. Outputs: the score and the
    two probabilities.
audio_topdb: a log-power front end with a top-dB floor, as audio exports
    write it: power = x^2 + 1e-10, dB = 10 log10(power), then
    Clip(dB, min = ReduceMax(dB) - 80) -- a bound computed from the data --
    followed by Conv 3x3 (1->4), Relu, the mean over time and frequency and
    a Gemm to 3 classes.

Run with Debian's Python (python3-numpy, python3-onnx; no torch):
    /usr/bin/python3 models/export_control.py [--out models]

Weights are seeded normals (untrained). Each reference output is computed
here with NumPy in float64, independently of edgec; scripts/ort-reference.sh
--cases models wakeword_two_stage audio_topdb adds ONNX Runtime's. The
bundled wake-word input makes the first stage fire (the then branch runs);
test/lit/cli/if-runtime.test takes the other branch too.

Writes <model>.onnx, .input.npy, .output.npy (the first output) and
.output_<k>.npy (each further one), and the manifest entries.
"""
import argparse
import json
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

SEED = 20261207


def wakeword(rng):
    w = {
        "w1": rng.normal(0, 0.3, (1, 40)), "w2": rng.normal(0, 0.3, (16, 40)),
        "b2": rng.normal(0, 0.1, 16), "w3": rng.normal(0, 0.5, (2, 16)), "b3": rng.normal(0, 0.1, 2),
        "half": [0.5], "no_keyword": [[1.0, 0.0]],
    }
    x = rng.uniform(-1, 1, (1, 40))
    # The first stage fires on the bundled input: its logit is 1.
    w["b1"] = [1.0 - float(x @ np.asarray(w["w1"]).T)]
    w = {k: np.asarray(v, np.float32) for k, v in w.items()}
    node = helper.make_node
    then_branch = helper.make_graph(
        [node("Gemm", ["features", "w2", "b2"], ["h"], transB=1, name="verifier_fc1"),
         node("Relu", ["h"], ["hr"], name="verifier_relu"),
         node("Gemm", ["hr", "w3", "b3"], ["v"], transB=1, name="verifier_fc2"),
         node("Softmax", ["v"], ["p_then"], axis=-1, name="verifier_softmax")],
        "verify", [], [helper.make_tensor_value_info("p_then", TensorProto.FLOAT, [1, 2])])
    else_branch = helper.make_graph(
        [node("Identity", ["no_keyword"], ["p_else"], name="no_keyword")],
        "skip", [], [helper.make_tensor_value_info("p_else", TensorProto.FLOAT, [1, 2])])
    nodes = [
        node("Gemm", ["features", "w1", "b1"], ["logit"], transB=1, name="stage1_fc"),
        node("Sigmoid", ["logit"], ["score"], name="stage1_sigmoid"),
        node("Greater", ["score", "half"], ["fires"], name="stage1_fires"),
        node("If", ["fires"], ["probs"], then_branch=then_branch, else_branch=else_branch,
             name="stage2_if"),
    ]
    graph = helper.make_graph(
        nodes, "wakeword_two_stage",
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, [1, 40])],
        [helper.make_tensor_value_info("score", TensorProto.FLOAT, [1, 1]),
         helper.make_tensor_value_info("probs", TensorProto.FLOAT, [1, 2])],
        [numpy_helper.from_array(v, k) for k, v in w.items()])
    return graph, w, x.astype(np.float32)


def wakeword_reference(x, w):
    w = {k: v.astype(np.float64) for k, v in w.items()}
    x = x.astype(np.float64)
    score = 1 / (1 + np.exp(-(x @ w["w1"].T + w["b1"])))
    if score[0, 0] > 0.5:
        h = np.maximum(x @ w["w2"].T + w["b2"], 0)
        v = h @ w["w3"].T + w["b3"]
        e = np.exp(v - v.max(axis=-1, keepdims=True))
        probs = e / e.sum(axis=-1, keepdims=True)
    else:
        probs = w["no_keyword"]
    return [score.astype(np.float32), probs.astype(np.float32)]


def topdb(rng):
    w = {
        "eps": [1e-10], "db_per_ln": [10 / np.log(10)], "range": [80.0],
        "wc": rng.normal(0, 0.05, (4, 1, 3, 3)), "bc": rng.normal(0, 0.1, 4),
        "wf": rng.normal(0, 0.3, (3, 4)), "bf": rng.normal(0, 0.1, 3),
    }
    w = {k: np.asarray(v, np.float32) for k, v in w.items()}
    # Amplitudes over a wide range (a fifth power of uniform values): some
    # fall more than 80 dB below the loudest and meet the floor.
    x = rng.uniform(-1, 1, (1, 1, 16, 12)) ** 5
    node = helper.make_node
    nodes = [
        node("Mul", ["spec", "spec"], ["pow0"], name="power"),
        node("Add", ["pow0", "eps"], ["power"], name="power_eps"),
        node("Log", ["power"], ["ln"], name="log"),
        node("Mul", ["ln", "db_per_ln"], ["db"], name="to_db"),
        node("ReduceMax", ["db"], ["top"], keepdims=0, name="top_db"),
        node("Sub", ["top", "range"], ["floor"], name="floor_db"),
        node("Clip", ["db", "floor"], ["clamped"], name="clip_top_db"),
        node("Conv", ["clamped", "wc", "bc"], ["c"], pads=[1, 1, 1, 1], name="conv"),
        node("Relu", ["c"], ["cr"], name="relu"),
        node("ReduceMean", ["cr"], ["m"], axes=[2, 3], keepdims=0, name="mean"),
        node("Gemm", ["m", "wf", "bf"], ["logits"], transB=1, name="fc"),
    ]
    graph = helper.make_graph(
        nodes, "audio_topdb",
        [helper.make_tensor_value_info("spec", TensorProto.FLOAT, [1, 1, 16, 12])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 3])],
        [numpy_helper.from_array(v, k) for k, v in w.items()])
    return graph, w, x.astype(np.float32)


def topdb_reference(x, w):
    w = {k: v.astype(np.float64) for k, v in w.items()}
    x = x.astype(np.float64)
    db = np.log(x * x + w["eps"]) * w["db_per_ln"]
    clamped = np.maximum(db, db.max() - 80.0)
    xp = np.pad(clamped, ((0, 0), (0, 0), (1, 1), (1, 1)))
    c = np.zeros((1, 4, 16, 12))
    for i in range(16):
        for j in range(12):
            c[0, :, i, j] = np.tensordot(w["wc"], xp[0, :, i:i + 3, j:j + 3], axes=3)
    c = np.maximum(c + w["bc"][None, :, None, None], 0)
    return [(c.mean(axis=(2, 3)) @ w["wf"].T + w["bf"]).astype(np.float32)]


def save(out, name, graph, opset, x, outputs, manifest, summary):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                              producer_name="edgec models/export_control.py")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(out, f"{name}.onnx"))
    np.save(os.path.join(out, f"{name}.input.npy"), x)
    np.save(os.path.join(out, f"{name}.output.npy"), outputs[0])
    for k, y in enumerate(outputs[1:], 1):
        np.save(os.path.join(out, f"{name}.output_{k}.npy"), y)
    manifest["models"][name] = {
        "input_shape": list(x.shape), "trained": False,
        "generator": f"models/export_control.py (onnx.helper, NumPy reference output): {summary}",
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    args = ap.parse_args()
    rng = np.random.default_rng(SEED)
    path = os.path.join(args.out, "MANIFEST.json")
    with open(path) as f:
        manifest = json.load(f)
    graph, w, x = wakeword(rng)
    save(args.out, "wakeword_two_stage", graph, 17, x, wakeword_reference(x, w), manifest,
         "If on a condition computed from the input")
    graph, w, x = topdb(rng)
    save(args.out, "audio_topdb", graph, 17, x, topdb_reference(x, w), manifest,
         "Clip with a min computed from the input (top dB)")
    with open(path, "w") as f:
        json.dump(manifest, f, indent=2, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
