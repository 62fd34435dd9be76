#!/usr/bin/env bash
# Configures and builds edgec (Release, Ninja, ccache) into ${EDGEC_BUILD_DIR:-build}.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${EDGEC_BUILD_DIR:-$root/build}
jobs=${EDGEC_JOBS:-$(nproc)}
if [[ ! -f $build/build.ninja ]]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$build" -j "$jobs"
