#!/usr/bin/env bash
# Where the instructions of one emulated inference go, per function (each
# layer's kernel is its own function, named after the layer's parameters).
#
#   scripts/profile-mcu.sh MODEL.onnx -t TARGET [edgec verify options...]
#
# Runs `edgec verify` keeping its work directory, runs the program once more
# under QEMU with the edgec-qemu-icount plugin's per-block profile, and sums
# the blocks by the ELF's function symbols (the whole run: startup and file
# I/O over semihosting included, listed as their C library functions).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
edgec=${EDGEC:-${EDGEC_BUILD_DIR:-$root/build}/compiler/tools/edgec}
plugin=$(dirname "$edgec")/libedgec-qemu-icount.so
(($# >= 1)) || { sed -n '2,10p' "$0"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$edgec" verify "$@" --work-dir "$work" 2>/dev/null
elf=$(ls "$work"/build/*.elf)
target=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["target"])' "$work/gen/report.json")
qemu=$(/usr/bin/python3 - "$root/targets/$target.json" <<'PY'
import json, sys
print(" ".join(json.load(open(sys.argv[1]))["emulator"]["command"]))
PY
)
inputs=$(ls "$work"/random_input_*.npy 2>/dev/null || true)
model=$1
[[ -z $inputs ]] && inputs=${model%.onnx}.input.npy
semi="enable=on,target=native"
for i in $inputs; do semi+=",arg=$(realpath "$i")"; done
mkdir -p "$work/out2"
# shellcheck disable=SC2086
$qemu -nographic -monitor none -serial none -semihosting-config "$semi,arg=-o,arg=$work/out2" \
  -icount shift=0 -plugin "$plugin,out=$work/c.json,profile=$work/prof.txt" -kernel "$elf" </dev/null
tool=arm-none-eabi-nm
[[ $target == rv32* ]] && tool=riscv64-unknown-elf-nm
"$tool" -C -S --defined-only "$elf" > "$work/syms.txt"
/usr/bin/python3 - "$work/syms.txt" "$work/prof.txt" <<'PY'
import bisect, collections, re, sys
syms = []
for line in open(sys.argv[1]):
    p = line.split(None, 3)
    if len(p) == 4 and p[2] in "tTwW":
        syms.append((int(p[0], 16) & ~1, int(p[1], 16), p[3].strip()))
syms.sort()
starts = [s[0] for s in syms]
agg = collections.Counter()
for line in open(sys.argv[2]):
    pc, n = line.split()
    pc, n = int(pc, 16), int(n)
    i = bisect.bisect_right(starts, pc) - 1
    name = syms[i][2] if i >= 0 and pc < syms[i][0] + max(syms[i][1], 1) else "?"
    # edgec::arm::conv2d_s8_dsp<(anonymous namespace)::layer_p>(...) -> conv2d_s8_dsp<layer_p>
    m = re.search(r"(\w+)<\(anonymous namespace\)::(\w+)", name)
    agg[f"{m.group(1)}<{m.group(2)}>" if m else name[:90]] += n
total = sum(agg.values())
print(f"{'instructions':>12}  {'share':>6}  function")
for k, v in agg.most_common(25):
    print(f"{v:>12,}  {100 * v / total:5.1f}%  {k}")
print(f"{total:>12,}  100.0%  (whole run)")
PY
