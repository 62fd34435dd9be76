#!/usr/bin/env bash
# Per-layer kernel tuning by measurement: the kernel of every layer chosen by
# the instructions it takes under QEMU, stored in a tuning file that
# `edgec compile|verify|inspect --tuning FILE` reads.
#
#   scripts/tune-mcu.sh MODEL -t TARGET [-o FILE] [edgec verify options...]
#
# For every layer that more than one kernel of the target's family can run
# (report.json's `kernel_candidates`: the dense variants, the portable
# reference kernel, and the sparse kernel whatever the cost model decided),
# each candidate is measured in place in the whole model: one `edgec verify
# --per-layer` per round, round k running each layer's k-th candidate, so the
# rounds are as many as the longest candidate list, not layers x candidates.
# QEMU's -icount makes every count exact and repeatable. Every round must be
# bit-exact with the evaluator, or tuning stops: a kernel that is not is a bug.
#
# Each layer then takes its cheapest candidate (ties keep the compiler's own
# choice). RAM stays a contract: while the tuned arena is larger than the
# untuned one, the change that saves the fewest instructions goes back.
# Writes FILE (default: MODEL-STEM.TARGET.tuning.json in the current folder;
# an existing file is replaced only when it is itself a tuning file) and
# prints the instructions before and after, from one more verify of each.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
edgec=${EDGEC:-${EDGEC_BUILD_DIR:-$root/build}/compiler/tools/edgec}
[[ -x $edgec ]] || { echo "tune-mcu: $edgec not built (run scripts/build.sh)" >&2; exit 1; }
(($# >= 1)) && [[ $1 != -h && $1 != --help ]] || { sed -n '2,21p' "$0"; exit 1; }
exec /usr/bin/python3 "$root/scripts/lib/tune_mcu.py" "$edgec" "$@"
