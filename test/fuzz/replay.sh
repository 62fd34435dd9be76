#!/usr/bin/env bash
# replay.sh EDGEC REGRESSIONS_DIR
# Every input the fuzzer once crashed on (test/fuzz/regressions/, named
# .onnx or .onnxtxt as the fuzzer read them) must now import cleanly or get a
# diagnostic: exit code 0 or 1, never a crash, an abort or exit 2.
set -uo pipefail
edgec=$1 dir=$2
failed=0 count=0
for f in "$dir"/*; do
  count=$((count + 1))
  out=$("$edgec" import "$f" 2>&1 >/dev/null)
  rc=$?
  if ((rc != 0 && rc != 1)) || { ((rc == 1)) && ! grep -q "error:" <<<"$out"; }; then
    echo "FAIL: $(basename "$f"): exit $rc: ${out:0:300}"
    failed=$((failed + 1))
  fi
done
echo "fuzz regressions: $((count - failed)) passed, $failed failed"
((failed == 0))
