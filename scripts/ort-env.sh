# Sourced by the scripts that use ONNX Runtime: installs the setup's bench
# extras (node, npm), builds edgec, and installs onnxruntime-node from the npm
# registry into $work (the package ships its native binaries; nothing else is
# downloaded). Sets root, build, edgec and work.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
EDGEC_SETUP_BENCH=1 "$root/scripts/setup.sh" >/dev/null
"$root/scripts/build.sh" >/dev/null
build=${EDGEC_BUILD_DIR:-$root/build}
edgec=$build/compiler/tools/edgec
work=$build/bench
mkdir -p "$work"
if [[ ! -d $work/node_modules/onnxruntime-node ]]; then
  cp "$root/bench/package.json" "$work/"
  (cd "$work" && ONNXRUNTIME_NODE_INSTALL=skip npm install --ignore-scripts --no-audit --no-fund \
     --loglevel=error >/dev/null)
fi
cp "$root"/bench/*.js "$work/"
