#!/usr/bin/env bash
# edge_cases.sh EDGEC CASES_DIR WORK_DIR
# Small models for paths the bundled models do not take: outputs that are
# inputs (twice), constants or empty; pooling with ceil_mode,
# count_include_pad, padding and dilation after a SAME_UPPER strided conv.
# Each is compiled, built with ASan/UBSan, run, and compared with the
# evaluator (exactly where no arithmetic happens).
set -euo pipefail
edgec=$1 cases=$2 root=$3/edge_cases
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$root"
mkdir -p "$root"
/usr/bin/python3 -c "
import numpy as np
np.save('$root/passthrough.npy', np.arange(6, dtype=np.float32).reshape(2, 3))
np.save('$root/empty-slice.npy', np.arange(6, dtype=np.float32).reshape(2, 3))
np.save('$root/pooling.npy', np.random.RandomState(7).randn(1, 2, 7, 7).astype(np.float32))"
declare -A tolerance=([passthrough]="--rtol 0 --atol 0" [empty-slice]="--rtol 0 --atol 0"
                      [pooling]="--rtol 1e-5 --atol 1e-6")
for model in passthrough empty-slice pooling; do
  work=$root/$model
  "$edgec" compile "$cases/$model.onnxtxt" -t generic -o "$work/gen" --harness --name m
  ${CXX:-g++} -std=c++20 -O1 -Wall -Wextra -Werror -fsanitize=address,undefined \
    -fno-sanitize-recover=all -I"$work/gen" "$work/gen/m.cpp" "$work/gen/m_weights.cpp" \
    "$work/gen/m_main.cpp" -o "$work/main"
  mkdir -p "$work/gen-out" "$work/eval-out"
  "$work/main" "$root/$model.npy" -o "$work/gen-out"
  "$edgec" run "$cases/$model.onnxtxt" --input "$root/$model.npy" --output-dir "$work/eval-out" >/dev/null
  for f in "$work/eval-out"/out_*.npy; do
    # shellcheck disable=SC2086
    /usr/bin/python3 "$here/compare_npy.py" "$work/gen-out/$(basename "$f")" "$f" ${tolerance[$model]}
  done
done
