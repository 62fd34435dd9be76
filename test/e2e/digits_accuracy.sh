#!/usr/bin/env bash
# digits_accuracy.sh EDGEC MODELS_DIR WORK_DIR
# Compiles the digits CNN for the whole held-out split as one batch, runs the
# generated code, and requires exactly the exporter's accuracy.
set -euo pipefail
edgec=$1 models=$2 work=$3/digits_accuracy
rm -rf "$work"
mkdir -p "$work"
n=$(/usr/bin/python3 -c "import numpy as np; print(np.load('$models/digits_test_x.npy').shape[0])")
"$edgec" compile "$models/digits_cnn.onnx" -t x86-64 -o "$work/gen" --harness --name digits \
  --input-shape "input=${n}x1x8x8"
${CXX:-g++} -std=c++20 -O2 -Wall -Wextra -Werror -I"$work/gen" \
  "$work/gen/digits.cpp" "$work/gen/digits_weights.cpp" "$work/gen/digits_main.cpp" -o "$work/main"
"$work/main" "$models/digits_test_x.npy" -o "$work"
/usr/bin/python3 - "$work/out_0.npy" "$models" <<'PY'
import json, sys
import numpy as np
out, models = sys.argv[1], sys.argv[2]
labels = np.load(f"{models}/digits_test_y.npy")
acc = float((np.load(out).argmax(1) == labels).mean())
want = json.load(open(f"{models}/MANIFEST.json"))["models"]["digits_cnn"]["test_accuracy"]
print(f"generated code accuracy {acc:.6f} on {len(labels)} held-out digits; exporter {want:.6f}")
sys.exit(0 if round(acc * len(labels)) == round(want * len(labels)) else 1)
PY
