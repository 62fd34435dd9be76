#!/usr/bin/env bash
# Fuzzes the ONNX importer and the IR verifier with libFuzzer for SECONDS
# (default 60): builds test/fuzz/edgec-fuzz-import with clang-19 and
# -fsanitize=fuzzer,address,undefined into ${EDGEC_FUZZ_BUILD_DIR:-build-fuzz},
# replays test/fuzz/regressions/ (every input that once crashed), then fuzzes
# from the seeds (the backend node test models, models/*.onnx up to 256 KB and
# the textual ONNX inputs of test/lit) plus the corpus of earlier runs.
# Exits non-zero on a crash, hang, leak or sanitizer report; the input is
# written to <build>/artifacts/: add it to test/fuzz/regressions/ with the fix.
#   scripts/fuzz.sh [SECONDS] [extra libFuzzer flags...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
shift || true
"$root/scripts/setup.sh" >/dev/null
build=${EDGEC_FUZZ_BUILD_DIR:-$root/build-fuzz}
if [[ ! -f $build/build.ninja ]]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DEDGEC_FUZZ=ON \
    -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 >/dev/null
fi
cmake --build "$build" --target edgec-fuzz-import -j "${EDGEC_JOBS:-$(nproc)}"
fuzzer=$build/test/fuzz/edgec-fuzz-import

seeds=$build/seeds
if [[ ! -d $seeds ]]; then
  mkdir -p "$seeds.tmp"
  for m in /usr/share/libonnx-testdata/data/node/*/model.onnx; do
    cp "$m" "$seeds.tmp/$(basename "$(dirname "$m")").onnx"
  done
  find "$root/models" -maxdepth 1 -name '*.onnx' -size -257k -exec cp {} "$seeds.tmp/" \;
  find "$root/test/lit" -name '*.onnxtxt' -exec cp {} "$seeds.tmp/" \;
  mv "$seeds.tmp" "$seeds"
fi
mkdir -p "$build/corpus" "$build/artifacts"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
flags=(-timeout=10 -rss_limit_mb=3072 -max_len=262144 -artifact_prefix="$build/artifacts/")

regressions=("$root"/test/fuzz/regressions/*)
if [[ -e ${regressions[0]} ]]; then
  echo "fuzz: replaying ${#regressions[@]} regression input(s)"
  "$fuzzer" "${flags[@]}" "${regressions[@]}" 2>&1 | tail -n 3
fi
echo "fuzz: fuzzing the importer for ${seconds} s"
"$fuzzer" "${flags[@]}" -max_total_time="$seconds" -print_final_stats=1 "$@" \
  "$build/corpus" "$seeds" 2> "$build/fuzz.log" || {
  tail -n 60 "$build/fuzz.log"
  echo "fuzz: FAILED: the input is in $build/artifacts/" >&2
  exit 1
}
grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb|^stat::new_units_added" "$build/fuzz.log"
echo "fuzz: corpus $(find "$build/corpus" -type f | wc -l) inputs; no crash, hang or sanitizer report"
