#!/usr/bin/env bash
# Regenerates the README's supported-operator table from the importer's own
# dispatch table (`edgec ops --markdown`). With --check, only verifies that the
# README is current (used by ctest) and exits 1 if it is not.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
edgec=${EDGEC:-${EDGEC_BUILD_DIR:-$root/build}/compiler/tools/edgec}
readme=$root/README.md
table=$("$edgec" ops --markdown)
new=$(awk -v table="$table" '
  /<!-- ops:begin -->/ { print; print table; skip = 1; next }
  /<!-- ops:end -->/ { skip = 0 }
  !skip { print }' "$readme")
if [[ ${1:-} == --check ]]; then
  if [[ "$new" != "$(cat "$readme")" ]]; then
    echo "README.md's operator table is stale: run scripts/update-readme.sh" >&2
    exit 1
  fi
  echo "README.md operator table is current ($(echo "$table" | tail -n +3 | wc -l) operators)"
else
  printf '%s\n' "$new" > "$readme"
fi
