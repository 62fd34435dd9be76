"""scripts/tune-mcu.sh: measure every kernel candidate of every layer, keep the cheapest.

Usage (through the script): tune_mcu.py EDGEC MODEL -t TARGET [-o FILE] [verify options...]
"""
import json
import os
import subprocess
import sys
import tempfile

FORMAT = 1  # "edgec_tuning" of the files edge-select-kernels reads


def die(message):
    print(f"tune-mcu: error: {message}", file=sys.stderr)
    sys.exit(1)


def parse(argv):
    edgec, rest = argv[0], argv[1:]
    if not rest or rest[0].startswith("-"):
        die("the model comes first: tune-mcu.sh MODEL -t TARGET [-o FILE] [options]")
    model, rest = rest[0], rest[1:]
    target, out, options = None, None, []
    k = 0
    while k < len(rest):
        a = rest[k]
        if a in ("-t", "--target") and k + 1 < len(rest):
            target = rest[k + 1]
            k += 2
            continue
        if a.startswith("--target="):
            target = a.split("=", 1)[1]
        elif a == "-o" and k + 1 < len(rest):
            out = rest[k + 1]
            k += 2
            continue
        elif a == "--tuning" or a.startswith("--tuning="):
            die("--tuning is what this script writes; pass the other options only")
        elif a in ("--work-dir", "--per-layer", "--json") or a.startswith("--work-dir="):
            die(f"{a} is set by the script")
        else:
            options.append(a)
        k += 1
    if not target:
        die("name the target with -t TARGET (cortex-m4, cortex-m55, rv32imac, ...)")
    if not os.path.isfile(model):
        die(f"model '{model}' does not exist")
    if out is None:
        stem = os.path.splitext(os.path.basename(model))[0]
        out = f"{stem}.{target}.tuning.json"
    if os.path.exists(out):
        try:
            with open(out) as f:
                owned = json.load(f).get("edgec_tuning") is None
        except (OSError, ValueError, AttributeError):
            owned = True
        if owned:
            die(f"'{out}' exists and is not a tuning file; it is left alone (choose another -o)")
    return edgec, model, target, out, options


def verify(edgec, model, target, options, work, tuning=None, per_layer=False):
    """edgec verify --json; exits on any failure (a tuning round must be bit-exact)."""
    cmd = [edgec, "verify", model, "-t", target, *options, "--json", "--work-dir", work]
    if tuning:
        cmd += ["--tuning", tuning]
    if per_layer:
        cmd.append("--per-layer")
    p = subprocess.run(cmd, capture_output=True, text=True)
    try:
        result = json.loads(p.stdout)
    except ValueError:
        result = None
    if p.returncode != 0 or not result or not result.get("ok"):
        detail = result["summary"] if result else (p.stderr.strip().splitlines() or [""])[-1]
        die(f"`{' '.join(cmd)}` failed (exit {p.returncode}): {detail}")
    with open(os.path.join(work, "gen", "report.json")) as f:
        result["report"] = json.load(f)
    return result


