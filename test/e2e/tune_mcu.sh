#!/usr/bin/env bash
# tune_mcu.sh EDGEC MODELS_DIR WORK_DIR
# scripts/tune-mcu.sh on a small pruned CNN on cortex-m4 (a short QEMU run per
# round): every candidate of every layer with a choice is measured, each
# layer keeps its cheapest (the compiler's own on a tie), the tuned model is
# bit-exact, takes no more instructions or arena than the untuned one, and
# `edgec compile --tuning` runs exactly the kernels the file names. A file
# that is not a tuning file is never overwritten.
set -euo pipefail
edgec=$1 models=$2 work=$3/tune_mcu
root=$(cd "$(dirname "$0")/../.." && pwd)
rm -rf "$work"
mkdir -p "$work"
cd "$work"
model=$models/digits_cnn_sparse75.onnx
opts=(--quantize int8 --calibration random)
echo '{"mine": true}' > mine.json
if EDGEC=$edgec "$root/scripts/tune-mcu.sh" "$model" -t cortex-m4 -o mine.json "${opts[@]}" 2> refused.txt; then
  echo "FAIL: tune-mcu.sh overwrote a file that is not a tuning file"; exit 1
fi
grep -q "exists and is not a tuning file" refused.txt
[[ $(cat mine.json) == '{"mine": true}' ]]

EDGEC=$edgec "$root/scripts/tune-mcu.sh" "$model" -t cortex-m4 -o tuned.json "${opts[@]}" | tee tune.txt
"$edgec" verify "$model" -t cortex-m4 "${opts[@]}" --json > untuned.json
"$edgec" verify "$model" -t cortex-m4 "${opts[@]}" --tuning tuned.json --json > tuned-verify.json
"$edgec" compile "$model" -t cortex-m4 "${opts[@]}" --tuning tuned.json -o gen > /dev/null 2>&1
/usr/bin/python3 - <<'PY'
import json
t = json.load(open("tuned.json"))
assert t["edgec_tuning"] == 1 and t["family"] == "arm-dsp", t
report = {l["tuning_key"]: l for l in json.load(open("gen/report.json"))["layers"] if "tuning_key" in l}
assert set(t["layers"]) == set(report), (sorted(t["layers"]), sorted(report))
for key, entry in t["layers"].items():
    counts = entry["instructions"]
    # Every candidate measured, the cheapest kept, and compiled as named.
    assert set(counts) == set(report[key]["kernel_candidates"]), (key, counts)
    assert counts[entry["kernel"]] == min(counts.values()), (key, entry)
    assert report[key]["kernel"] == entry["kernel"], (key, report[key]["kernel"])
    assert report[key]["tuned"]["measured_instructions"] == counts[entry["kernel"]]
before, after = json.load(open("untuned.json")), json.load(open("tuned-verify.json"))
assert after["ok"] and after["summary"].startswith("outputs bit-exact"), after["summary"]
assert after["instructions"] <= before["instructions"], (after["instructions"], before["instructions"])
assert after["arena_bytes"] <= before["arena_bytes"]
print(f"tune_mcu: {len(t['layers'])} layers tuned, {before['instructions']} -> {after['instructions']} instructions")
PY
