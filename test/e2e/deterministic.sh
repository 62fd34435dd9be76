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
diff -r "$work/a" "$work/b"
echo "generated trees are byte-identical"
