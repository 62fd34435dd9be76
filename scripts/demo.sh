#!/usr/bin/env bash
# The main job, end to end: set up, build edgec, compile a bundled model for
# the host, build the generated code with its own CMakeLists.txt, run it, and
# print its output beside the reference output from the model's exporter.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
model=${1:-ds_cnn}
target=${2:-x86-64}
"$root/scripts/setup.sh"
"$root/scripts/build.sh" >/dev/null
build=${EDGEC_BUILD_DIR:-$root/build}
edgec=$build/compiler/tools/edgec
out=$build/demo/$model
rm -rf "$out"

echo "== edgec inspect $model"
"$edgec" inspect "$root/models/$model.onnx" | tail -n 4
echo
echo "== edgec compile models/$model.onnx -t $target -o $out/gen --harness"
"$edgec" compile "$root/models/$model.onnx" -t "$target" -o "$out/gen" --harness
echo
echo "== building the generated code (cmake, -Wall -Wextra -Werror)"
cmake -S "$out/gen" -B "$out/build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$out/build" >/dev/null
echo "== running it on models/$model.input.npy"
"$out/build/${model}_main" "$root/models/$model.input.npy" -o "$out" --bench 200
echo
/usr/bin/python3 - "$out/out_0.npy" "$root/models/$model.output.npy" <<'PY'
import sys
import numpy as np
got, ref = np.load(sys.argv[1]).ravel(), np.load(sys.argv[2]).ravel()
print(f"{'index':>5}  {'generated code':>15}  {'reference':>15}  {'abs diff':>9}")
for i in range(min(len(got), 16)):
    print(f"{i:>5}  {got[i]:>15.7g}  {ref[i]:>15.7g}  {abs(got[i] - ref[i]):>9.2g}")
if len(got) > 16:
    print(f"  ... {len(got) - 16} more")
err = np.abs(got.astype(np.float64) - ref).max()
ok = np.allclose(got, ref, rtol=1e-4, atol=1e-5)
print(f"max abs difference {err:.3g}: {'MATCH' if ok else 'MISMATCH'} (rtol 1e-4, atol 1e-5)")
sys.exit(0 if ok else 1)
PY
