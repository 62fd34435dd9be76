#!/usr/bin/env bash
# ort_cases.sh EDGEC CASES_DIR WORK_DIR [CASE...]
# The op-variant cases of a folder like test/e2e/recurrent/ (each with its
# make_cases.py): every <case>.onnx is compiled for the generic target, built
# with -Wall -Wextra -Werror and ASan/UBSan, run on <case>.input.npy, and
# every output compared with ONNX Runtime's (<case>.ort_output_<k>.npy, from
# scripts/ort-reference.sh --cases CASES_DIR); the evaluator is compared with
# ONNX Runtime too. rtol 1e-4, atol 1e-5.
set -euo pipefail
edgec=$1 cases=$2 root=$3/$(basename "$2")
shift 3
here=$(cd "$(dirname "$0")" && pwd)
names=("$@")
if ((${#names[@]} == 0)); then
  for f in "$cases"/*.onnx; do names+=("$(basename "$f" .onnx)"); done
fi
rm -rf "$root"
for c in "${names[@]}"; do
  work=$root/$c
  mkdir -p "$work/gen-out" "$work/eval-out"
  "$edgec" compile "$cases/$c.onnx" -t generic -o "$work/gen" --harness --name m >/dev/null
  ${CXX:-g++} -std=c++20 -O1 -Wall -Wextra -Werror -fsanitize=address,undefined \
    -fno-sanitize-recover=all -I"$work/gen" "$work/gen/m.cpp" "$work/gen/m_weights.cpp" \
    "$work/gen/m_main.cpp" -o "$work/main"
  "$work/main" "$cases/$c.input.npy" -o "$work/gen-out" >/dev/null
  "$edgec" run "$cases/$c.onnx" --input "$cases/$c.input.npy" --output-dir "$work/eval-out" >/dev/null
  for ref in "$cases/$c".ort_output_*.npy; do
    k=${ref##*_}
    for side in gen-out eval-out; do
      /usr/bin/python3 "$here/compare_npy.py" "$work/$side/out_$k" "$ref" --rtol 1e-4 --atol 1e-5
    done
  done
done
