#!/usr/bin/python3
"""Runs the ONNX backend node tests (Debian's libonnx-testdata) through edgec.

For every test folder (model.onnx + test_data_set_*/{input,output}_k.pb):
  * generated: `edgec compile -t generic --harness`, build with g++
    (-Wall -Wextra -Werror), run on every data set, compare every output;
  * evaluator: `edgec run` on every data set, compare.
Floats match with rtol 1e-3 / atol 1e-4 (NaN equals NaN), integers and
booleans exactly. A test that does not compile as is is retried with its
non-first inputs (and a first input that is a scalar or a 1-D integer shape,
or the input of an op whose output shape its values set: NonZero, Unique)
bound to the data set's values (`--bind`), because a static
compiler needs shape-determining inputs (a Reshape's shape, Slice's starts,
Resize's scales, ...) at compile time; such passes count as "bound".

    run_node_tests.py --edgec EDGEC --work DIR [--data DIR] [--jobs N]
                      [--filter REGEX] [--shard K/N] [--expected FILE]
                      [--update-expected] [--skip-missing-data]

--data takes any release's node-test folder (Debian's ONNX 1.12 by default;
../shared/onnx-node-tests/node holds ONNX 1.23's). Element types Debian's
onnx library cannot decode (bfloat16, float8, int4/uint4, int2/uint2,
float4e2m1, float8e8m0) are decoded here: floats to float32 (exact), the
sub-byte integers unpacked to int8 / uint8, which is also how edgec's .npy
inputs and outputs carry them.

Prints `N passed, M failed` for each mode, with and without binding, a
per-op table, and fails (exit 1) when a test listed in --expected no longer
passes at its listed level, or when edgec crashes, hangs or fails internally
(exit 2) on any test. --update-expected rewrites the list from this run
(only for a full, unsharded, unfiltered run).
"""
import argparse
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys

import numpy as np
import onnx
from onnx import numpy_helper

DATA = "/usr/share/libonnx-testdata/data/node"
LEVELS = {"fail": 0, "bound": 1, "unbound": 2}


def snake(name):
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


OPS = sorted({s.name for s in onnx.defs.get_all_schemas_with_history()}, key=len, reverse=True)
OP_PREFIXES = sorted({(snake(o), o) for o in OPS} | {(o.lower(), o) for o in OPS},
                     key=lambda p: len(p[0]), reverse=True)


# Tests whose names do not start with their op's.
OP_ALIASES = {"simple_rnn": "RNN", "basic_conv": "Conv", "basic_convinteger": "ConvInteger",
              "training_dropout": "Dropout", "edge_pad": "Pad", "reflect_pad": "Pad",
              "constant_pad": "Pad", "wrap_pad": "Pad", "nllloss": "NegativeLogLikelihoodLoss",
              "sce": "SoftmaxCrossEntropyLoss", "mvn": "MeanVarianceNormalization",
              "instancenorm": "InstanceNormalization", "nesterov_momentum": "Momentum",
              "batchnorm": "BatchNormalization", "strnormalizer": "StringNormalizer",
              "tril": "Trilu", "triu": "Trilu"}


def op_of(test):
    """The ONNX op a node test is about: the longest op name its name starts with."""
    rest = test[len("test_"):]
    for alias, op in OP_ALIASES.items():
        if rest == alias or rest.startswith(alias + "_"):
            return op
    for prefix, op in OP_PREFIXES:
        if rest == prefix or rest.startswith(prefix + "_") or (
                rest.startswith(prefix) and rest[len(prefix)].isdigit()):
            return op
    return rest.split("_")[0]


# Ops whose output shape is set by the values of their (first) input: a
# static compiler needs that input at compile time, so binding takes it too.
VALUE_SHAPED_OPS = {"NonZero", "Unique"}


def shape_like(a):
    """A scalar or a 1-D integer tensor: a parameter (a size, a shape)."""
    return a.ndim == 0 or (a.ndim == 1 and a.dtype.kind in "iu")


