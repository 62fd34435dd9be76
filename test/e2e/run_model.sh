#!/usr/bin/env bash
# run_model.sh generated|evaluator MODEL EDGEC MODELS_DIR WORK_DIR
# generated: compile for x86-64 with the harness, build it with the generated
# CMakeLists.txt (the target's flags: -O3 -march=native, -Wall -Wextra -Werror),
# run, compare.
# evaluator: run the reference evaluator, compare.
# Both against the exporter's reference output (rtol 1e-4, atol 1e-5), every
# output k > 0 against MODEL.output_<k>.npy where the exporter wrote one.
# int8 / int16x8: compile with --quantize int8 or int16x8 (calibrated as
# scripts/lib/calibration.sh says), build, run;
# the generated integers must equal the evaluator's integer mode exactly, and
# the dequantized output must be within 20 dB SQNR of the float reference.
set -euo pipefail
. "$(cd "$(dirname "$0")/../.." && pwd)/scripts/lib/calibration.sh"
mode=$1 model=$2 edgec=$3 models=$4
work=$5/$model-$mode
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work"
mkdir -p "$work"
if [[ $mode == int8 || $mode == int16x8 ]]; then
  calib=$(model_calibration "$model" "$models")
  q=(--quantize "$mode" --calibration "$calib")
  "$edgec" compile "$models/$model.onnx" -t x86-64 -o "$work/gen" --harness --name "$model" "${q[@]}" 2>/dev/null
  cmake -S "$work/gen" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$work/build"
  mkdir -p "$work/gen_out" "$work/eval_out"
  "$work/build/${model}_main" "$models/$model.input.npy" -o "$work/gen_out"
  "$edgec" run "$models/$model.onnx" --input "$models/$model.input.npy" --output-dir "$work/eval_out" "${q[@]}" 2>/dev/null
  exec /usr/bin/python3 - "$work" "$models/$model.output.npy" <<'PY'
import sys, numpy as np
import os
work, ref = sys.argv[1], np.load(sys.argv[2])
if os.path.exists(work + "/gen_out/out_0.q.npy"):
    k = 0
    while os.path.exists(work + f"/gen_out/out_{k}.q.npy"):  # every quantized output
        g, e = np.load(work + f"/gen_out/out_{k}.q.npy"), np.load(work + f"/eval_out/out_{k}.q.npy")
        if g.shape != e.shape or not (g == e).all():
            sys.exit(f"generated integer output {k} differs from the evaluator in {(g != e).sum()} of {g.size} elements")
        k += 1
    how = f"bit-exact with the evaluator ({g.size} elements of output 0, {k} output(s))"
else:
    # The last layer stayed float (int16x8 has no softmax kernel): a one-unit
    # difference in the integers before it would show far above this tolerance.
    g, e = np.load(work + "/gen_out/out_0.npy"), np.load(work + "/eval_out/out_0.npy")
    if g.shape != e.shape or not np.allclose(g, e, rtol=1e-5, atol=1e-7):
        sys.exit(f"generated output (float tail) differs from the evaluator: max {np.abs(g - e).max()}")
    how = f"float tail equal to the evaluator's ({g.size} elements)"
out = np.load(work + "/gen_out/out_0.npy").astype(np.float64)
sqnr = 10 * np.log10((ref ** 2).sum() / max(((out - ref) ** 2).sum(), 1e-30))
print(f"{how}; SQNR vs float {sqnr:.1f} dB")
sys.exit(0 if sqnr >= 20 else "SQNR below 20 dB")
PY
elif [[ $mode == generated ]]; then
  "$edgec" compile "$models/$model.onnx" -t x86-64 -o "$work/gen" --harness --name "$model"
  cmake -S "$work/gen" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$work/build"
  "$work/build/${model}_main" "$models/$model.input.npy" -o "$work"
else
  "$edgec" run "$models/$model.onnx" --input "$models/$model.input.npy" --output-dir "$work"
fi
/usr/bin/python3 "$here/compare_npy.py" "$work/out_0.npy" "$models/$model.output.npy" --rtol 1e-4 --atol 1e-5
# Models with several outputs keep the others' references as MODEL.output_<k>.npy.
for ref in "$models/$model".output_*.npy; do
  [[ -e $ref ]] || continue
  k=${ref##*.output_}
  /usr/bin/python3 "$here/compare_npy.py" "$work/out_${k%.npy}.npy" "$ref" --rtol 1e-4 --atol 1e-5
done
