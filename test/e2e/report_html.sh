#!/usr/bin/env bash
# report_html.sh EDGEC MODELS_DIR WORK_DIR
# report.html in a real browser: headless Chromium loads the page a compile
# wrote (no network: the page is self-contained) and its script reports how
# many buffer rectangles were laid out with a non-zero size; that must be
# every arena buffer of the plan (--dump-plan), and the peak marker must be
# drawn. Names from the model reach the page escaped. Skipped (exit 77) where
# Chromium is not installed; scripts/setup.sh installs it. EDGEC_CHROMIUM
# names another browser binary (empty: behave as if none were installed).
set -euo pipefail
edgec=$1 models=$2 work=$3/report_html
browser=${EDGEC_CHROMIUM-$(command -v chromium || command -v chromium-browser || true)}
rm -rf "$work"
mkdir -p "$work"

render() { # HTML -> the DOM after the page's script ran
  timeout 120 "$browser" --headless --no-sandbox --disable-gpu --no-first-run \
    --user-data-dir="$work/profile" --virtual-time-budget=5000 --dump-dom "file://$1" 2>/dev/null
}

check_model() { # NAME ONNX [compile flags...]
  local name=$1 model=$2
  shift 2
  "$edgec" compile "$model" -t cortex-m4 -o "$work/$name" --dump-plan "$@" > "$work/$name.log" 2>&1 ||
    { cat "$work/$name.log"; exit 1; }
  local html=$work/$name/report.html
  [[ -s $html ]] || { echo "no report.html for $name"; exit 1; }
  # One rectangle per buffer the plan lists (results and scratch).
  local planned rects
  planned=$(awk '/^memory plan/ {p = 1; next} p && /^ +[0-9]+ +[0-9]+ +[0-9]+-[0-9]+ / {n++} p && !/^ / {p = 0} END {print n + 0}' "$work/$name.log")
  rects=$(grep -c '<rect class="buffer' "$html" || true)
  [[ $planned -gt 0 && $rects == "$planned" ]] ||
    { echo "$name: $rects rectangles for $planned planned buffers"; exit 1; }
  if [[ -z $browser ]]; then
    return
  fi
  local dom drawn
  dom=$(render "$html")
  drawn=$(grep -o 'data-drawn-buffers="[0-9]*"' <<< "$dom" | grep -o '[0-9]*' || true)
  [[ $drawn == "$planned" ]] ||
    { echo "$name: Chromium laid out ${drawn:-no} of $planned buffer rectangles"; exit 1; }
  grep -q 'data-peak-drawn="1"' <<< "$dom" || { echo "$name: the peak marker was not drawn"; exit 1; }
  echo "$name: Chromium drew all $drawn buffers and the peak"
}

check_model mobilenet_int8 "$models/mobilenet_v1_025.onnx" --quantize int8 --calibration random
check_model resnet8_float "$models/resnet8.onnx" --no-fit-check

# A node name full of markup must be text on the page, never markup.
/usr/bin/python3 - "$work/hostile.onnx" <<'PY'
import sys
import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto
evil = "<img src=x onerror=alert(1)>&\"'</table>"
w = numpy_helper.from_array(np.ones((4, 2, 1, 1), np.float32), "w")
nodes = [helper.make_node("Conv", ["x", "w"], ["h"], name=evil),
         helper.make_node("Relu", ["h"], ["r"], name="relu"),
         helper.make_node("Conv", ["r", "w2"], ["y"], name="last")]
w2 = numpy_helper.from_array(np.ones((2, 4, 1, 1), np.float32), "w2")
g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 4, 4])],
                      [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2, 4, 4])], [w, w2])
onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), sys.argv[1])
PY
check_model hostile "$work/hostile.onnx"
if grep -q '<img src=x' "$work/hostile/report.html"; then
  echo "a node name reached report.html unescaped"
  exit 1
fi
grep -q '&lt;img src=x onerror=alert(1)&gt;&amp;&quot;&#39;&lt;/table&gt;' "$work/hostile/report.html" ||
  { echo "the hostile node name is missing from report.html"; exit 1; }

if [[ -z $browser ]]; then
  echo "report_html: Chromium is not installed (scripts/setup.sh installs it): the pages were" \
       "checked as text only, not rendered"
  exit 77
fi
echo "report.html renders in $("$browser" --version 2>/dev/null | head -1)"