def float_table(exp_bits, man_bits, bias, kind):
    """The value of every code of a narrow float format (kind: "ieee" has
    infinities, "fn" only the all-ones NaN, "fnuz" one NaN at -0)."""
    total = 1 + exp_bits + man_bits
    values = np.zeros(1 << total, dtype=np.float64)
    top = (1 << exp_bits) - 1
    for code in range(1 << total):
        sign = -1.0 if code >> (total - 1) else 1.0
        e = (code >> man_bits) & top
        m = code & ((1 << man_bits) - 1)
        if kind == "fnuz" and code == 1 << (total - 1):
            v = np.nan
        elif kind == "fn" and e == top and m == (1 << man_bits) - 1:
            v = np.nan
        elif kind == "ieee" and e == top:
            v = sign * np.inf if m == 0 else np.nan
        elif e == 0:
            v = sign * m * 2.0 ** (1 - bias - man_bits)
        else:
            v = sign * (1 + m / 2.0 ** man_bits) * 2.0 ** (e - bias)
        values[code] = v
    return values.astype(np.float32)


# TensorProto element types Debian's onnx 1.12 cannot decode (ONNX 1.14 on):
# number -> (bits per element, values of each code or the integer kind).
NARROW = {
    16: (16, None),  # BFLOAT16: the top half of a float32
    17: (8, float_table(4, 3, 7, "fn")),      # FLOAT8E4M3FN
    18: (8, float_table(4, 3, 8, "fnuz")),    # FLOAT8E4M3FNUZ
    19: (8, float_table(5, 2, 15, "ieee")),   # FLOAT8E5M2
    20: (8, float_table(5, 2, 16, "fnuz")),   # FLOAT8E5M2FNUZ
    21: (4, "uint"), 22: (4, "int"),          # UINT4, INT4
    23: (4, float_table(2, 1, 1, "none")),    # FLOAT4E2M1 (no inf, no NaN)
    24: (8, np.array([2.0 ** (c - 127) for c in range(255)] + [np.nan], dtype=np.float32)),
    25: (2, "uint"), 26: (2, "int"),          # UINT2, INT2
}


def decode_narrow(t):
    """A TensorProto of a NARROW type as numpy: the floats as float32 (every
    value exact), the 4- and 2-bit integers as int8 / uint8, unpacked (the
    first element in the low bits of each byte, as ONNX packs them)."""
    bits, kind = NARROW[t.data_type]
    shape = tuple(t.dims)
    n = int(np.prod(shape, dtype=np.int64))
    if t.raw_data:
        raw = np.frombuffer(t.raw_data, dtype=np.uint16 if bits == 16 else np.uint8)
    else:  # one value (16, 8 bits) or one packed byte (4, 2 bits) per int32
        raw = np.array(t.int32_data, dtype=np.int64).astype(np.uint16 if bits == 16 else np.uint8)
    if bits == 16:
        return (raw.astype(np.uint32) << 16).view(np.float32).reshape(shape)
    per = 8 // bits
    codes = np.stack([(raw >> (bits * k)) & ((1 << bits) - 1) for k in range(per)], axis=-1)
    codes = codes.reshape(-1)[:n].astype(np.int64)
    if isinstance(kind, str):
        if kind == "int":
            codes = np.where(codes >= 1 << (bits - 1), codes - (1 << bits), codes)
            return codes.astype(np.int8).reshape(shape)
        return codes.astype(np.uint8).reshape(shape)
    return kind[codes].reshape(shape)


def as_declared(a, elem_type):
    """ONNX 1.12's bfloat16 tests store their tensors as uint16 bit patterns
    (data_type UINT16) for inputs and outputs declared BFLOAT16: read them as
    the bfloat16 values (float32) they are."""
    if elem_type == 16 and a.dtype == np.uint16:
        return (a.astype(np.uint32) << 16).view(np.float32)
    return a


def load_pb(path):
    t = onnx.TensorProto()
    with open(path, "rb") as f:
        t.ParseFromString(f.read())
    if t.data_type in NARROW:
        return decode_narrow(t)
    return numpy_helper.to_array(t)


def data_sets(folder):
    sets = []
    for d in sorted(os.listdir(folder)):
        if not d.startswith("test_data_set_"):
            continue
        path = os.path.join(folder, d)
        count = lambda kind: len([f for f in os.listdir(path) if f.startswith(kind + "_")])
        ins = [os.path.join(path, f"input_{k}.pb") for k in range(count("input"))]
        outs = [os.path.join(path, f"output_{k}.pb") for k in range(count("output"))]
        sets.append((ins, outs))
    return sets


