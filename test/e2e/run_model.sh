#!/usr/bin/env bash
# run_model.sh generated|evaluator MODEL EDGEC MODELS_DIR WORK_DIR
# generated: compile for x86-64 with the harness, build it with the generated
# CMakeLists.txt (the target's flags: -O3 -march=native, -Wall -Wextra -Werror),
# run, compare.
# evaluator: run the reference evaluator, compare.
# Both against the exporter's reference output (rtol 1e-4, atol 1e-5).
set -euo pipefail
mode=$1 model=$2 edgec=$3 models=$4
work=$5/$model-$mode
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work"
mkdir -p "$work"
if [[ $mode == generated ]]; then
  "$edgec" compile "$models/$model.onnx" -t x86-64 -o "$work/gen" --harness --name "$model"
  cmake -S "$work/gen" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$work/build"
  "$work/build/${model}_main" "$models/$model.input.npy" -o "$work"
else
  "$edgec" run "$models/$model.onnx" --input "$models/$model.input.npy" --output-dir "$work"
fi
/usr/bin/python3 "$here/compare_npy.py" "$work/out_0.npy" "$models/$model.output.npy" --rtol 1e-4 --atol 1e-5
