#!/usr/bin/env bash
# consumer.sh EDGEC_BUILD_DIR SOURCE_DIR WORK_DIR
# Installs the edgec build to a temporary prefix, then builds and runs
# examples/host-digits against it as a fresh consumer project would:
# find_package(edgec) + edgec_add_model(). Checks that touching the model
# regenerates exactly once and that a second build has nothing to do, and
# that bad usage fails with a message naming the argument.
set -euo pipefail
build=$1 src=$2 work=$3/cmake-consumer
rm -rf "$work"
mkdir -p "$work"
cmake --install "$build" --prefix "$work/prefix" >/dev/null
models=$work/models
mkdir -p "$models"
cp "$src/models/digits_cnn.onnx" "$src/models/digits_train_x.npy" "$models/"
ex=(-S "$src/examples/host-digits" -B "$work/example" -G Ninja -DCMAKE_BUILD_TYPE=Release
    -DCMAKE_PREFIX_PATH="$work/prefix" -DEDGEC_MODELS_DIR="$models")
cmake "${ex[@]}" >/dev/null
cmake --build "$work/example" > "$work/build1.log"
out=$("$work/example/host_digits")
echo "$out"
[[ $out == "digit: 7 "* ]] || { echo "expected digit 7"; exit 1; }

generations() { grep -c "edgec: compiling" "$1" || true; }
[[ $(generations "$work/build1.log") == 1 ]] || { echo "first build did not generate once"; exit 1; }
cmake --build "$work/example" > "$work/build2.log"
grep -q "no work to do" "$work/build2.log" || { echo "an unchanged project rebuilt:"; cat "$work/build2.log"; exit 1; }
sleep 1
touch "$models/digits_cnn.onnx"
cmake --build "$work/example" > "$work/build3.log"
[[ $(generations "$work/build3.log") == 1 ]] || { echo "touching the model did not regenerate exactly once:"; cat "$work/build3.log"; exit 1; }
cmake --build "$work/example" > "$work/build4.log"
grep -q "no work to do" "$work/build4.log" || { echo "regeneration did not settle"; exit 1; }
touch "$models/digits_train_x.npy"
cmake --build "$work/example" > "$work/build5.log"
[[ $(generations "$work/build5.log") == 1 ]] || { echo "touching the calibration data did not regenerate"; exit 1; }
cmake "${ex[@]}" "-DDIGITS_EDGEC_OPTIONS=--range;mse" >/dev/null
cmake --build "$work/example" > "$work/build6.log"
[[ $(generations "$work/build6.log") == 1 ]] || { echo "changing OPTIONS did not regenerate"; exit 1; }
cmake "${ex[@]}" "-DDIGITS_EDGEC_OPTIONS=--range;mse" >/dev/null
cmake --build "$work/example" > "$work/build7.log"
grep -q "no work to do" "$work/build7.log" || { echo "reconfiguring with the same OPTIONS rebuilt"; exit 1; }
"$work/example/host_digits" >/dev/null
echo "touching the model or the calibration data, or changing OPTIONS, regenerates exactly once; an unchanged build does nothing"

# Bad usage: configure fails naming the argument (or, for a bad option, the build does).
check() {
  local case=$1 want=$2 phase=${3:-configure}
  local dir=$work/bad-$case
  set +e
  cmake -S "$src/test/cmake/bad-usage" -B "$dir" -G Ninja -DCASE="$case" \
    -DCMAKE_PREFIX_PATH="$work/prefix" -DEDGEC_MODELS_DIR="$models" > "$dir.log" 2>&1
  local rc=$?
  if [[ $phase == build && $rc == 0 ]]; then
    cmake --build "$dir" >> "$dir.log" 2>&1
    rc=$?
  fi
  set -e
  if [[ $rc == 0 ]] || ! grep -q -- "$want" "$dir.log"; then
    echo "bad usage '$case' did not fail with '$want':"; cat "$dir.log"; exit 1
  fi
  echo "bad usage '$case': $(grep -m1 -o -- "$want.*" "$dir.log")"
}
check missing_model "MODEL <file.onnx> is required"
check absent_model "MODEL 'nope.onnx' does not exist"
check unknown_target "TARGET 'cortex-m99' is not a known target"
check missing_calibration "QUANTIZE int8 needs CALIBRATION"
check absent_calibration "CALIBRATION 'nope.npy' does not exist"
check bad_quantize "QUANTIZE 'int4' is not one of"
check bad_option "unknown --planner 'nope'" build
check bad_ram_budget "RAM_BUDGET 'lots' is not a size"
check over_ram_budget "but --ram-budget is 64 B" build
