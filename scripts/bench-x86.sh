#!/usr/bin/env bash
# Benchmark, not a test: for each model in models/, the median latency of the
# generated code (x86-64 target, -O3 -march=native, one thread) and of ONNX
# Runtime (npm onnxruntime-node, one intra-op thread) on the same input, in
# the same run, and their ratio; plus edgec's arena against its lower bound
# and against the growth of ONNX Runtime's resident set while it loads and runs
# the model (the closest figure to its working set that can be read).
#   scripts/bench-x86.sh [RUNS] [MODEL...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-300}
shift || true
models=("$@")
if ((${#models[@]} == 0)); then
  models=(digits_cnn digits_mlp ds_cnn resnet8 mobilenet_v1_025 autoencoder)
fi
source "$root/scripts/ort-env.sh"

field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p"; }
printf '%-18s %12s %12s %12s %9s %12s %12s %14s\n' model MACs edgec_us ort_us ratio arena_B lower_B ort_rss_grow_B
for m in "${models[@]}"; do
  gen=$work/$m
  rm -rf "$gen"
  "$edgec" compile "$root/models/$m.onnx" -t x86-64 -o "$gen/gen" --harness >/dev/null
  cmake -S "$gen/gen" -B "$gen/build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$gen/build" >/dev/null
  ours=$("$gen/build/${m}_main" "$root/models/$m.input.npy" -o "$gen" --bench "$runs")
  theirs=$(cd "$work" && node ort_bench.js "$root/models/$m.onnx" "$root/models/$m.input.npy" "$runs")
  e=$(echo "$ours" | field median)
  o=$(echo "$theirs" | field median)
  grow=$(echo "$theirs" | field rss_growth_bytes)
  macs=$(sed -n 's/^  "macs": \([0-9]*\),/\1/p' "$gen/gen/report.json" | head -1)
  arena=$(sed -n 's/^  "arena_bytes": \([0-9]*\),/\1/p' "$gen/gen/report.json")
  lower=$(sed -n 's/^  "arena_lower_bound_bytes": \([0-9]*\),/\1/p' "$gen/gen/report.json")
  ratio=$(awk -v e="$e" -v o="$o" 'BEGIN { printf "%.2f", e / o }')
  printf '%-18s %12s %12s %12s %9s %12s %12s %14s\n' "$m" "$macs" "$e" "$o" "$ratio" "$arena" "$lower" "$grow"
done
echo "ratio = edgec latency / ONNX Runtime latency (below 1: edgec is faster); $runs runs each, medians."
