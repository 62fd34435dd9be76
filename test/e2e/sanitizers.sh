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
