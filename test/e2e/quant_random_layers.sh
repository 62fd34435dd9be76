#!/usr/bin/env bash
# quant_random_layers.sh EDGEC WORK_DIR [int8|int16x8|mixed] [COUNT] [SEED]
# Integer bit-exactness on randomized layer shapes: random_layers.py writes
# COUNT models (convs of every kind with random kernel / stride / dilation /
# padding / groups, pools, add, max, min, mul, div, concat, mean, gemm,
# activations); each is
# compiled with --quantize int8 (or int16x8, or int8 with every other layer
# named in --int16: mixed), built and run. The generated integers must equal the
# evaluator's int8 mode element for element, and the float entry point
# (<name>_run_float, through the harness's --float-api) must give exactly the
# dequantized outputs. The seed is fixed so that a failure reproduces; pass
# another to explore.
set -euo pipefail
edgec=$1 quant=${3:-int8} count=${4:-12} seed=${5:-20261125}
work=$2/$quant-random
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work"
mkdir -p "$work"
/usr/bin/python3 "$here/random_layers.py" "$work/models" "$count" "$seed" >/dev/null
for ((i = 0; i < count; ++i)); do
  m=random_$i dir=$work/$m
  model=$work/models/$m.onnx input=$work/models/$m.input.npy
  q=(--quantize "$quant" --calibration random)
  if [[ $quant == mixed ]]; then
    # Mixed precision: every other layer in 16x8, the rest int8, so that
    # values cross between the widths in both directions.
    int16=$("$edgec" inspect "$model" --quantize int8 --calibration random 2>/dev/null |
            awk 'NR > 1 && NF == 0 {done = 1} !done && NR > 1 && NR % 2 == 0 {printf "%s%s", s, $1; s = ","}')
    q=(--quantize int8 --int16 "$int16" --calibration random)
  fi
  "$edgec" compile "$model" -t x86-64 -o "$dir/gen" --harness --name "$m" "${q[@]}" >/dev/null 2>&1 ||
    { echo "$m: compile failed:"; "$edgec" compile "$model" -o "$dir/gen" "${q[@]}"; exit 1; }
  cmake -S "$dir/gen" -B "$dir/build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$dir/build" >/dev/null
  mkdir -p "$dir/gen_out" "$dir/float_api" "$dir/eval_out"
  "$dir/build/${m}_main" "$input" -o "$dir/gen_out"
  "$dir/build/${m}_main" "$input" -o "$dir/float_api" --float-api
  "$edgec" run "$model" --input "$input" --output-dir "$dir/eval_out" "${q[@]}" >/dev/null 2>&1
  /usr/bin/python3 - "$dir" "$m" "$("$edgec" inspect "$model" "${q[@]}" 2>/dev/null |
                                 awk 'NR > 1 && NF == 0 {done = 1} !done && NR > 1 {printf "%s ", $2}')" <<'PY'
import sys, numpy as np
d, m, ops = sys.argv[1], sys.argv[2], sys.argv[3]
g, e = np.load(d + "/gen_out/out_0.q.npy"), np.load(d + "/eval_out/out_0.q.npy")
if g.shape != e.shape or not (g == e).all():
    sys.exit(f"{m}: generated integers differ from the evaluator in {(g != e).sum()} of {g.size} "
             f"elements (layers: {ops}); model in {d}/../models")
f, deq = np.load(d + "/float_api/out_0.npy"), np.load(d + "/gen_out/out_0.npy")
if not np.array_equal(f, deq):
    sys.exit(f"{m}: <name>_run_float differs from the dequantized int8 output")
print(f"{m}: bit-exact ({g.size} outputs), float entry point identical; layers: {ops}")
PY
done
