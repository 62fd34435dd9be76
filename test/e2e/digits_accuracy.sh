#!/usr/bin/env bash
# digits_accuracy.sh EDGEC MODELS_DIR WORK_DIR
# Compiles the digits CNN for the whole held-out split as one batch, runs the
# generated code, and requires exactly the exporter's accuracy. Then the CNN
# and the MLP compiled with --quantize int8 (calibrated on the training split):
# at most 1 percentage point below float, measured by running the generated code.
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

for model in digits_cnn digits_mlp; do
  shape="input=${n}x1x8x8"
  [[ $model == digits_mlp ]] && shape="input=${n}x64"
  "$edgec" compile "$models/$model.onnx" -t x86-64 -o "$work/$model-int8" --harness --name q \
    --input-shape "$shape" --quantize int8 --calibration "$models/digits_train_x.npy"
  ${CXX:-g++} -std=c++20 -O2 -Wall -Wextra -Werror -I"$work/$model-int8" "$work/$model-int8/q.cpp" \
    "$work/$model-int8/q_weights.cpp" "$work/$model-int8/q_main.cpp" -o "$work/$model-int8/main"
  /usr/bin/python3 -c "import numpy as np; x=np.load('$models/digits_test_x.npy'); np.save('$work/$model-x.npy', x.reshape(${n}, -1) if '$model' == 'digits_mlp' else x)"
  mkdir -p "$work/$model-out"
  "$work/$model-int8/main" "$work/$model-x.npy" -o "$work/$model-out"
  /usr/bin/python3 - "$work/$model-out/out_0.npy" "$models" "$model" <<'PY'
import json, sys
import numpy as np
out, models, model = sys.argv[1:4]
labels = np.load(f"{models}/digits_test_y.npy")
acc = float((np.load(out).argmax(1) == labels).mean())
fl = json.load(open(f"{models}/MANIFEST.json"))["models"][model]["test_accuracy"]
print(f"{model}: int8 generated code accuracy {acc:.6f}, float {fl:.6f} ({(fl - acc) * 100:+.2f} pp loss)")
sys.exit(0 if fl - acc <= 0.01 + 1e-9 else 1)
PY
done
