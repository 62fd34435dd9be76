#!/usr/bin/env bash
# Dense against sparse kernels on the pruned models, instructions counted
# under QEMU (deterministic), every run bit-exact with the evaluator.
#
#   scripts/bench-sparsity.sh [TARGET...]     (default: cortex-m4 rv32imac)
#
# Per model and target: the int8 weight bytes and instructions with
# --sparsity off (dense kernels) and --sparsity auto (the cost model's
# choice), their ratios, the layers the cost model made sparse, and any
# layer it made sparse that measured slower than dense (there should be
# none). Accuracy is the pruned float model's on the 360 held-out digits
# (models/MANIFEST.json, from models/export_pruned.py).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/lib/calibration.sh"
edgec=${EDGEC:-${EDGEC_BUILD_DIR:-$root/build}/compiler/tools/edgec}
targets=("$@")
((${#targets[@]})) || targets=(cortex-m4 rv32imac)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
models=(digits_cnn digits_cnn_sparse50 digits_cnn_sparse75 digits_cnn_sparse90 digits_cnn_sparse2_4
        ds_cnn ds_cnn_sparse50 ds_cnn_sparse75 ds_cnn_sparse90 ds_cnn_sparse2_4)
echo "| model | target | zeros | accuracy | weight B dense | weight B sparse | x | instructions dense | instructions sparse | x | sparse layers | sparse but slower |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for t in "${targets[@]}"; do
  for m in "${models[@]}"; do
    calib=$(model_calibration "$m" "$root/models")
    for mode in off auto; do
      "$edgec" verify "$root/models/$m.onnx" -t "$t" --quantize int8 --calibration "$calib" \
        --sparsity "$mode" --json --work-dir "$work/$m-$t-$mode" > "$work/$m-$t-$mode.json" 2>/dev/null
      "$edgec" verify "$root/models/$m.onnx" -t "$t" --quantize int8 --calibration "$calib" \
        --sparsity "$mode" --json --per-layer --work-dir "$work/$m-$t-$mode-layers" \
        > "$work/$m-$t-$mode-layers.json" 2>/dev/null
    done
    /usr/bin/python3 - "$work" "$m" "$t" "$root/models/MANIFEST.json" <<'PY'
import json, sys
work, m, t, manifest = sys.argv[1:]
def load(mode, suffix=""):
    return json.load(open(f"{work}/{m}-{t}-{mode}{suffix}.json"))
def weights(mode):
    return json.load(open(f"{work}/{m}-{t}-{mode}/gen/report.json"))["weight_bytes"]
d, s = load("off"), load("auto")
assert d["ok"] and s["ok"], (m, t)
dl, sl = load("off", "-layers")["layers"], load("auto", "-layers")["layers"]
report = json.load(open(f"{work}/{m}-{t}-auto/gen/report.json"))
sparse = [l for l in sl if l.get("sparsity", {}).get("choice") == "sparse"]
slower = [l["node"] for l, ld in zip(sl, dl)
          if l.get("sparsity", {}).get("choice") == "sparse" and l["instructions"] > ld["instructions"]]
info = json.load(open(manifest))["models"].get(m, {})
acc = f'{100 * info["test_accuracy"]:.2f} %' if "test_accuracy" in info else ""
wd, ws = weights("off"), weights("auto")
print(f'| {m} | {t} | {100 * info.get("weight_sparsity", 0):.0f} % | {acc} | {wd:,} | {ws:,} | {ws / wd:.2f} '
      f'| {d["instructions"]:,} | {s["instructions"]:,} | {s["instructions"] / d["instructions"]:.2f} '
      f'| {len(sparse)} of {sum(1 for l in sl if "sparsity" in l)} | {", ".join(slower) or "none"} |')
PY
  done
done
