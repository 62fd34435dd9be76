#!/usr/bin/env bash
# deterministic.sh EDGEC MODELS_DIR WORK_DIR
# The same model and options must give byte-identical output trees.
set -euo pipefail
edgec=$1 models=$2 work=$3/deterministic
rm -rf "$work"
for model in resnet8 mobilenet_v1_025; do
  "$edgec" compile "$models/$model.onnx" -t x86-64 -o "$work/a/$model" --harness
  "$edgec" compile "$models/$model.onnx" -t x86-64 -o "$work/b/$model" --harness
done
# Quantized: calibration, the error report and the integer constants too.
for run in a b; do
  "$edgec" compile "$models/ds_cnn.onnx" -t x86-64 -o "$work/$run/ds_cnn_int8" --harness \
    --quantize int8 --calibration random >/dev/null 2>&1
  "$edgec" compile "$models/digits_cnn.onnx" -t x86-64 -o "$work/$run/digits_int16x8" --harness \
    --quantize int16x8 --calibration "$models/digits_train_x.npy" >/dev/null
done
diff -r "$work/a" "$work/b"
echo "generated trees are byte-identical"
