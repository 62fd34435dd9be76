#!/usr/bin/env bash
# Instruction-count benchmark of the generated int8 code on the MCU targets.
#
#   scripts/bench-mcu.sh [--readme] [--target T]... [MODEL...]
#
# For each model in models/ (or those named) and each emulated target, runs
# `edgec verify --json` (which also checks the outputs bit-exact against the
# evaluator) and prints: instructions per inference (QEMU, counted by the
# edgec-qemu-icount plugin between the harness's markers, deterministic),
# MACs, MACs per instruction, arena and flash bytes, and the ratio of
# instructions to the ISA's ideal for the MACs alone:
#   cortex-m4 / m7: 2 int8 MACs per SMLAD          -> ideal = MACs / 2
#   cortex-m55:     16 int8 MACs per VMLADAVA.S8   -> ideal = MACs / 16
#   rv32imac, m0+:  one mul + one add per MAC      -> ideal = 2 x MACs
# plus, on cortex-m4, the same model with the portable kernels and the
# speed-up of the DSP kernels over them. Models larger than the target's
# typical part are skipped there (the fit check). Where the four MLPerf-shaped
# models ran on cortex-m4 or cortex-m55, a second table sets them against
# TFLite-Micro + CMSIS-NN (bench/tflm-cmsis-nn.json: reference figures and
# their provenance): instructions and arena, each as a ratio, beside the
# goal, with the cycles the target's in-order model estimates (an estimate:
# emulator.cycle_model, docs/targets.md); and a third, per layer kind (3x3-style im2col convs, depthwise,
# pointwise, fully connected, add, pools...): MACs, instructions and
# instructions per MAC of those models on each of the two targets, from
# `edgec verify --per-layer` joined with the layer table of report.json.
# --readme rewrites the tables between their markers in README.md.
#
#   scripts/bench-mcu.sh --tflite [--readme] [--target T]... [DIR]
#
# The .tflite models of DIR (default ../shared/tflite, TFLM's reference
# models) that test/tflite/expected_pass.txt lists, as they are (their own
# quantization; case 0's inputs): the same figures per target, and beside
# them TFLite-Micro's arena on the same file from DIR/MANIFEST.json (its
# Cortex-M4 CMSIS-NN build where one was measured, else its 64-bit host
# build, said so). TFLM's instruction counts are not in DIR: the ratio is
# given for the arena only. --readme rewrites the bench-tflite table.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/lib/calibration.sh"
edgec=${EDGEC:-${EDGEC_BUILD_DIR:-$root/build}/compiler/tools/edgec}
[[ -x $edgec ]] || { echo "bench-mcu: $edgec not built (run scripts/build.sh)" >&2; exit 1; }
readme=0 tflite=0 targets=() models=()
while (($#)); do
  case $1 in
    --readme) readme=1 ;;
    --tflite) tflite=1 ;;
    --target) targets+=("$2"); shift ;;
    -h|--help) sed -n '2,36p' "$0"; exit 0 ;;
    *) models+=("$1") ;;
  esac
  shift
