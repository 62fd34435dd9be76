#!/usr/bin/env bash
# Snapshot of the generated code: pins every byte edgec writes.
#
#   scripts/codegen-snapshot.sh [--update] [--manifest FILE] [--keep DIR] [-j N] [MODEL...]
#
# Compiles every bundled model (models/*.onnx) for every built-in target
# (targets/*.json) in four modes -- float, int8, int16x8 and int8 with
# `--sparsity force` -- with `--harness --no-fit-check`, and hashes each
# generated tree (every file but the .edgec-output marker: sources, weights,
# runtime headers, CMakeLists.txt, report.json). A compile that fails is
# recorded as `fail-<exit code>`, so a change in what is refused shows too.
#
# Compares the hashes with the committed manifest (test/golden/codegen.sha256)
# and fails naming model, target and mode of every tree that changed, appeared
# or disappeared. A refactor must leave the manifest unchanged; a change meant
# to alter generated code re-records it with --update, in its own commit that
# says why. --keep DIR leaves the generated trees in DIR/<model>.<target>.<mode>
# to diff against the trees of another commit.
#
# Calibration: as scripts/lib/calibration.sh says (the trained models on
# their training data, the others on seeded, so deterministic, random inputs). Naming models checks (or, with
# --update, re-records) just their rows.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/lib/calibration.sh"
manifest=$root/test/golden/codegen.sha256
update=0 keep="" jobs=$(nproc) models=()
while (($#)); do
  case $1 in
    --update) update=1 ;;
    --manifest) manifest=$2; shift ;;
    --keep) keep=$2; shift ;;
    -j) jobs=$2; shift ;;
    -j*) jobs=${1#-j} ;;
    -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
    -*) echo "codegen-snapshot: unknown option '$1' (see --help)" >&2; exit 1 ;;
    *) [[ -f $root/models/$1.onnx ]] || { echo "codegen-snapshot: no model models/$1.onnx" >&2; exit 1; }
       models+=("$1") ;;
  esac
  shift
done
edgec=${EDGEC:-${EDGEC_BUILD_DIR:-$root/build}/compiler/tools/edgec}
[[ -x $edgec ]] || { echo "codegen-snapshot: $edgec not built (run scripts/build.sh)" >&2; exit 1; }
if [[ -n $keep ]]; then
  [[ -e $keep ]] && { echo "codegen-snapshot: --keep $keep exists; give a new folder" >&2; exit 1; }
  mkdir -p "$keep"
  work=$(cd "$keep" && pwd)
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi

targets=() all=0
if ((${#models[@]} == 0)); then
  all=1
  for f in "$root"/models/*.onnx; do models+=("$(basename "$f" .onnx)"); done
fi
for f in "$root"/targets/*.json; do targets+=("$(basename "$f" .json)"); done
modes=(float int8 int16x8 sparse)

# One compile: MODEL TARGET MODE -> the tree's hash line on stdout.
snapshot_one() {
  local m=$1 t=$2 mode=$3 dir=$work/$1.$2.$3 q=()
  local calib=$(model_calibration "$m" "$root/models")
  case $mode in
    float) ;;
    int8) q=(--quantize int8 --calibration "$calib") ;;
    int16x8) q=(--quantize int16x8 --calibration "$calib") ;;
    sparse) q=(--quantize int8 --calibration "$calib" --sparsity force) ;;
  esac
  local hash rc=0
  "$edgec" compile "$root/models/$m.onnx" -t "$t" -o "$dir" --name "$m" --harness \
      --no-fit-check "${q[@]}" >"$dir.log" 2>&1 || rc=$?
  if ((rc != 0)); then
    hash=fail-$rc
  else
    # The tree's hash: sha256 of the sorted list of (sha256, path) of its files.
    hash=$(cd "$dir" && find . -type f ! -name .edgec-output -print0 | LC_ALL=C sort -z |
           xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
  fi
  echo "$hash  $m $t $mode"
}
export -f snapshot_one model_calibration
export root work edgec

printf '%s\n' "${models[@]}" | while read -r m; do
  for t in "${targets[@]}"; do
    for mode in "${modes[@]}"; do echo "$m $t $mode"; done
  done
done | xargs -P "$jobs" -L 1 bash -c 'snapshot_one "$0" "$1" "$2"' | LC_ALL=C sort -k2 > "$work/manifest"

count=$(wc -l < "$work/manifest")
printf '%s\n' "${models[@]}" > "$work/models"
if ((update)); then
  # Rows of the models not named are kept.
  if ((!all)) && [[ -f $manifest ]]; then
    grep -v '^#' "$manifest" | grep -v -w -F -f "$work/models" >> "$work/manifest" || true
  fi
  {
    echo "# Generated-code snapshot: sha256 of each generated tree, per model, target, mode."
    echo "# Re-record with scripts/codegen-snapshot.sh --update, in a commit that says why."
    LC_ALL=C sort -k2 "$work/manifest"
  } > "$manifest.tmp"
  mv "$manifest.tmp" "$manifest"
  echo "codegen-snapshot: recorded $count trees in ${manifest#"$root"/}"
  exit 0
fi
[[ -f $manifest ]] || { echo "codegen-snapshot: no manifest $manifest (record it with --update)" >&2; exit 1; }
/usr/bin/python3 - "$manifest" "$work/manifest" "$count" "$work/models" <<'PY'
import sys

models = set(open(sys.argv[4]).read().split())

def load(path):
    rows = {}
    for line in open(path):
        if line.startswith("#") or not line.strip():
            continue
        digest, model, target, mode = line.split()
        if model in models:
            rows[(model, target, mode)] = digest
    return rows

old, new = load(sys.argv[1]), load(sys.argv[2])
problems = []
for key in sorted(old.keys() | new.keys()):
    name = "model {} target {} mode {}".format(*key)
    if key not in new:
        problems.append(f"  gone:    {name}")
    elif key not in old:
        problems.append(f"  new:     {name} ({new[key]})")
    elif old[key] != new[key]:
        problems.append(f"  changed: {name} ({old[key][:12]} -> {new[key][:12]})")
if problems:
    print(f"codegen-snapshot: {len(problems)} of {len(old)} generated trees differ from "
          f"the manifest:", file=sys.stderr)
    print("\n".join(problems), file=sys.stderr)
    print("If the change is meant, re-record with scripts/codegen-snapshot.sh --update in its "
          "own commit that says why; --keep DIR keeps the trees to diff.", file=sys.stderr)
    sys.exit(1)
print(f"codegen-snapshot: all {sys.argv[3]} generated trees match the manifest")
PY
