#!/usr/bin/env bash
# regress_detects.sh ROOT WORK_DIR
# scripts/regress.sh must fail, naming the figure, when a figure is worse than
# its golden: the goldens of one model are copied and made 1 % better than what
# the compiler achieves (arena) and 5 % better (flash, beyond its tolerance).
set -euo pipefail
root=$1 work=$2/regress-detects
rm -rf "$work"
mkdir -p "$work"
cp "$root/test/golden/ds_cnn.json" "$work/"
for key in arena_bytes flash_bytes; do
  factor=0.99
  [[ $key == flash_bytes ]] && factor=0.95
  /usr/bin/python3 - "$work/ds_cnn.json" "$key" "$factor" "$work/$key" <<'PY'
import json, sys
path, key, factor, out = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
g = json.load(open(path))
g["int8"][key] = int(g["int8"][key] * factor)
import os
os.makedirs(out, exist_ok=True)
json.dump(g, open(os.path.join(out, "ds_cnn.json"), "w"))
PY
  set +e
  "$root/scripts/regress.sh" --golden "$work/$key" ds_cnn > "$work/$key.log" 2>&1
  rc=$?
  set -e
  cat "$work/$key.log"
  if [[ $rc == 0 ]] || ! grep -q "int8.$key:" "$work/$key.log"; then
    echo "regress.sh did not fail on a worse int8.$key"
    exit 1
  fi
done
echo "regress.sh fails on worse arena and flash figures, with the diff"
