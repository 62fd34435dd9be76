#!/usr/bin/env bash
# verify_target.sh TARGET MODE MODEL EDGEC MODELS_DIR WORK_DIR [edgec options...]
# Runs `edgec verify` for one model on one target (host or QEMU): compile,
# build with the target's toolchain (-Wall -Wextra -Werror), run on the
# model's reference input, compare every output with the evaluator
# (bit-exact for int8, rtol 1e-4 / atol 1e-5 for float). MODE is float or
# int8 (calibrated as scripts/lib/calibration.sh says). Prints edgec's
# one-line summary; exits non-zero on any mismatch.
set -euo pipefail
. "$(cd "$(dirname "$0")/../.." && pwd)/scripts/lib/calibration.sh"
target=$1 mode=$2 model=$3 edgec=$4 models=$5 work=$6/$3-$1-$2
shift 6
# Runs of the same model, target and mode with other options (--kernels
# portable, --ram ...) get their own folder: ctest -j runs them side by side.
if (($#)); then
  work+=-$(printf '%s' "$*" | tr -c 'A-Za-z0-9' '_')
fi
q=()
if [[ $mode == int8 ]]; then
  calib=$(model_calibration "$model" "$models")
  q=(--quantize int8 --calibration "$calib")
fi
rm -rf "$work"
mkdir -p "$(dirname "$work")"
"$edgec" verify "$models/$model.onnx" -t "$target" --work-dir "$work" "${q[@]}" "$@" 2> "$work.log" \
  || { cat "$work.log" >&2; exit 1; }
