#!/usr/bin/env bash
# Sets up the machine (Debian packages), builds edgec and runs every test
# through ctest. Pass ctest options to run a piece, e.g.:
#   scripts/test.sh -L fast        # GoogleTest units and FileCheck tests (under a minute)
#   scripts/test.sh -L unit        # GoogleTest units
#   scripts/test.sh -L lit         # FileCheck tests
#   scripts/test.sh -L e2e         # models compiled, built, run, compared
#   scripts/test.sh -L cmake       # edgec_add_model(), install + consumer project
#   scripts/test.sh -L regress     # golden figures and the snapshot of the generated code
#   scripts/test.sh -L conformance # the ONNX backend node tests (a few minutes)
#   scripts/test.sh -R resnet8     # one model
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
"$root/scripts/build.sh"
cd "${EDGEC_BUILD_DIR:-$root/build}"
ctest --output-on-failure -j "${EDGEC_JOBS:-$(nproc)}" "$@"
