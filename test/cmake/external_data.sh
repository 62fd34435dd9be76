#!/usr/bin/env bash
# external_data.sh EDGEC_BUILD_DIR SOURCE_DIR WORK_DIR
# edgec_add_model() on a model with external data: changing the weights file
# (not the model) regenerates the library, through edgec's --depfile.
set -euo pipefail
build=$1 src=$2 work=$3/cmake-external-data
rm -rf "$work"
mkdir -p "$work/model"
cmake --install "$build" --prefix "$work/prefix" >/dev/null
/usr/bin/python3 "$src/test/lit/Inputs/make-external.py" "$work/model/m.onnx" w.bin
weights() { /usr/bin/python3 -c "import numpy as np; np.array([$1], np.float32).tofile('$work/model/w.bin')"; }
weights "1, 2, 3, 4"
cfg=(-S "$src/test/cmake/external-data" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=Release
     -DCMAKE_PREFIX_PATH="$work/prefix" -DEXT_MODEL="$work/model/m.onnx")
cmake "${cfg[@]}" >/dev/null
cmake --build "$work/build" >/dev/null
first=$("$work/build/ext_main")
[[ $first == "1 2 3 4" ]] || { echo "first build printed '$first', expected '1 2 3 4'"; exit 1; }
sleep 1
weights "5, 6, 7, 8"
cmake --build "$work/build" > "$work/rebuild.log"
grep -q "edgec: compiling" "$work/rebuild.log" || { echo "changing w.bin did not regenerate:"; cat "$work/rebuild.log"; exit 1; }
second=$("$work/build/ext_main")
[[ $second == "5 6 7 8" ]] || { echo "after changing w.bin the program printed '$second', expected '5 6 7 8'"; exit 1; }
cmake --build "$work/build" > "$work/again.log"
grep -q "no work to do" "$work/again.log" || { echo "an unchanged project rebuilt:"; cat "$work/again.log"; exit 1; }
echo "changing the external-data file regenerates the model library; an unchanged build does nothing"
