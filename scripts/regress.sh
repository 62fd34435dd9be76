#!/usr/bin/env bash
# Regression check of the generated code's figures against committed goldens.
#
#   scripts/regress.sh [--update] [--golden DIR] [MODEL...]
#
# For each model in models/ (or the ones named), in float and int8, compiles
# for the `generic` target and records: MACs, weight bytes, arena bytes, and
# flash bytes (text + data of the model's objects built with the target's own
# flags, weights included). Fails, printing a diff, when a figure is worse than
# the golden (test/golden/<model>.json) by more than the tolerance: 0 for
# MACs, weight and arena bytes, which are exact; 2 % for flash bytes, which
# depend on the compiler. Better figures pass and are reported, so the goldens
# can be tightened with --update. On the emulated targets (cortex-m4,
# cortex-m55, rv32imac; int8) it also records, through `edgec verify --json`
# (outputs bit-exact or the script fails), the instructions of one inference
# under QEMU (1 % tolerance: deterministic, but they follow the cross
# compiler), the arena (exact) and the flash of the model's objects (2 %).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/lib/calibration.sh"
golden=$root/test/golden
update=0
models=()
while (($#)); do
  case $1 in
    --update) update=1 ;;
    --golden) golden=$2; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) models+=("$1") ;;
  esac
  shift
done
if ((${#models[@]} == 0)); then
  for f in "$root"/models/*.onnx; do models+=("$(basename "$f" .onnx)"); done
fi
edgec=${EDGEC:-${EDGEC_BUILD_DIR:-$root/build}/compiler/tools/edgec}
[[ -x $edgec ]] || { echo "regress: $edgec not built (run scripts/build.sh)" >&2; exit 1; }
cxx=${CXX:-g++}
flags=$(/usr/bin/python3 -c "import json,sys; print(' '.join(json.load(open(sys.argv[1]))['cxx_flags']))" \
        "$root/targets/generic.json")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

measure() { # MODEL MODE -> JSON object on stdout
  local m=$1 mode=$2 dir=$work/$1-$2 q=()
  if [[ $mode == int8 ]]; then
    local calib=$(model_calibration "$m" "$root/models")
    q=(--quantize int8 --calibration "$calib")
  fi
  "$edgec" compile "$root/models/$m.onnx" -t generic -o "$dir" --name "$m" "${q[@]}" >/dev/null 2>&1
  # shellcheck disable=SC2086
  $cxx $flags -I"$dir" -c "$dir/$m.cpp" -o "$dir/model.o"
  # shellcheck disable=SC2086
  $cxx $flags -I"$dir" -c "$dir/${m}_weights.cpp" -o "$dir/weights.o"
  local flash
  flash=$(size -B "$dir/model.o" "$dir/weights.o" | awk 'NR > 1 {s += $1 + $2} END {print s}')
  /usr/bin/python3 - "$dir/report.json" "$flash" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(json.dumps({"macs": r["macs"], "weight_bytes": r["weight_bytes"],
                  "arena_bytes": r["arena_bytes"], "flash_bytes": int(sys.argv[2])}))
PY
}

emulated=(cortex-m4 cortex-m55 rv32imac)
measure_target() { # MODEL TARGET -> JSON object on stdout
  local m=$1 t=$2 q=()
  if [[ $m != *_qdq* ]]; then
    local calib=$(model_calibration "$m" "$root/models")
    q=(--quantize int8 --calibration "$calib")
  fi
  "$edgec" verify "$root/models/$m.onnx" -t "$t" "${q[@]}" --json 2>/dev/null > "$work/verify.json" || {
    echo "regress: edgec verify $m -t $t failed:" >&2; cat "$work/verify.json" >&2; return 1; }
  /usr/bin/python3 - "$work/verify.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(json.dumps({"instructions": r["instructions"], "arena_bytes": r["arena_bytes"],
                  "flash_bytes": r["flash_bytes"]}))
PY
}

status=0
mkdir -p "$golden"
for m in "${models[@]}"; do
  [[ $m == *_qdq* ]] && modes=(int8) || modes=(float int8)
  now="{"
  for mode in "${modes[@]}"; do
    # A QDQ model is int8 whatever the options: measure it once, as compiled.
    if [[ $m == *_qdq* ]]; then fig=$(measure "$m" float); else fig=$(measure "$m" "$mode"); fi
    now+="\"$mode\": $fig, "
  done
  for t in "${emulated[@]}"; do
    fig=$(measure_target "$m" "$t")
    now+="\"$t.int8\": $fig, "
  done
  now="${now%, }}"
  file=$golden/$m.json
  if ((update)) || [[ ! -f $file ]]; then
    /usr/bin/python3 -c "import json,sys; d={'model': sys.argv[1], 'target': 'generic', **json.loads(sys.argv[2])}; \
open(sys.argv[3], 'w').write(json.dumps(d, indent=2, sort_keys=True) + '\n')" "$m" "$now" "$file"
    echo "$m: golden written ($file)"
    continue
  fi
  /usr/bin/python3 - "$m" "$now" "$file" <<'PY' || status=1
import json, sys
name, now, gold = sys.argv[1], json.loads(sys.argv[2]), json.load(open(sys.argv[3]))
tolerance = {"macs": 0.0, "weight_bytes": 0.0, "arena_bytes": 0.0, "flash_bytes": 0.02,
             "instructions": 0.01}
worse, better = [], []
for mode, figs in now.items():
    for key, value in figs.items():
        ref = gold.get(mode, {}).get(key)
        if ref is None:
            worse.append(f"  {mode}.{key}: no golden value (run with --update)")
            continue
        if value > ref * (1 + tolerance[key]):
            worse.append(f"  {mode}.{key}: {ref} -> {value} (+{100 * (value - ref) / max(ref, 1):.2f} %, "
                         f"tolerance {100 * tolerance[key]:.0f} %)")
        elif value < ref:
            better.append(f"  {mode}.{key}: {ref} -> {value}")
if worse:
    print(f"{name}: WORSE than the golden:")
    print("\n".join(worse))
    sys.exit(1)
print(f"{name}: ok" + (" (better: " + "; ".join(b.strip() for b in better) + ")" if better else ""))
PY
done
exit $status
