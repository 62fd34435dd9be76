#!/usr/bin/env bash
# firmware.sh EDGEC_BUILD_DIR SOURCE_DIR WORK_DIR
# Installs the edgec build to a temporary prefix and builds
# examples/kws-cortex-m4 against it with the arm-none-eabi toolchain file, as a
# firmware project would (edgec runs on the host, the library builds for the
# M4), runs the image under QEMU (mps2-an386, semihosting) and checks that the
# printed keyword is the evaluator's top class for the same input.
set -euo pipefail
build=$1 src=$2 work=$3/cmake-firmware
rm -rf "$work"
mkdir -p "$work"
cmake --install "$build" --prefix "$work/prefix" >/dev/null
ex=$src/examples/kws-cortex-m4
cmake -S "$ex" -B "$work/kws" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_TOOLCHAIN_FILE="$ex/arm-none-eabi.cmake" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/kws" > "$work/build.log" || { cat "$work/build.log"; exit 1; }
arm-none-eabi-readelf -h "$work/kws/kws.elf" | grep -q "Machine: *ARM" || { echo "kws.elf is not an Arm image"; exit 1; }
out=$(timeout 60 qemu-system-arm -M mps2-an386 -nographic -monitor none -serial none \
        -semihosting-config enable=on,target=native -kernel "$work/kws/kws.elf" </dev/null 2>&1)
echo "$out"
"$work/prefix/bin/edgec" run "$src/models/ds_cnn.onnx" --input "$src/models/ds_cnn.input.npy" \
  --quantize int8 --calibration "$src/models/ds_cnn.input.npy" --output-dir "$work/eval" >/dev/null 2>&1
want=$(/usr/bin/python3 -c 'import numpy as np, sys; print(int(np.argmax(np.load(sys.argv[1]))))' \
       "$work/eval/out_0.q.npy")
grep -q "keyword: $want " <<< "$out" || { echo "expected keyword $want (the evaluator's top class)"; exit 1; }
