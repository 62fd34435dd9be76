#!/usr/bin/env bash
# target_random_layers.sh EDGEC WORK_DIR TARGET [COUNT] [SEED] [MAX_SIDE]
# The randomized layer shapes of quant_random_layers.sh (random_layers.py:
# general, grouped and depthwise convs with random kernel, stride, dilation and
# padding, pools, add, concat, gemm...) quantized to int8 and run on TARGET
# under QEMU by `edgec verify`: the generated integers must equal the
# evaluator's. This is where the target's own kernels (e.g. conv2d_s8_dsp's
# unrolled interior and border im2col paths) meet shapes that the bundled
# models do not have. Another seed than the host test's, so the two together
# cover more shapes, and maps up to MAX_SIDE (default 40) on a side, so that
# the paths taken only for layers with many interior pixels run too; pass
# another seed to explore.
set -euo pipefail
edgec=$1 target=$3 count=${4:-8} seed=${5:-20261206} side=${6:-40}
work=$2/random-$target
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work"
mkdir -p "$work"
/usr/bin/python3 "$here/random_layers.py" "$work/models" "$count" "$seed" "$side" >/dev/null
for ((i = 0; i < count; ++i)); do
  m=random_$i
  "$edgec" verify "$work/models/$m.onnx" -t "$target" --inputs "$work/models/$m.input.npy" \
    --quantize int8 --calibration random --work-dir "$work/$m" > "$work/$m.txt" 2> "$work/$m.log" ||
    { echo "$m (seed $seed) on $target:"; cat "$work/$m.txt" "$work/$m.log"; exit 1; }
  head -n 1 "$work/$m.txt"
done
echo "$count random int8 models bit-exact on $target"
