#!/usr/bin/env bash
# Installs every package edgec needs to build, test and run its demo, from Debian's archive only.
# Idempotent: packages already installed are skipped, so a second run costs one dpkg query.
set -euo pipefail

packages=(
  # build
  cmake ninja-build g++ ccache pkg-config
  # MLIR / LLVM 19 (FileCheck and lit come with llvm-19-tools)
  llvm-19-dev libmlir-19-dev mlir-19-tools llvm-19-tools
  # ONNX protobuf classes
  libonnx-dev libprotobuf-dev protobuf-compiler
  # .tflite reader: flatbuffers headers (verifier) and flatc for the schema
  libflatbuffers-dev flatbuffers-compiler
  # libraries
  libfmt-dev libcli11-dev libeigen3-dev libgtest-dev
  # .npz calibration archives (zip)
  libzip-dev
  # model export and reference data (tests themselves need only numpy-free committed files)
  python3 python3-numpy python3-onnx
  # the ONNX backend node tests (test/conformance)
  libonnx-testdata
  # the importer's libFuzzer target (scripts/fuzz.sh): clang and its sanitizer runtimes
  clang-19 libclang-rt-19-dev
  # bare-metal targets: cross compilers, picolibc (C library, startup code,
  # semihosting) and QEMU to run them (edgec verify, tests, scripts/bench-mcu.sh)
  gcc-arm-none-eabi libstdc++-arm-none-eabi-picolibc picolibc-arm-none-eabi
  gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf
  qemu-system-arm qemu-system-misc
  # report.html rendered in a headless browser (test/e2e/report_html.sh)
  chromium
)
# Model regeneration (models/export*.py) needs torch and sklearn, and the keyword-spotting
# model (models/export_kws.py) espeak-ng to speak its words; they are large, so only on request.
if [[ "${EDGEC_SETUP_MODELS:-0}" == 1 ]]; then
  packages+=(python3-torch python3-sklearn espeak-ng)
fi
# The x86 benchmark compares against ONNX Runtime from npm, which needs node and npm.
if [[ "${EDGEC_SETUP_BENCH:-0}" == 1 ]] && ! command -v npm >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  sudo=""
  if [[ $(id -u) != 0 ]]; then sudo="sudo"; fi
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "setup: all packages present"
