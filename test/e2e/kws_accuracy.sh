#!/usr/bin/env bash
# kws_accuracy.sh EDGEC MODELS_DIR WORK_DIR [MODEL]
# A keyword-spotting model (kws, models/export_kws.py, by default; kws_lstm,
# models/export_kws_lstm.py, shares its data) on its held-out voices, the bar
# of issue 19:
#   - int8 (calibrated on 256 training windows): top-1 accuracy within 0.5
#     percentage point of float, measured by running the generated code on
#     the whole held-out batch, and an arena at most 0.3x the float one;
#   - --quantize auto --accuracy-budget 35 --bias-correction on a Cortex-M4:
#     an output SQNR of at least 35 dB on the held-out voices with an arena
#     at most 1.5x the int8 one as it was then, 13,328 B (report.json of the
#     compile; the ratio to today's int8 arena is printed).
set -euo pipefail
edgec=$1 models=$2 model=${4:-kws} work=$3/${4:-kws}_accuracy
rm -rf "$work"
mkdir -p "$work"
data=(--calibration "$models/kws_calib_x.npy" --eval-inputs "$models/kws_test_x.npy"
      --eval-labels "$models/kws_test_y.npy")
# The report of one window at a time (the evaluator's int8 mode, on every
# held-out window).
"$edgec" compile "$models/$model.onnx" -t x86-64 -o "$work/int8" --quantize int8 "${data[@]}" \
  >/dev/null 2>&1
# The generated code on all held-out windows as one batch. Calibrated on the
# same 256 windows made into one batch (repeated to the batch size): minmax
# ranges, and so every scale, are those of the per-window compile.
n=$(/usr/bin/python3 - "$models" "$work" <<'PY'
import sys
import numpy as np
models, work = sys.argv[1:3]
x, c = np.load(f"{models}/kws_test_x.npy"), np.load(f"{models}/kws_calib_x.npy")
np.save(f"{work}/calib_batch.npy", np.resize(c, (1, len(x)) + c.shape[1:]).astype(np.float32))
print(len(x))
PY
)
"$edgec" compile "$models/$model.onnx" -t x86-64 -o "$work/batch" --harness --name q \
  --input-shape "input=${n}x1x40x20" --quantize int8 --calibration "$work/calib_batch.npy" \
  >/dev/null 2>&1
${CXX:-g++} -std=c++20 -O2 -Wall -Wextra -Werror -I"$work/batch" "$work/batch/q.cpp" \
  "$work/batch/q_weights.cpp" "$work/batch/q_main.cpp" -o "$work/batch/main"
mkdir -p "$work/batch-out"
"$work/batch/main" "$models/kws_test_x.npy" -o "$work/batch-out" >/dev/null
"$edgec" compile "$models/$model.onnx" -t cortex-m4 -o "$work/auto" --quantize auto \
  --accuracy-budget 35 --bias-correction "${data[@]}" >/dev/null 2>"$work/auto.log" ||
  { cat "$work/auto.log" >&2; exit 1; }
/usr/bin/python3 - "$work" "$models" "$model" <<'PY'
import json, sys
import numpy as np
work, models, model = sys.argv[1:4]
labels = np.load(f"{models}/kws_test_y.npy")
acc = float((np.load(f"{work}/batch-out/out_0.npy").argmax(1) == labels).mean())
q8 = json.load(open(f"{work}/int8/report.json"))["quantization"]
fl = q8["accuracy_float"]
ok = True
def check(cond, what):
    global ok
    print(("ok    " if cond else "FAIL  ") + what)
    ok &= cond
check(abs(acc - q8["accuracy_quantized"]) < 1e-9,
      f"generated int8 code accuracy {acc:.4f} equals the evaluator's {q8['accuracy_quantized']:.4f}")
check(fl - acc <= 0.005 + 1e-9,
      f"int8 accuracy {acc:.4f} within 0.5 pp of float {fl:.4f} ({(fl - acc) * 100:+.2f} pp) on {len(labels)} held-out windows")
r8 = json.load(open(f"{work}/int8/report.json"))
arena8, arenaf = r8["arena_bytes"], q8["float_arena_bytes"]
check(arena8 <= 0.3 * arenaf, f"int8 arena {arena8} B <= 0.3x float {arenaf} B ({arena8 / arenaf:.2f}x)")
ra = json.load(open(f"{work}/auto/report.json"))
qa = ra["quantization"]
db = min(qa["output_sqnr_db"])
check(db >= 35, f"--quantize auto output SQNR {db:.1f} dB >= 35 (all int8: {qa['auto']['int8_output_sqnr_db']:.1f} dB)")
# Issue 19 set this bar at 1.5x the int8 arena of the Cortex-M4 compile as
# it was then: 13,328 B for kws, 2,688 B for kws_lstm. In-place layers have
# since halved kws's int8 arena (the SMLAD depthwise and pointwise kernels
# write over their input), but not the 16x8 layers' (reference kernels,
# int16 buffers, never in place), so the bar stays the absolute figure it
# was, and the ratio to today's int8 arena is reported.
ISSUE19_INT8_ARENA = {"kws": 13328, "kws_lstm": 2688}[model]
base = qa["auto"]["int8_arena_bytes"]
check(ra["arena_bytes"] <= 1.5 * ISSUE19_INT8_ARENA,
      f"--quantize auto arena {ra['arena_bytes']} B <= 1.5x issue 19's int8 {ISSUE19_INT8_ARENA} B "
      f"({ra['arena_bytes'] / ISSUE19_INT8_ARENA:.2f}x)")
print(f"info  --quantize auto arena {ra['arena_bytes']} B is {ra['arena_bytes'] / base:.2f}x "
      f"today's int8 {base} B")
# What the choice costs in instructions, as the Cortex-M4 cost model predicts
# it (reported, not a goal; `edgec verify --per-layer` measures it).
ia, i8 = qa["auto"]["instructions_predicted"], qa["auto"]["int8_instructions_predicted"]
print(f"info  --quantize auto: ~{ia:,} predicted conv / gemm instructions against ~{i8:,} all int8 "
      f"({ia / max(i8, 1):.2f}x), {qa['auto']['float_conv_gemm_layers']} conv / gemm left in float")
sys.exit(0 if ok else 1)
PY
