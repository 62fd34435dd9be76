#!/usr/bin/env bash
# prune_channels.sh EDGEC MODELS_DIR WORK_DIR
# Structured pruning on a model with zeroed filters (digits_cnn_filters50:
# half of each conv layer's filters and their batch norm's gamma and beta are
# zero). Compiled as is, edge-prune-channels removes those channels and the
# readers' matching input channels (through max pool, flatten and the
# fully-connected layer); compiled with --keep-channels it does not. For the
# float and the int8 model:
#   - MACs, weight bytes and the arena (report.json) are all smaller pruned;
#   - float: the generated code's outputs are unchanged (within rounding of
#     the shorter sums, rtol 1e-6) on the 360 held-out digits as one batch;
#   - int8: the removed input channels' weights no longer widen the readers'
#     per-channel weight scales, so the integers may differ; the top-1
#     accuracy of the pruned int8 model must be no lower than the unpruned
#     one's (and each is bit-exact with the evaluator in the target tests).
set -euo pipefail
edgec=$1 models=$2 work=$3/prune_channels
model=digits_cnn_filters50
rm -rf "$work"
mkdir -p "$work"
n=$(/usr/bin/python3 -c "import numpy as np; print(np.load('$models/digits_test_x.npy').shape[0])")
for mode in float int8; do
  q=()
  [[ $mode == int8 ]] && q=(--quantize int8 --calibration "$models/digits_train_x.npy")
  for variant in pruned kept; do
    k=()
    [[ $variant == kept ]] && k=(--keep-channels)
    dir=$work/$mode-$variant
    mkdir -p "$dir/out"
    "$edgec" compile "$models/$model.onnx" -t x86-64 -o "$dir/gen" --harness --name m \
      --input-shape "input=${n}x1x8x8" "${q[@]}" "${k[@]}" > "$dir.log" 2>&1 \
      || { cat "$dir.log" >&2; exit 1; }
    ${CXX:-g++} -std=c++20 -O2 -Wall -Wextra -Werror -I"$dir/gen" "$dir/gen/m.cpp" \
      "$dir/gen/m_weights.cpp" "$dir/gen/m_main.cpp" -o "$dir/main"
    "$dir/main" "$models/digits_test_x.npy" -o "$dir/out" > /dev/null
  done
done
exec /usr/bin/python3 - "$work" "$models" <<'PY'
import json, sys
import numpy as np
work, models = sys.argv[1:]
fail = []
for mode in ("float", "int8"):
    r = {v: json.load(open(f"{work}/{mode}-{v}/gen/report.json")) for v in ("pruned", "kept")}
    for key in ("macs", "weight_bytes", "arena_bytes"):
        p, k = r["pruned"][key], r["kept"][key]
        print(f"{mode} {key}: {k} -> {p} ({p / k:.2f}x)")
        if not p < k:
            fail.append(f"{mode} {key} did not drop ({k} -> {p})")
    a, b = (np.load(f"{work}/{mode}-{v}/out/out_0.npy") for v in ("pruned", "kept"))
    if a.shape != b.shape:
        fail.append(f"{mode} output shapes differ: {a.shape} vs {b.shape}")
    elif mode == "float":
        if np.allclose(a, b, rtol=1e-6, atol=1e-6):
            print(f"float outputs unchanged ({a.size} elements, max difference {np.abs(a - b).max():.2g})")
        else:
            fail.append(f"float outputs differ: max {np.abs(a - b).max()}")
    else:
        labels = np.load(f"{models}/digits_test_y.npy")
        pa, ka = ((x.argmax(1) == labels).mean() for x in (a, b))
        print(f"int8 top-1: {100 * ka:.2f} % -> {100 * pa:.2f} % pruned "
              f"({(a != b).sum()} of {a.size} dequantized outputs differ)")
        if pa < ka:
            fail.append(f"int8 accuracy dropped with the channels removed ({ka} -> {pa})")
sys.exit("; ".join(fail) if fail else 0)
PY