def write_tuning(path, family, target, model, options, layers):
    doc = {
        "edgec_tuning": FORMAT,
        "family": family,
        "target": target,
        "model": os.path.basename(model),
        "options": " ".join(options),
        "layers": layers,
    }
    # A new file beside the target, swapped in by rename: nothing else is
    # ever written over, and an interrupted run leaves the old file whole.
    fd, tmp = tempfile.mkstemp(prefix=".tuning-", dir=os.path.dirname(os.path.abspath(path)))
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # as open() would have made it
        with os.fdopen(fd, "w") as f:
            json.dump(doc, f, indent=2, sort_keys=False)
            f.write("\n")
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def main():
    edgec, model, target, out, options = parse(sys.argv[1:])
    with tempfile.TemporaryDirectory(prefix="edgec-tune-") as tmp:
        step = [0]

        def work():
            step[0] += 1
            return os.path.join(tmp, f"run{step[0]}")

        before = verify(edgec, model, target, options, work())
        family = before["kernels"]
        base_arena = before["arena_bytes"]
        candidates, default = {}, {}
        for layer in before["report"]["layers"]:
            if "kernel_candidates" in layer:
                candidates[layer["tuning_key"]] = layer["kernel_candidates"]
                default[layer["tuning_key"]] = layer["kernel"]
        if not candidates:
            print(f"tune-mcu: no layer of {model} has more than one kernel on {target}")
        measured = {key: {} for key in candidates}

        def record(result):
            for layer in result["layers"]:
                key = layer.get("tuning_key")
                if key in measured and "instructions" in layer:
                    measured[key][layer["kernel"]] = layer["instructions"]

        # Round 0: the compiler's own choices; then each round the next
        # candidate not yet measured, for every layer that has one.
        record(verify(edgec, model, target, options, work(), per_layer=True))
        rounds = 1
        while True:
            ask = {}
            for key, cands in candidates.items():
                todo = [c for c in cands if c not in measured[key]]
                if todo:
                    ask[key] = {"kernel": todo[0]}
            if not ask:
                break
            path = os.path.join(tmp, f"round{rounds}.json")
            write_tuning(path, family, target, model, options, ask)
            record(verify(edgec, model, target, options, work(), tuning=path, per_layer=True))
            rounds += 1
            missing = [k for k in ask if ask[k]["kernel"] not in measured[k]]
            if missing:
                die(f"round {rounds - 1} measured no instructions for layer(s) {', '.join(missing)}")

        def chosen_of(key):
            counts = measured[key]
            best = min(counts.values())
            # Ties keep the compiler's own kernel.
            if counts.get(default[key]) == best:
                return default[key]
            return min((c for c in candidates[key] if counts.get(c) == best),
                       key=candidates[key].index)

        chosen = {key: chosen_of(key) for key in candidates}

        def layers_doc():
            return {key: {"kernel": chosen[key], "instructions": measured[key]}
                    for key in candidates}

        # RAM is a contract: the tuned arena may not exceed the untuned one.
        # And a layer's count is measured beside the others' kernels of its
        # round (the C++ compiler inlines a kernel used once, not one shared
        # by several layers), so the whole model is measured once more: the
        # tuned model may not take more instructions than the untuned one.
        reverted = []
        while True:
            path = os.path.join(tmp, "chosen.json")
            write_tuning(path, family, target, model, options, layers_doc())
            after = verify(edgec, model, target, options, work(), tuning=path)
            if (after["arena_bytes"] <= base_arena and
                    after["instructions"] <= before["instructions"]):
                break
            changed = [k for k in candidates if chosen[k] != default[k]]
            if not changed:
                die("the compiler's own kernels measure differently than before: internal error")
            gain = lambda k: measured[k][default[k]] - measured[k][chosen[k]]
            k = min(changed, key=gain)
            reverted.append((k, chosen[k], gain(k)))
            chosen[k] = default[k]

        write_tuning(out, family, target, model, options, layers_doc())

    changed = [k for k in candidates if chosen[k] != default[k]]
    print(f"tune-mcu: {model} on {target} ({family}): {len(candidates)} layers with a choice, "
          f"{rounds} measuring rounds, {len(changed)} changed")
    for k in changed:
        print(f"  {k}: {default[k]} {measured[k][default[k]]:,} -> {chosen[k]} "
              f"{measured[k][chosen[k]]:,} instructions")
    for k, kernel, g in reverted:
        print(f"  {k}: kept {default[k]}: {kernel} measured {g:,} instructions fewer, but the "
              f"whole model took more arena or instructions with it")
    b, a = before["instructions"], after["instructions"]
    print(f"tune-mcu: instructions {b:,} -> {a:,} ({a / b:.3f}x), arena {base_arena} -> "
          f"{after['arena_bytes']} B, flash {before['flash_bytes']} -> {after['flash_bytes']} B, "
          f"bit-exact")
    print(f"tune-mcu: wrote {out} (edgec compile ... --tuning {out})")


if __name__ == "__main__":
    main()
