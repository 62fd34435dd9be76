#!/usr/bin/env bash
# snapshot_detects.sh ROOT WORK_DIR
# scripts/codegen-snapshot.sh must fail, naming model, target and mode, when a
# generated tree differs from the manifest, is missing from it or is no longer
# generated; and --update of one model must keep the other models' rows. Run on
# one small model (28 compiles) against a doctored copy of the manifest.
set -euo pipefail
root=$1 work=$2/snapshot-detects
rm -rf "$work"
mkdir -p "$work"
snap=$root/scripts/codegen-snapshot.sh
good=$work/good.sha256
cp "$root/test/golden/codegen.sha256" "$good"
"$snap" --manifest "$good" digits_mlp

bad=$work/bad.sha256
/usr/bin/python3 - "$good" "$bad" <<'PY'
import sys
rows = open(sys.argv[1]).read().splitlines()
out = []
for line in rows:
    f = line.split()
    if f[1:] == ["digits_mlp", "cortex-m4", "int8"]:
        line = "0" * 64 + "  digits_mlp cortex-m4 int8"        # changed
    elif f[1:] == ["digits_mlp", "x86-64", "float"]:
        continue                                               # appears as new
    out.append(line)
out.append("1" * 64 + "  digits_mlp cortex-m9 float")          # gone
open(sys.argv[2], "w").write("\n".join(out) + "\n")
PY
set +e
"$snap" --manifest "$bad" digits_mlp > "$work/bad.log" 2>&1
rc=$?
set -e
cat "$work/bad.log"
for want in "changed: model digits_mlp target cortex-m4 mode int8" \
            "new:     model digits_mlp target x86-64 mode float" \
            "gone:    model digits_mlp target cortex-m9 mode float" \
            "3 of 28 generated trees differ"; do
  if [[ $rc == 0 ]] || ! grep -qF "$want" "$work/bad.log"; then
    echo "codegen-snapshot.sh did not report: $want"
    exit 1
  fi
done

# --update of one model re-records its rows and keeps every other row.
"$snap" --manifest "$bad" --update digits_mlp
if ! cmp -s <(grep -v digits_mlp "$good") <(grep -v digits_mlp "$bad") ||
   ! cmp -s <(grep digits_mlp "$good") <(grep digits_mlp "$bad"); then
  diff "$good" "$bad"
  echo "codegen-snapshot.sh --update digits_mlp did not restore the manifest"
  exit 1
fi
echo "snapshot_detects: ok"