def same(got, want):
    if got.shape != want.shape:
        return f"shape {got.shape} != {want.shape}"
    if want.dtype.kind == "f":
        got = got.astype(np.float64)
        want = want.astype(np.float64)
        nan = np.isnan(want)
        if not np.array_equal(np.isnan(got), nan):
            return "NaN positions differ"
        ok = np.isclose(got[~nan], want[~nan], rtol=1e-3, atol=1e-4)
        if not ok.all():
            return f"{(~ok).sum()} of {ok.size} values differ (max {np.abs(got[~nan] - want[~nan]).max():.3g})"
        return None
    if want.dtype == np.bool_:
        got = got.astype(np.bool_)
    elif got.dtype.kind in "iub" and want.dtype.kind in "iub":
        got, want = got.astype(np.int64), want.astype(np.int64)
    if not np.array_equal(got, want):
        return "values differ"
    return None


def run(cmd, timeout=120):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        return p.returncode, (p.stdout + p.stderr).strip()
    except subprocess.TimeoutExpired:
        return -1, "timeout"


def crashed(rc):
    """edgec exits 0 (done) or 1 (a diagnostic); 2 is an internal error, a
    negative code a signal (-1: the runner's timeout, a hang)."""
    return rc not in (0, 1)


def crash_text(rc):
    return "timed out" if rc == -1 else f"died of signal {-rc}" if rc < 0 else f"exited {rc}"


