"""The .tflite models of ../shared/tflite against TFLite-Micro's own outputs.

usage: tflite_reference.py EDGEC WORK TARGET [REFS]

Every model there is either imported or refused with a diagnostic (exit 1,
no crash). The models listed in test/tflite/expected_pass.txt must import,
and for each of their three cases the evaluator's outputs (`edgec run`) must
equal TFLM's, integer for integer (float outputs: within float rounding, see FLOAT_RTOL), and
`edgec verify` on TARGET must find the generated code bit-exact with the
evaluator on the same inputs, every case on every target, so the generated
code equals TFLM as well (the evaluator does not depend on the target: the
x86-64 and cortex-m4 runs compare it with TFLM, the other cores only verify
the code). A
model that newly imports but is not listed fails too, so the list is kept
honest. REFS defaults to the shared folder beside the repository; without
it the script exits 77, which ctest reports as skipped.
"""
import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def cases(folder):
    """[(case, [input paths], [output paths])] of one reference folder."""
    out = []
    for k in range(10):
        ins = sorted(f for f in os.listdir(folder) if f.startswith(f"in_{k}_"))
        outs = sorted(f for f in os.listdir(folder) if f.startswith(f"out_{k}_"))
        if not ins:
            break
        out.append((k, [os.path.join(folder, f) for f in ins],
                    [os.path.join(folder, f) for f in outs]))
    return out


FLOAT_RTOL, FLOAT_ATOL = 1e-5, 1e-6


too_big = set()  # models verified with --no-fit-check
no_room = set()  # models too large for the target's emulated board
# The targets whose runs also compare the evaluator with TFLM.
COMPARE_EVALUATOR = {"x86-64", "cortex-m4"}


def check_model(edgec, work, target, folder, name, worst):
    """None when every case equals TFLM, else what differed. `worst[0]`
    collects the largest difference of a float output."""
    model = os.path.join(folder, "model.tflite")
    for k, ins, refs in cases(folder):
        if target not in COMPARE_EVALUATOR:
            why = verify(edgec, model, target, name, k, ins, refs)
            if why:
                return why
            continue
        out = os.path.join(work, f"{name}-{k}")
        r = subprocess.run([edgec, "run", model, "-o", out] +
                           sum([["--input", p] for p in ins], []),
                           capture_output=True, text=True)
        if r.returncode != 0:
            return f"case {k}: edgec run failed:\n{r.stdout}{r.stderr}"
        for i, ref_path in enumerate(refs):
            ref = np.load(ref_path)
            q = os.path.join(out, f"out_{i}.q.npy")
            got = np.load(q if os.path.exists(q) else os.path.join(out, f"out_{i}.npy"))
            if got.shape != ref.shape or got.dtype != ref.dtype:
                return (f"case {k} output {i}: evaluator gives {got.dtype}{list(got.shape)}, "
                        f"TFLM {ref.dtype}{list(ref.shape)}")
            if got.dtype.kind == "f":
                # Float models: TFLM sums each dot product in float from 0 and
                # adds the bias last; edgec's evaluator sums in double, its
                # kernels in interleaved float partial sums. Equal to rounding.
                err = float(np.max(np.abs(got.astype(np.float64) - ref)))
                if not np.allclose(got, ref, rtol=FLOAT_RTOL, atol=FLOAT_ATOL):
                    return f"case {k} output {i}: float differs from TFLM by up to {err:.3g}"
                worst[0] = max(worst[0], err)
                continue
            bad = np.flatnonzero(got.reshape(-1) != ref.reshape(-1))
            if len(bad):
                j = int(bad[0])
                return (f"case {k} output {i}: {len(bad)} of {ref.size} integers differ from "
                        f"TFLM (first at {j}: edgec {got.reshape(-1)[j]}, TFLM "
                        f"{ref.reshape(-1)[j]})")
        why = verify(edgec, model, target, name, k, ins, refs)
        if why:
            return why
    return None


