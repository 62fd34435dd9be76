#!/usr/bin/env bash
# Fuzzes everything edgec reads, with libFuzzer, for SECONDS per target
# (default 60):
#   import   binary or textual ONNX -> importer -> IR verifier
#   text     textual ONNX -> importer -> IR verifier
#   npy      .npy bytes -> edgec's reader and the generated harness's
#   target   target description JSON -> parser and escapers
#   compile  model + external data -> import -> passes -> C++ emission
#   tflite   .tflite flatbuffer -> verifier, index checks, importer -> IR verifier
# Builds test/fuzz/edgec-fuzz-* with clang-19 and
# -fsanitize=fuzzer,address,undefined into ${EDGEC_FUZZ_BUILD_DIR:-build-fuzz},
# replays test/fuzz/regressions/<target>/ (every input that once failed),
# then fuzzes from the seeds (made once per build folder from the repository:
# node-test models, models/, lit inputs, targets/) plus the corpus of earlier
# runs (<build>/corpus/<target>). Exits non-zero on a crash, hang, leak or
# sanitizer report; the input is written to <build>/artifacts/<target>/: add
# it to test/fuzz/regressions/<target>/ with the fix.
#   scripts/fuzz.sh [--target NAME]... [--build-only|--no-build] [SECONDS] [libFuzzer flags...]
# Prints, per target, executions, new units, peak RSS and the corpus size.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
all=(import text npy target compile tflite)
targets=()
build_only=0 no_build=0
while (($#)); do
  case $1 in
    --target) targets+=("$2"); shift 2 ;;
    --build-only) build_only=1; shift ;;
    --no-build) no_build=1; shift ;;
    *) break ;;
  esac
done
((${#targets[@]})) || targets=("${all[@]}")
seconds=${1:-60}
shift || true
for t in "${targets[@]}"; do
  [[ " ${all[*]} " == *" $t "* ]] || { echo "fuzz: unknown target '$t' (${all[*]})" >&2; exit 2; }
done

build=${EDGEC_FUZZ_BUILD_DIR:-$root/build-fuzz}
if ((!no_build)); then
  "$root/scripts/setup.sh" >/dev/null
  if [[ ! -f $build/build.ninja ]]; then
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DEDGEC_FUZZ=ON \
      -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 >/dev/null
  fi
  cmake --build "$build" --target "${targets[@]/#/edgec-fuzz-}" -j "${EDGEC_JOBS:-$(nproc)}"
fi
((build_only)) && exit 0

# Seeds, per target, made once.
seeds=$build/seeds
make_seeds() {
  local t=$1 dir=$seeds/$1.tmp
  rm -rf "$dir" && mkdir -p "$dir"
  case $t in
    import)
      for m in /usr/share/libonnx-testdata/data/node/*/model.onnx; do
        cp "$m" "$dir/$(basename "$(dirname "$m")").onnx"
      done
      find "$root/models" -maxdepth 1 -name '*.onnx' -size -257k -exec cp {} "$dir/" \;
      find "$root/test/lit" -name '*.onnxtxt' -exec cp {} "$dir/" \; ;;
    text)
      find "$root/test/lit" "$root/test/e2e/cases" -name '*.onnxtxt' -exec cp {} "$dir/" \; ;;
    npy)
      find "$root/models" "$root/test/e2e" -name '*.npy' -size -65k -exec cp {} "$dir/" \;
      # .npz archives, stored and deflated, for the .npz reader
      /usr/bin/python3 -c "import numpy as np, sys; d = sys.argv[1]
np.savez(d + '/two.npz', x=np.arange(6, dtype=np.float32).reshape(2, 3), y=np.int8([1, 2]))
np.savez_compressed(d + '/deflated.npz', audio=np.ones((2, 4), np.float32))" "$dir" ;;
    target)
      cp "$root"/targets/*.json "$dir/" ;;
    tflite)
      # TFLM's reference models (the shared folder), the small ones.
      for m in $(find "$root/../shared/tflite" -name model.tflite -size -65k 2>/dev/null); do
        cp "$m" "$dir/$(basename "$(dirname "$m")").tflite"
      done ;;
    compile)
      # 2 bytes of external-data length, the data, then the model.
      for m in $(find "$root/models" -maxdepth 1 -name '*.onnx' -size -65k) \
               $(find "$root/test/lit/import" "$root/test/e2e/cases" -name '*.onnxtxt'); do
        { printf '\0\0'; cat "$m"; } > "$dir/$(basename "$m")"
      done
      /usr/bin/python3 "$root/test/lit/Inputs/make-external.py" "$dir/ext.model" w.bin
      /usr/bin/python3 "$root/test/lit/Inputs/make-external.py" "$dir/ext-link.model" link.bin
      { printf '\x10\0'; head -c 16 /dev/zero; cat "$dir/ext.model"; } > "$dir/external.seed"
      { printf '\0\0'; cat "$dir/ext-link.model"; } > "$dir/external-link.seed"
      rm "$dir/ext.model" "$dir/ext-link.model" ;;
  esac
  mv "$dir" "$seeds/$t"
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
for t in "${targets[@]}"; do
  fuzzer=$build/test/fuzz/edgec-fuzz-$t
  [[ -d $seeds/$t ]] || make_seeds "$t"
  mkdir -p "$build/corpus/$t" "$build/artifacts/$t"
  flags=(-timeout=10 -rss_limit_mb=3072 -max_len=262144 -artifact_prefix="$build/artifacts/$t/")
  regressions=("$root"/test/fuzz/regressions/"$t"/*)
  if [[ -e ${regressions[0]} ]]; then
    echo "fuzz $t: replaying ${#regressions[@]} regression input(s)"
    "$fuzzer" "${flags[@]}" "${regressions[@]}" > "$build/replay-$t.log" 2>&1 || {
      tail -n 40 "$build/replay-$t.log"
      echo "fuzz $t: FAILED on a regression input" >&2
      status=1
      continue
    }
  fi
  echo "fuzz $t: fuzzing for ${seconds} s"
  if ! "$fuzzer" "${flags[@]}" -max_total_time="$seconds" -print_final_stats=1 "$@" \
      "$build/corpus/$t" "$seeds/$t" 2> "$build/fuzz-$t.log"; then
    tail -n 60 "$build/fuzz-$t.log"
    echo "fuzz $t: FAILED: the input is in $build/artifacts/$t/" >&2
    status=1
    continue
  fi
  stat_of() { awk -v k="stat::$1:" '$1 == k { print $2; exit }' "$build/fuzz-$t.log"; }
  execs=$(stat_of number_of_executed_units) units=$(stat_of new_units_added) rss=$(stat_of peak_rss_mb)
  corpus=$(find "$build/corpus/$t" -type f | wc -l)
  echo "fuzz $t: ${execs:-?} executions in ${seconds} s, ${units:-?} new units, peak RSS ${rss:-?} MB, corpus ${corpus} inputs; no crash, hang, leak or sanitizer report"
done
exit $status