done
((${#targets[@]})) || targets=(cortex-m0plus cortex-m4 cortex-m7 cortex-m55 rv32imac)

replace_between() { # MARKER TEXT: the README lines between <!-- MARKER:begin/end -->
  local new
  new=$(awk -v table="$2" -v b="<!-- $1:begin -->" -v e="<!-- $1:end -->" '
    $0 == b { print; print table; skip = 1; next }
    $0 == e { skip = 0 }
    !skip { print }' "$root/README.md")
  printf '%s\n' "$new" > "$root/README.md"
}

if ((tflite)); then
  dir=${models[0]:-$(dirname "$root")/shared/tflite}
  [[ -f $dir/MANIFEST.json ]] || { echo "bench-mcu: no TFLM reference folder at $dir" >&2; exit 1; }
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  results=$work/results.jsonl
  for m in $(grep -v '^#' "$root/test/tflite/expected_pass.txt"); do
    ins=("$dir/$m"/in_0_*.npy)
    for t in "${targets[@]}"; do
      out=$work/$m-$t.json
      big=0
      "$edgec" verify "$dir/$m/model.tflite" -t "$t" --json --inputs "${ins[@]}" \
        > "$out" 2> "$work/err" || true
      if grep -q "but $t has" "$work/err"; then # larger than the part: on the emulator
        big=1
        "$edgec" verify "$dir/$m/model.tflite" -t "$t" --json --no-fit-check \
          --inputs "${ins[@]}" > "$out" 2> "$work/err" || true
      fi
      if [[ -s $out ]] && ! grep -q "do not fit the emulated board" "$work/err"; then
        /usr/bin/python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); r["model"]=sys.argv[2]; r["too_big"]=sys.argv[3]=="1"; print(json.dumps(r))' \
          "$out" "$m" "$big" >> "$results"
      elif grep -q "do not fit the emulated board" "$work/err"; then
        echo "{\"model\": \"$m\", \"target\": \"$t\", \"skipped\": true}" >> "$results"
      else
        echo "bench-mcu: $m on $t failed:" >&2
        cat "$work/err" "$out" >&2
        exit 1
      fi
    done
  done
  table=$(/usr/bin/python3 - "$results" "$dir/MANIFEST.json" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
tflm = {m["name"]: m for m in json.load(open(sys.argv[2]))["models"]}
size = {"INT8": 1, "INT16": 2, "INT32": 4, "FLOAT32": 4}
# TFLM's arena holds the input and output tensors too; edgec's caller owns
# them, so they are added to edgec's arena for the comparison.
print("| model | target | instructions | MACs | arena B | + I/O B | flash B | TFLM arena B "
      "| ratio |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
for r in rows:
    if r.get("skipped"):
        print(f"| {r['model']} | {r['target']} | does not fit | | | | | | |")
        continue
    if not r["ok"]:
        sys.exit(f"{r['model']} on {r['target']}: {r['summary']}")
    m = tflm[r["model"]]
    case = m["cases"][0]
    io = sum(size[t["dtype"]] * eval("*".join(map(str, t["shape"])) or "1")
             for t in case["inputs"] + case["outputs"])
    m4 = m.get("cortex_m4_check", {}).get("cmsis_nn", {}).get("arena_used_bytes_cortex_m4")
    ref, note = (m4, " (M4)") if m4 else (m.get("arena_used_bytes_x86_64"), " (host, 64-bit)")
    ram = r["arena_bytes"] + io
    ratio = f"{ram / ref:.2f}x" if ref else ""
    big = " (> part)" if r.get("too_big") else ""
    print(f"| {r['model']} | {r['target']}{big} | {r['instructions']:,} | {r['macs']:,} | "
          f"{r['arena_bytes']:,} | {ram:,} | {r['flash_bytes']:,} | {ref:,}{note} | {ratio} |")
PY
)
  echo "$table"
  if ((readme)); then
    replace_between bench-tflite "$table"
    echo "bench-mcu: README.md bench-tflite table updated"
  fi
  exit 0
fi
if ((${#models[@]} == 0)); then
  for f in "$root"/models/*.onnx; do models+=("$(basename "$f" .onnx)"); done
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

results=$work/results.jsonl
for m in "${models[@]}"; do
  calib=$(model_calibration "$m" "$root/models")
  for t in "${targets[@]}"; do
    runs=(auto)
    [[ $t == cortex-m4 ]] && runs=(auto portable)
    for k in "${runs[@]}"; do
      out=$work/$m-$t-$k.json
      if "$edgec" verify "$root/models/$m.onnx" -t "$t" --kernels "$k" --quantize int8 \
           --calibration "$calib" --json > "$out" 2> "$work/err"; then
        /usr/bin/python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); r["model"]=sys.argv[2]; r["run"]=sys.argv[3]; print(json.dumps(r))' \
          "$out" "$m" "$k" >> "$results"
      elif grep -q -e "but $t has" -e "do not fit the emulated board" "$work/err"; then
        echo "{\"model\": \"$m\", \"target\": \"$t\", \"run\": \"$k\", \"skipped\": true}" >> "$results"
      else
        echo "bench-mcu: $m on $t ($k kernels) failed:" >&2
        cat "$work/err" "$out" >&2
        exit 1
      fi
    done
  done
done

# Per layer, for the models with reference figures, on the two anchor targets.
layers=$work/layers.jsonl
for m in "${models[@]}"; do
  /usr/bin/python3 -c 'import json,sys; sys.exit(sys.argv[1] not in json.load(open(sys.argv[2]))["models"])' \
    "$m" "$root/bench/tflm-cmsis-nn.json" || continue
  calib=$(model_calibration "$m" "$root/models")
  for t in cortex-m4 cortex-m55; do
    [[ " ${targets[*]} " == *" $t "* ]] || continue
    grep -q "\"model\": \"$m\", \"target\": \"$t\", \"run\": \"auto\", \"skipped\"" "$results" && continue
    dir=$work/$m-$t-layers
    "$edgec" verify "$root/models/$m.onnx" -t "$t" --quantize int8 --calibration "$calib" \
      --per-layer --json --work-dir "$dir" > "$dir.json" 2> "$work/err" ||
      { echo "bench-mcu: $m on $t (per layer) failed:" >&2; cat "$work/err" "$dir.json" >&2; exit 1; }
    /usr/bin/python3 - "$dir.json" "$dir/gen/report.json" "$m" "$t" >> "$layers" <<'PY'
import json, sys
run, report = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
planned = report["layers"]
for layer in run["layers"]:
    info = planned[layer["index"]]
    kind = info.get("sparsity", {}).get("kernel") or info["op"]
    if info["op"] == "conv2d" and kind == "im2col":
        kind = "conv (im2col)"
    print(json.dumps({"model": sys.argv[3], "target": sys.argv[4], "kind": kind,
                      "macs": info.get("macs", 0), "instructions": layer["instructions"]}))
PY
  done
done

table=$(/usr/bin/python3 - "$results" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
ideal = {"cortex-m4": 0.5, "cortex-m7": 0.5, "cortex-m55": 1 / 16, "rv32imac": 2.0,
         "cortex-m0plus": 2.0}
portable = {r["model"]: r["instructions"] for r in rows
            if r.get("run") == "portable" and not r.get("skipped")}
print("| model | target | instructions | MACs | MACs/instr | arena B | flash B | x ideal | vs portable |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
for r in rows:
    if r.get("run") == "portable":
        continue
    if r.get("skipped"):
        print(f"| {r['model']} | {r['target']} | does not fit | | | | | | |")
        continue
    n, macs = r["instructions"], r["macs"]
    x = n / (macs * ideal[r["target"]]) if macs else float("nan")
    vs = ""
    if r["target"] == "cortex-m4" and r["model"] in portable:
        vs = f"{portable[r['model']] / n:.2f}x faster"
    if not r["ok"]:
        sys.exit(f"{r['model']} on {r['target']}: {r['summary']}")
    print(f"| {r['model']} | {r['target']} | {n:,} | {macs:,} | {macs / n:.3f} | "
          f"{r['arena_bytes']:,} | {r['flash_bytes']:,} | {x:.1f} | {vs} |")
PY
)
echo "$table"

anchor=$(/usr/bin/python3 - "$results" "$root/bench/tflm-cmsis-nn.json" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
ref = json.load(open(sys.argv[2]))
mine = {(r["model"], r["target"]): r for r in rows
        if r.get("run") == "auto" and not r.get("skipped")}
lines = []
for target in ("cortex-m4", "cortex-m55"):
    goal = ref["goals"][target]
    for model, figures in ref["models"].items():
        r, t = mine.get((model, target)), figures.get(target)
        if not r or not t:
            continue
        ri = r["instructions"] / t["instructions"]
        cells = [model, target, f"{r['instructions']:,}", f"{t['instructions']:,}",
                 f"**{ri:.2f}x**" if ri <= goal["instructions"] else f"{ri:.2f}x",
                 f"{goal['instructions']}x",
                 f"{r['estimated_cycles']:,}" if r.get("estimated_cycles") else ""]
        if "arena_bytes" in t:
            ra = r["arena_bytes"] / t["arena_bytes"]
            cells += [f"{r['arena_bytes']:,}", f"{t['arena_bytes']:,}",
                      f"**{ra:.2f}x**" if ra <= goal["arena_bytes"] else f"{ra:.2f}x",
                      f"{goal['arena_bytes']}x"]
        else:
            cells += ["", "", "", ""]
        lines.append("| " + " | ".join(cells) + " |")
if lines:
    print("| model | target | edgec instructions | TFLM + CMSIS-NN | ratio | goal "
          "| edgec cycles (est.) | edgec arena B | TFLM arena B | ratio | goal |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    print("\n".join(lines))
PY
)
if [[ -n $anchor ]]; then
  echo
  echo "against TFLite-Micro + CMSIS-NN (bench/tflm-cmsis-nn.json; bold: goal met; cycles:"
  echo "an estimate by the target's in-order model, emulator.cycle_model, docs/targets.md):"
  echo "$anchor"
fi

kinds=""
if [[ -s $layers ]]; then
  kinds=$(/usr/bin/python3 - "$layers" <<'PY'
import json, sys
from collections import defaultdict
total = defaultdict(lambda: [0, 0, set()])
for l in open(sys.argv[1]):
    r = json.loads(l)
    t = total[(r["target"], r["kind"])]
    t[0] += r["macs"]
    t[1] += r["instructions"]
    t[2].add(r["model"])
print("| target | layer kind | models | MACs | instructions | instr/MAC |")
print("|---|---|---|---:|---:|---:|")
for (target, kind), (macs, n, models) in sorted(total.items(), key=lambda kv: (kv[0][0], -kv[1][1])):
    per = f"{n / macs:.2f}" if macs else ""
    print(f"| {target} | {kind} | {', '.join(sorted(models))} | {macs:,} | {n:,} | {per} |")
PY
)
  echo
  echo "per layer kind, the models above (edgec verify --per-layer; instructions, not cycles):"
  echo "$kinds"
fi

if ((readme)); then
  replace_between bench-mcu "$table"
  [[ -n $anchor ]] && replace_between bench-anchor "$anchor"
  [[ -n $kinds ]] && replace_between bench-kinds "$kinds"
  echo "bench-mcu: README.md tables updated"
fi