def verify(edgec, model, target, name, k, ins, refs):
    """None when `edgec verify` finds the generated code of case k bit-exact
    with the evaluator (or the model does not fit the emulated board: noted
    in `no_room`), else what went wrong."""
    r = subprocess.run([edgec, "verify", model, "-t", target, "--inputs"] + ins,
                       capture_output=True, text=True)
    if r.returncode != 0 and "or --no-fit-check)" in r.stderr:
        # Larger than the target's typical part (mobilenet_v2's 2.5 MB
        # arena): checked on the emulator, whose memory is larger.
        too_big.add(name)
        r = subprocess.run([edgec, "verify", model, "-t", target, "--no-fit-check",
                            "--inputs"] + ins, capture_output=True, text=True)
    if r.returncode != 0 and "do not fit the emulated board's memory" in r.stderr:
        no_room.add(name)
        return None
    quantized = any(np.load(p).dtype.kind in "iu" for p in refs)
    ok = "bit-exact" in r.stdout or (not quantized and "outputs within" in r.stdout)
    if r.returncode != 0 or not ok:
        return f"case {k}: generated code on {target} differs:\n{r.stdout}{r.stderr}"
    return None


def main():
    edgec, work, target = sys.argv[1:4]
    refs = sys.argv[4] if len(sys.argv) > 4 else os.path.join(os.path.dirname(ROOT), "shared",
                                                              "tflite")
    if not os.path.isdir(refs):
        # A checkout without the shared folder beside it: ctest reports the
        # test as skipped (SKIP_RETURN_CODE 77), not as passed.
        print(f"no TFLM reference folder at {refs}: skipped")
        sys.exit(77)
    with open(os.path.join(ROOT, "test", "tflite", "expected_pass.txt")) as f:
        expected = {l.split("#")[0].strip() for l in f} - {""}
    os.makedirs(work, exist_ok=True)
    failures, passed, refused = [], [], []
    for name in sorted(os.listdir(refs)):
        folder = os.path.join(refs, name)
        model = os.path.join(folder, "model.tflite")
        if not os.path.isfile(model):
            continue
        r = subprocess.run([edgec, "inspect", model], capture_output=True, text=True)
        if r.returncode not in (0, 1) or (r.returncode == 1 and "error:" not in r.stderr):
            failures.append(f"{name}: import ended with exit {r.returncode} and no diagnostic:"
                            f"\n{r.stderr}")
            continue
        if r.returncode == 1:
            refused.append(name)
            if name in expected:
                failures.append(f"{name}: listed as passing but refused:\n{r.stderr}")
            continue
        if name not in expected:
            failures.append(f"{name}: imports now; check it and add it to "
                            "test/tflite/expected_pass.txt")
            continue
        worst = [0.0]
        why = check_model(edgec, work, target, folder, name, worst)
        if why:
            failures.append(f"{name}: {why}")
        elif name not in no_room:
            passed.append(name + (f" (float, within {worst[0]:.2g})" if worst[0] else "") +
                          (" (larger than the part: on the emulator)" if name in too_big else ""))
    for name in sorted(expected - {p.split(" ")[0] for p in passed} - no_room -
                       {f.split(":")[0] for f in failures}):
        failures.append(f"{name}: listed as passing but not in {refs}")
    if target in COMPARE_EVALUATOR:
        print(f"{len(passed)} model(s) equal to TFLM on {target} (3 cases each): "
              f"{', '.join(passed)}")
    else:
        print(f"{len(passed)} model(s) bit-exact with the evaluator on {target} (3 cases each): "
              f"{', '.join(passed)}")
    if no_room:
        print(f"{len(no_room)} not run: larger than the {target} emulated board's memory: "
              f"{', '.join(sorted(no_room))}")
    print(f"{len(refused)} refused with a diagnostic: {', '.join(refused)}")
    for f in failures:
        print(f"FAIL {f}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
