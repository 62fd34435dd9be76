#!/usr/bin/env python3
"""signal_cleanup.py EDGEC MODELS WORK: an interrupted or terminated edgec
leaves no temporary folder behind.

`edgec verify` without --work-dir works in a temporary folder for seconds
(compile, build with the host compiler, run). For each of SIGINT, SIGTERM and
SIGHUP: start it with TMPDIR pointing at an empty folder, wait until the
temporary folder holds generated code, send the signal, and check that the
process died of that signal, that its folder is gone, and that the compiler
it was running was killed with it.
"""
import os
import shutil
import signal
import subprocess
import sys
import time

edgec, models, work = sys.argv[1:4]
failed = 0
for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
    tmp = os.path.join(work, "signal-tmp-" + sig.name)
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    env = dict(os.environ, TMPDIR=tmp)
    proc = subprocess.Popen([edgec, "verify", os.path.join(models, "resnet8.onnx"), "-t", "x86-64"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seen = False
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None:
        for entry in os.listdir(tmp):
            if entry.startswith("edgec-verify-") and os.path.exists(
                    os.path.join(tmp, entry, "gen", "resnet8.cpp")):
                seen = True
        if seen:
            break
        time.sleep(0.02)
    if not seen:
        proc.kill()
        proc.wait()
        print(f"FAIL: {sig.name}: verify never wrote its temporary folder (exit {proc.returncode})")
        failed += 1
        continue
    proc.send_signal(sig)
    proc.wait(timeout=60)
    # Only edgec's own folder counts: the compiler it ran writes its own
    # temporary files (cc*.s) into TMPDIR too.
    left = [e for e in os.listdir(tmp) if e.startswith("edgec-")]
    orphans = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if tmp.encode() + b"/edgec-verify-" in f.read():
                    orphans.append(pid)
        except OSError:
            pass
    if proc.returncode != -sig:
        print(f"FAIL: {sig.name}: exit {proc.returncode}, expected death by the signal")
        failed += 1
    elif left:
        print(f"FAIL: {sig.name}: left behind {left}")
        failed += 1
    elif orphans:
        print(f"FAIL: {sig.name}: processes still working in its folder: {orphans}")
        failed += 1
    else:
        print(f"ok: {sig.name}: edgec died of the signal and removed its temporary folder")
print(f"signal cleanup: {3 - failed} passed, {failed} failed")
sys.exit(1 if failed else 0)
