#!/usr/bin/env bash
# Recomputes the ONNX Runtime reference outputs the QDQ tests compare against:
# for each already-quantized model in models/, ONNX Runtime's output on the
# whole held-out digits split, written to models/<model>.ort_output.npy.
# Commit the result; ctest then needs no ONNX Runtime.
#   scripts/ort-reference.sh [MODEL...]
set -euo pipefail
source "$(cd "$(dirname "$0")" && pwd)/ort-env.sh"
models=("$@")
if ((${#models[@]} == 0)); then
  models=(digits_cnn_qdq digits_cnn_qdq_pc)
fi
for m in "${models[@]}"; do
  (cd "$work" && node ort_run.js "$root/models/$m.onnx" "$root/models/digits_test_x.npy" \
     "$work/$m.ort_output_")
  mv "$work/$m.ort_output_0.npy" "$root/models/$m.ort_output.npy"
  echo "models/$m.ort_output.npy"
done
