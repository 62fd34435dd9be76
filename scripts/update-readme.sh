#!/usr/bin/env bash
# Regenerates the README's supported-operator tables from the importers' own
# dispatch tables (`edgec ops --markdown`, `edgec ops --tflite --markdown`).
# With --check, only verifies that the README is current (used by ctest) and
# exits 1 if it is not.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
edgec=${EDGEC:-${EDGEC_BUILD_DIR:-$root/build}/compiler/tools/edgec}
readme=$root/README.md
table=$("$edgec" ops --markdown)
tflite=$("$edgec" ops --tflite --markdown)
new=$(awk -v table="$table" -v tflite="$tflite" '
  /<!-- ops:begin -->/ { print; print table; skip = 1; next }
  /<!-- ops:end -->/ { skip = 0 }
  /<!-- tflite-ops:begin -->/ { print; print tflite; skip = 1; next }
  /<!-- tflite-ops:end -->/ { skip = 0 }
  !skip { print }' "$readme")
if [[ ${1:-} == --check ]]; then
  if [[ "$new" != "$(cat "$readme")" ]]; then
    echo "README.md's operator table is stale: run scripts/update-readme.sh" >&2
    exit 1
  fi
  echo "README.md operator tables are current ($(echo "$table" | tail -n +3 | wc -l) ONNX," \
       "$(echo "$tflite" | tail -n +3 | wc -l) TFLite operators)"
else
  printf '%s\n' "$new" > "$readme"
fi
