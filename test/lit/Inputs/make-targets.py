#!/usr/bin/env python3
"""make-targets.py DIR: hostile target descriptions derived from x86-64.json
(for untrusted-text.test)."""
import json
import os
import sys

out = sys.argv[1]
here = os.path.dirname(os.path.abspath(__file__))
base = json.load(open(os.path.join(here, "..", "..", "..", "targets", "x86-64.json")))


def write(file, **changes):
    t = dict(base, name=file.split(".")[0])
    t.update(changes)
    json.dump(t, open(os.path.join(out, file), "w"))


write("newline.json", name="x86\n#error injected")
write("flags.json", cxx_flags=base["cxx_flags"] + ["-O2)\nexecute_process(COMMAND touch PWNED)\n#"])
write("quoting.json", cxx_flags=base["cxx_flags"] + ['-DEDGEC_X="${CMAKE_COMMAND})"'])
write("align.json", alignment=2**40)
write("nocc.json", compiler="/nonexistent/g++")
write("emptycc.json", compiler="")
write("badname.json", name="a b")
with open(os.path.join(out, "deep.json"), "w") as f:
    f.write("[" * 100000 + "]" * 100000)
# If nested 5,000 deep in textual ONNX.
body = "y = Identity(x)"
for k in range(5000):
    body = ("y = If(c) <then_branch = g%d () => (float[1] y) { %s }, "
            "else_branch = h%d () => (float[1] y) { y = Identity(x) }>" % (k, body, k))
with open(os.path.join(out, "deep-if.onnxtxt"), "w") as f:
    f.write('<ir_version: 8, opset_import: ["" : 13]>\ng (float[1] x) => (float[1] y) {\n'
            "c = Constant <value = bool[1] {1}>()\n" + body + "\n}\n")
