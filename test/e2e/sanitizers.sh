#!/usr/bin/env bash
# sanitizers.sh EDGEC MODELS_DIR WORK_DIR
# Builds generated code of models that cover every kernel family with
# AddressSanitizer and UndefinedBehaviorSanitizer (any report is fatal) and
# checks the outputs still match.
set -euo pipefail
edgec=$1 models=$2 root=$3/sanitizers
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$root"
for model in digits_cnn digits_mlp ds_cnn resnet8; do
  work=$root/$model
  mkdir -p "$work"
  "$edgec" compile "$models/$model.onnx" -t generic -o "$work/gen" --harness --name "$model"
  ${CXX:-g++} -std=c++20 -O1 -g -Wall -Wextra -Werror -fsanitize=address,undefined \
    -fno-sanitize-recover=all -I"$work/gen" \
    "$work/gen/$model.cpp" "$work/gen/${model}_weights.cpp" "$work/gen/${model}_main.cpp" -o "$work/main"
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1 \
    "$work/main" "$models/$model.input.npy" -o "$work"
  /usr/bin/python3 "$here/compare_npy.py" "$work/out_0.npy" "$models/$model.output.npy"
done
# Quantized code (int8 and int16x8 kernels, a QDQ model, the float entry
# point): the same sanitizers, and the integers must equal the evaluator's.
for spec in ds_cnn:int8 resnet8:int16x8 digits_cnn_qdq:none; do
  model=${spec%%:*} quant=${spec#*:}
  work=$root/$model-$quant
  mkdir -p "$work/out" "$work/float_api" "$work/eval"
  q=()
  [[ $quant != none ]] && q=(--quantize "$quant" --calibration random)
  "$edgec" compile "$models/$model.onnx" -t generic -o "$work/gen" --harness --name "$model" \
    "${q[@]}" >/dev/null 2>&1
  ${CXX:-g++} -std=c++20 -O1 -g -Wall -Wextra -Werror -fsanitize=address,undefined \
    -fno-sanitize-recover=all -I"$work/gen" \
    "$work/gen/$model.cpp" "$work/gen/${model}_weights.cpp" "$work/gen/${model}_main.cpp" -o "$work/main"
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1 \
    "$work/main" "$models/$model.input.npy" -o "$work/out"
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1 \
    "$work/main" "$models/$model.input.npy" -o "$work/float_api" --float-api
  "$edgec" run "$models/$model.onnx" --input "$models/$model.input.npy" --output-dir "$work/eval" \
    "${q[@]}" >/dev/null 2>&1
  /usr/bin/python3 -c "
import sys, numpy as np
w = sys.argv[1]
q = w + '/out/out_0.q.npy'
import os
if os.path.exists(q):
    assert (np.load(q) == np.load(w + '/eval/out_0.q.npy')).all(), 'integers differ from the evaluator'
assert np.array_equal(np.load(w + '/out/out_0.npy'), np.load(w + '/float_api/out_0.npy')), 'run_float differs'
print(sys.argv[2], 'sanitizer-clean, equal to the evaluator')" "$work" "$model ($quant)"
done
