#!/usr/bin/env bash
# Recomputes the ONNX Runtime reference outputs that tests compare against.
# Commit the results; ctest then needs no ONNX Runtime.
#   scripts/ort-reference.sh [MODEL...]   already-quantized models in models/:
#       ONNX Runtime's output on the whole held-out digits split, written to
#       models/<model>.ort_output.npy (default: every QDQ model)
#   scripts/ort-reference.sh --cases DIR [CASE...]  the op-variant cases of a
#       folder such as test/e2e/recurrent or test/e2e/roialign (every one, or
#       those named: `--cases models wakeword_two_stage audio_topdb`): every
#       output k of <case>.onnx on <case>.input.npy, written to
#       <case>.ort_output_<k>.npy (--recurrent is --cases test/e2e/recurrent)
set -euo pipefail
source "$(cd "$(dirname "$0")" && pwd)/ort-env.sh"
if [[ ${1:-} == --recurrent ]]; then
  set -- --cases "$root/test/e2e/recurrent"
fi
if [[ ${1:-} == --cases ]]; then
  dir=$(cd "$2" && pwd)
  shift 2
  cases=("$@")
  if ((${#cases[@]} == 0)); then
    for model in "$dir"/*.onnx; do cases+=("$(basename "$model" .onnx)"); done
  fi
  for c in "${cases[@]}"; do
    model=$dir/$c.onnx
    twin=$root/test/e2e/recurrent/seq_major_twin.py
    if /usr/bin/python3 "$twin" is-batch-major "$model"; then
      # ONNX Runtime has no layout = 1: run the sequence-major twin.
      /usr/bin/python3 "$twin" twin "$model" "$dir/$c.input.npy" "$work"
      (cd "$work" && node ort_run.js twin.onnx twin.input.npy "$dir/$c.ort_output_")
      /usr/bin/python3 "$twin" back "$dir/$c.ort_output_"
    else
      (cd "$work" && node ort_run.js "$model" "$dir/$c.input.npy" "$dir/$c.ort_output_")
    fi
    echo "$dir/$c.ort_output_*.npy"
  done
  exit 0
fi
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
