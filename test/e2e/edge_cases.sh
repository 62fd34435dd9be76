#!/usr/bin/env bash
# edge_cases.sh EDGEC CASES_DIR WORK_DIR
# Models whose outputs are not written by a kernel: an output that is an input
# (twice), a constant output, and an empty (zero-element) output. Each is
# compiled, built with ASan/UBSan, run, and compared with the evaluator.
set -euo pipefail
edgec=$1 cases=$2 root=$3/edge_cases
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$root"
mkdir -p "$root"
/usr/bin/python3 -c "import numpy as np; np.save('$root/x.npy', np.arange(6, dtype=np.float32).reshape(2, 3))"
for model in passthrough empty-slice; do
  work=$root/$model
  "$edgec" compile "$cases/$model.onnxtxt" -t generic -o "$work/gen" --harness --name m
  ${CXX:-g++} -std=c++20 -O1 -Wall -Wextra -Werror -fsanitize=address,undefined \
    -fno-sanitize-recover=all -I"$work/gen" "$work/gen/m.cpp" "$work/gen/m_weights.cpp" \
    "$work/gen/m_main.cpp" -o "$work/main"
  mkdir -p "$work/gen-out" "$work/eval-out"
  "$work/main" "$root/x.npy" -o "$work/gen-out"
  "$edgec" run "$cases/$model.onnxtxt" --input "$root/x.npy" --output-dir "$work/eval-out" >/dev/null
  for f in "$work/eval-out"/out_*.npy; do
    /usr/bin/python3 "$here/compare_npy.py" "$work/gen-out/$(basename "$f")" "$f" --rtol 0 --atol 0
  done
done
