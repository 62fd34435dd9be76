#!/usr/bin/env bash
# qdq_ort.sh MODEL EDGEC MODELS_DIR WORK_DIR
# An already-quantized (QDQ) model from PyTorch's qnnpack quantization,
# compiled with its own scales, run by the generated code on the whole
# held-out digits split. Checks: the generated integers equal the evaluator's
# int8 mode; at least 99% of the output elements are within 1 LSB of ONNX
# Runtime's (models/MODEL.ort_output.npy, from scripts/ort-reference.sh);
# top-1 accuracy is printed for both.
set -euo pipefail
model=$1 edgec=$2 models=$3
work=$4/$model-qdq
rm -rf "$work"
mkdir -p "$work/gen_out" "$work/eval_out"
n=$(/usr/bin/python3 -c "import numpy as np, sys; print(np.load(sys.argv[1], mmap_mode='r').shape[0])" \
    "$models/digits_test_x.npy")
shape=(--input-shape "input=${n}x1x8x8")
"$edgec" compile "$models/$model.onnx" -t x86-64 -o "$work/gen" --harness --name "$model" "${shape[@]}"
cmake -S "$work/gen" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work/build" >/dev/null
"$work/build/${model}_main" "$models/digits_test_x.npy" -o "$work/gen_out"
"$edgec" run "$models/$model.onnx" --input "$models/digits_test_x.npy" --output-dir "$work/eval_out" \
  "${shape[@]}"
header=$work/gen/$model.h
exec /usr/bin/python3 - "$work" "$models" "$model" "$header" <<'PY'
import re, sys, numpy as np
work, models, model, header = sys.argv[1:]
h = open(header).read()
scale = float(re.search(r"OUTPUT_0_SCALE ([-0-9.e+]+)f", h).group(1))
zero = int(re.search(r"OUTPUT_0_ZERO_POINT (-?\d+)", h).group(1))
g, e = np.load(work + "/gen_out/out_0.q.npy"), np.load(work + "/eval_out/out_0.q.npy")
if g.shape != e.shape or not (g == e).all():
    sys.exit(f"generated int8 output differs from the evaluator in {(g != e).sum()} of {g.size}")
ort = np.load(f"{models}/{model}.ort_output.npy")
if ort.shape != g.shape:
    sys.exit(f"shape {g.shape} differs from ONNX Runtime's {ort.shape}")
ort_q = np.rint(ort.astype(np.float64) / scale).astype(np.int64)
diff = np.abs(g.astype(np.int64) - zero - ort_q)
exact, within1 = (diff == 0).mean(), (diff <= 1).mean()
y = np.load(models + "/digits_test_y.npy")
acc_e, acc_o = (g.argmax(1) == y).mean(), (ort.argmax(1) == y).mean()
print(f"{model}: vs ONNX Runtime on {g.shape[0]} inputs ({g.size} elements): {100 * exact:.2f}% "
      f"identical, {100 * within1:.2f}% within 1 LSB, max difference {diff.max()} LSB; "
      f"top-1 accuracy edgec {100 * acc_e:.2f}%, ONNX Runtime {100 * acc_o:.2f}%")
sys.exit(0 if within1 >= 0.99 else "fewer than 99% of the elements within 1 LSB")
PY
