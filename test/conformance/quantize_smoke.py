#!/usr/bin/python3
"""Every ONNX node test that compiles in float (conformance/expected_pass.txt,
generated-code level unbound) is compiled again with --quantize int8 on random
calibration data: it must compile, or be refused with a diagnostic (exit 1).
A crash, an internal error (exit 2) or a silent failure is a bug. The int8
numbers themselves are checked elsewhere (e2e, target tests); this is about
every op meeting the quantizer.

    quantize_smoke.py --edgec EDGEC --work DIR --expected FILE [--jobs N]
"""
import argparse
import concurrent.futures
import os
import shutil
import subprocess
import sys

DATA = "/usr/share/libonnx-testdata/data/node"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--edgec", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--expected", required=True)
    ap.add_argument("--jobs", type=int, default=os.cpu_count())
    args = ap.parse_args()
    tests = [l.split()[0] for l in open(args.expected)
             if not l.startswith("#") and len(l.split()) == 3 and l.split()[1] == "unbound"]
    os.makedirs(args.work, exist_ok=True)

    def one(test):
        out = os.path.join(args.work, test)
        try:
            p = subprocess.run([args.edgec, "compile", os.path.join(DATA, test, "model.onnx"),
                                "-t", "generic", "-o", out, "--quantize", "int8",
                                "--calibration", "random"], capture_output=True, text=True,
                               timeout=120)
        except subprocess.TimeoutExpired:
            return test, "timeout"
        shutil.rmtree(out, ignore_errors=True)
        if p.returncode == 0:
            return test, None
        if p.returncode == 1 and "error:" in p.stderr:
            return test, "refused"
        return test, f"exit {p.returncode}: {p.stderr.strip()[-300:]}"

    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        results = list(pool.map(one, tests))
    refused = [t for t, why in results if why == "refused"]
    bad = [(t, why) for t, why in results if why and why != "refused"]
    for t, why in bad:
        print(f"  {t}: {why}")
    print(f"{len(results) - len(refused) - len(bad)} compiled in int8, {len(refused)} refused "
          f"with a diagnostic (models with nothing to quantize)")
    print(f"int8 smoke: {len(results) - len(bad)} passed, {len(bad)} failed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