class Runner:
    def __init__(self, args):
        self.edgec, self.work = args.edgec, args.work
        self.crashes = []
        cxx = os.environ.get("CXX", "g++")
        self.cxx = ([shutil.which("ccache")] if shutil.which("ccache") else []) + [cxx]

    def compare(self, out_dir, outs, types=()):
        for k, path in enumerate(outs):
            got_path = os.path.join(out_dir, f"out_{k}.npy")
            if not os.path.exists(got_path):
                return f"output {k} missing"
            want = as_declared(load_pb(path), types[k] if k < len(types) else 0)
            got = np.load(got_path)
            # A quantized output: the generated code's raw integers are in
            # out_k.q.npy (out_k.npy holds them dequantized). edgec keeps
            # uint8-quantized tensors as int8 with the zero point shifted by
            # -128 (docs/numerics.md), so ONNX's uint8 is that plus 128.
            q_path = os.path.join(out_dir, f"out_{k}.q.npy")
            if want.dtype.kind in "iu" and os.path.exists(q_path):
                got = np.load(q_path).astype(np.int64)
                if want.dtype == np.uint8:
                    got = got + 128
            why = same(got, want)
            if why:
                return f"output {k}: {why}"
        return None

    def inputs_as_npy(self, d, ins, set_index, types=()):
        paths = []
        for k, p in enumerate(ins):
            a = as_declared(load_pb(p), types[k] if k < len(types) else 0)
            path = os.path.join(d, f"in_{set_index}_{k}.npy")
            np.save(path, a)
            paths.append(path)
        return paths

    def attempt(self, test, folder, bound, sets, d, bind_first=False):
        """Compile (binding inputs 1.. when `bound`) and run every data set."""
        model = os.path.join(folder, "model.onnx")
        graph = onnx.load(model).graph
        inits = {i.name for i in graph.initializer}
        inputs = [i for i in graph.input if i.name not in inits]
        names = [i.name for i in inputs]
        in_types = [i.type.tensor_type.elem_type for i in inputs]
        out_types = [o.type.tensor_type.elem_type for o in graph.output]
        gen_status = eval_status = None
        for s, (ins, outs) in enumerate(sets):
            npys = self.inputs_as_npy(d, ins, s, in_types)
            bind, run_inputs = [], npys
            if bound:
                # Every input after the first; the first too when it looks
                # like a parameter: a scalar (Range's start, a window's
                # size) or a 1-D integer tensor (ConstantOfShape's shape).
                first = 0 if bind_first or shape_like(np.load(npys[0], allow_pickle=True)) else 1
                bind = [f"--bind={n}={p}" for n, p in zip(names[first:], npys[first:])]
                run_inputs = npys[:first]
            # Generated code (compiled per data set only when bound values differ).
            if gen_status is None or (bound and gen_status[0] == "ok"):
                gen = os.path.join(d, f"gen{s}")
                exe = os.path.join(d, f"main{s}")
                rc, log = run([self.edgec, "compile", model, "-t", "generic", "--harness", "-o", gen,
                               "--name", "m", *bind])
                if crashed(rc):
                    self.crashes.append(f"{test}: edgec compile {crash_text(rc)}: {log[-200:]}")
                if rc != 0:
                    first = [l for l in log.splitlines() if "error:" in l] or [""]
                    gen_status = ("compile", first[0].replace(folder + "/", ""))
                else:
                    rc, log = run(self.cxx + ["-std=c++20", "-O1", "-Wall", "-Wextra", "-Werror",
                                              "-I", gen, os.path.join(gen, "m.cpp"),
                                              os.path.join(gen, "m_weights.cpp"),
                                              os.path.join(gen, "m_main.cpp"), "-o", exe], timeout=300)
                    gen_status = ("build", log.splitlines()[0] if log else "") if rc else ("ok", "")
            if gen_status is None or gen_status[0] == "ok":
                out = os.path.join(d, f"out{s}")
                os.makedirs(out, exist_ok=True)
                rc, log = run([exe, *run_inputs, "-o", out])
                why = f"run: {log[-200:]}" if rc != 0 else self.compare(out, outs, out_types)
                gen_status = ("mismatch", why) if why else ("ok", "")
            # Evaluator.
            if eval_status is None or eval_status[0] == "ok":
                out = os.path.join(d, f"eval{s}")
                os.makedirs(out, exist_ok=True)
                cmd = [self.edgec, "run", model, "--output-dir", out, *bind]
                for p in run_inputs:
                    cmd += ["--input", p]
                rc, log = run(cmd)
                if crashed(rc):
                    self.crashes.append(f"{test}: edgec run {crash_text(rc)}: {log[-200:]}")
                why = f"run: {log.splitlines()[-1] if log else ''}" if rc != 0 else self.compare(out, outs, out_types)
                eval_status = ("mismatch", why) if why else ("ok", "")
        return gen_status, eval_status

    def test(self, folder):
        test = os.path.basename(folder)
        d = os.path.join(self.work, test)
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        sets = data_sets(folder)
        result = {"test": test, "op": op_of(test)}
        try:
            gen, ev = self.attempt(test, folder, False, sets, d)
            result["gen"] = "unbound" if gen[0] == "ok" else "fail"
            result["eval"] = "unbound" if ev[0] == "ok" else "fail"
            first = load_pb(sets[0][0][0]) if sets[0][0] else None
            value_shaped = result["op"] in VALUE_SHAPED_OPS
            if (gen[0] != "ok" or ev[0] != "ok") and (
                    len(sets[0][0]) > 1 or value_shaped or
                    (first is not None and shape_like(first))):
                gen2, ev2 = self.attempt(test, folder, True, sets, d, bind_first=value_shaped)
                if result["gen"] == "fail" and gen2[0] == "ok":
                    result["gen"] = "bound"
                if result["eval"] == "fail" and ev2[0] == "ok":
                    result["eval"] = "bound"
                if result["gen"] == "fail":
                    gen = gen2 if gen[0] == "compile" else gen
            result["why"] = "" if result["gen"] != "fail" else f"{gen[0]}: {gen[1]}"
            result["eval_why"] = "" if result["eval"] != "fail" else f"{ev[0]}: {ev[1]}"
        except Exception as e:  # a broken test folder must not stop the run
            result.update(gen="fail", eval="fail", why=f"runner: {e}", eval_why=f"runner: {e}")
        if result["gen"] != "fail":
            shutil.rmtree(d, ignore_errors=True)
        return result


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--edgec", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--data", default=DATA)
    ap.add_argument("--jobs", type=int, default=os.cpu_count())
    ap.add_argument("--filter", default="")
    ap.add_argument("--shard", default="1/1")
    ap.add_argument("--expected")
    ap.add_argument("--update-expected", action="store_true")
    ap.add_argument("--skip-missing-data", action="store_true",
                    help="exit 77 (ctest: skipped) when --data does not exist")
    ap.add_argument("--failures", action="store_true", help="list every failing test and why")
    ap.add_argument("--results", help="write every test's levels and reasons to this TSV file")
    args = ap.parse_args()
    if not os.path.isdir(args.data):
        if args.skip_missing_data:
            print(f"SKIPPED: no ONNX node tests at {args.data}")
            sys.exit(77)
        sys.exit(f"no ONNX node tests at {args.data} (install libonnx-testdata: scripts/setup.sh)")
    k, n = (int(x) for x in args.shard.split("/"))
    tests = sorted(t for t in os.listdir(args.data) if re.search(args.filter, t))
    tests = [t for i, t in enumerate(tests) if i % n == k - 1]
    os.makedirs(args.work, exist_ok=True)
    runner = Runner(args)
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        results = list(pool.map(runner.test, [os.path.join(args.data, t) for t in tests]))

    # Summary.
    for mode, label in (("gen", "generated code"), ("eval", "evaluator")):
        unbound = sum(r[mode] == "unbound" for r in results)
        bound = sum(r[mode] != "fail" for r in results)
        print(f"{label}: {bound} passed, {len(results) - bound} failed of {len(results)} "
              f"({unbound} without binding)")
    ops = {}
    for r in results:
        o = ops.setdefault(r["op"], [0, 0, 0])
        o[0] += 1
        o[1] += r["gen"] != "fail"
        o[2] += r["eval"] != "fail"
    print(f"\n{'op':<28} {'tests':>5} {'generated':>9} {'evaluator':>9}")
    for op in sorted(ops):
        t, g, e = ops[op]
        print(f"{op:<28} {t:>5} {g:>9} {e:>9}")
    if args.failures:
        for mode, why, label in (("gen", "why", "generated code"), ("eval", "eval_why", "evaluator")):
            print(f"\nfailing tests ({label}):")
            for r in results:
                if r[mode] == "fail":
                    print(f"  {r['test']}: {r[why][:160]}")
    if args.results:
        with open(args.results, "w") as f:
            f.write("test\top\tgenerated\tevaluator\tgenerated_why\tevaluator_why\n")
            for r in sorted(results, key=lambda r: r["test"]):
                clean = lambda t: t.replace("\t", " ").replace("\n", " ")
                f.write(f"{r['test']}\t{r['op']}\t{r['gen']}\t{r['eval']}\t"
                        f"{clean(r['why'])}\t{clean(r['eval_why'])}\n")

    status = 0
    if runner.crashes:  # a crash is never an acceptable outcome, listed or not
        print(f"\n{len(runner.crashes)} time(s) edgec crashed, hung or failed internally:")
        for line in sorted(runner.crashes):
            print("  " + line)
        status = 1
    if args.expected and os.path.exists(args.expected) and not args.update_expected:
        expected = {}
        for line in open(args.expected):
            parts = line.split()
            if len(parts) == 3 and not line.startswith("#"):
                expected[parts[0]] = (parts[1], parts[2])
        by_name = {r["test"]: r for r in results}
        regressed = []
        for name, (g, e) in expected.items():
            r = by_name.get(name)
            if r is None:
                continue
            if LEVELS[r["gen"]] < LEVELS[g] or LEVELS[r["eval"]] < LEVELS[e]:
                regressed.append(f"  {name}: expected generated {g} / evaluator {e}, got "
                                 f"{r['gen']} / {r['eval']} ({r.get('why', '')[:160]})")
        if regressed:
            print(f"\n{len(regressed)} test(s) regressed:")
            print("\n".join(regressed))
            status = 1
    if args.update_expected:
        if args.filter or args.shard != "1/1":
            sys.exit("--update-expected needs a full run (no --filter, no --shard)")
        with open(args.expected, "w") as f:
            f.write("# ONNX node tests edgec passes: name, generated-code level, evaluator level\n"
                    "# (unbound: as is; bound: with shape inputs bound by --bind; fail).\n"
                    "# Rewritten by test/conformance/run_node_tests.py --update-expected.\n")
            for r in sorted(results, key=lambda r: r["test"]):
                if r["gen"] != "fail" or r["eval"] != "fail":
                    f.write(f"{r['test']} {r['gen']} {r['eval']}\n")
        print(f"\nwrote {args.expected}")
    return status


if __name__ == "__main__":
    sys.exit(main())
