#!/usr/bin/python3
"""Pruned versions of the digits CNN and the DS-CNN, for edgec's sparse path.

Run with Debian's Python (python3-torch, python3-sklearn, python3-onnx):
    /usr/bin/python3 models/export_pruned.py [--out models] [--steps N]

Gradual magnitude pruning with fine-tuning (Zhu & Gupta's cubic schedule):
every conv and linear weight tensor is pruned to the same final sparsity,
the masks are re-chosen by magnitude at each of the schedule's steps and kept
applied after every optimizer step, so the exported weights really come out
of training with zeros in them. Levels: 50 %, 75 % and 90 % unstructured, and
2:4 (two non-zeros in every four consecutive weights along the reduction
axis, input channel x kernel row x kernel column). One more digits CNN,
digits_cnn_filters50, is pruned structurally instead: half of each conv
layer's filters, with their batch norm's gamma and beta, are zeroed.

- digits CNN: trained dense on sklearn's digits (the same recipe as
  export.py), then pruned while fine-tuning on the same training split;
  accuracy is measured on the 360 held-out digits.
- DS-CNN: there is no speech data in Debian, so the dense, seeded network is
  the teacher and the pruned copy is fine-tuned to reproduce its logits on
  random MFCC-shaped inputs (distillation); the manifest gives the SQNR of
  the pruned logits against the teacher's on 500 held-out random inputs.

Writes <name>.onnx, <name>.input.npy, <name>.output.npy and adds the entries
to MANIFEST.json, leaving every other model untouched.
"""
import argparse
import json
import os

import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

import export as base

LEVELS = [("sparse50", 0.5, None), ("sparse75", 0.75, None), ("sparse90", 0.9, None),
          ("sparse2_4", 0.5, (2, 4))]


def prunable(model):
    return [m for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]


def magnitude_mask(w, sparsity, nm):
    """Keeps the largest |w|: a fraction 1 - sparsity of each tensor, or the
    N largest of every M consecutive weights along the reduction axis."""
    flat = w.detach().reshape(w.shape[0], -1).abs()
    if nm is not None:
        n, m = nm
        k = flat.shape[1]
        mask = torch.zeros_like(flat, dtype=torch.bool)
        for start in range(0, k, m):
            block = flat[:, start:start + m]
            keep = min(n, block.shape[1])
            idx = block.topk(keep, dim=1).indices + start
            mask.scatter_(1, idx, True)
        return mask.reshape(w.shape)
    zeros = int(round(sparsity * flat.numel()))
    if zeros == 0:
        return torch.ones_like(w, dtype=torch.bool)
    threshold = flat.flatten().kthvalue(zeros).values
    mask = flat > threshold
    # Ties at the threshold: keep exactly numel - zeros weights.
    extra = int(mask.sum()) - (flat.numel() - zeros)
    if extra < 0:
        ties = ((flat == threshold) & ~mask).flatten().nonzero().flatten()[: -extra]
        mask = mask.flatten()
        mask[ties] = True
    return mask.reshape(w.shape)


def gradual_prune(model, loss_of_batch, batches, steps, sparsity, nm, lr):
    """Fine-tunes for `steps` optimizer steps; the sparsity rises along the
    cubic schedule over the first 3/4 of them, masks re-chosen 10 times."""
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    layers = prunable(model)
    masks = [torch.ones_like(m.weight, dtype=torch.bool) for m in layers]
    ramp = max(1, (3 * steps) // 4)
    updates = set(int(round(ramp * i / 10)) for i in range(1, 11))
    for step in range(steps + 1):
        if step in updates:
            frac = min(1.0, step / ramp)
            s = sparsity * (1 - (1 - frac) ** 3)
            for i, m in enumerate(layers):
                masks[i] = magnitude_mask(m.weight, s, nm if frac >= 1.0 else None)
        with torch.no_grad():
            for m, mask in zip(layers, masks):
                m.weight.mul_(mask)
        if step == steps:
            break
        opt.zero_grad()
        loss_of_batch(next(batches)).backward()
        for m, mask in zip(layers, masks):
            m.weight.grad.mul_(mask)
        opt.step()
    return model


def gradual_filter_prune(model, loss_of_batch, batches, steps, fraction, lr):
    """Structured pruning: the same schedule as gradual_prune, but whole
    filters go. Each conv + batch-norm pair loses the filters with the
    smallest |w| sum times |gamma|; their weights and the batch norm's gamma
    and beta are zeroed and kept at zero, so the channel's output is exactly
    0 (the compiler then removes it with its readers' input channels)."""
    mods = list(model.modules())
    pairs = [(c, b) for c, b in zip(mods, mods[1:])
             if isinstance(c, nn.Conv2d) and isinstance(b, nn.BatchNorm2d)]
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    masks = [torch.ones(c.out_channels, dtype=torch.bool) for c, _ in pairs]
    ramp = max(1, (3 * steps) // 4)
    updates = set(int(round(ramp * i / 10)) for i in range(1, 11))
    for step in range(steps + 1):
        if step in updates:
            frac = fraction * (1 - (1 - min(1.0, step / ramp)) ** 3)
            for i, (c, b) in enumerate(pairs):
                score = c.weight.detach().abs().sum((1, 2, 3)) * b.weight.detach().abs()
                mask = torch.ones(c.out_channels, dtype=torch.bool)
                mask[score.argsort()[: int(round(frac * c.out_channels))]] = False
                masks[i] = mask
        with torch.no_grad():
            for (c, b), mask in zip(pairs, masks):
                c.weight[~mask] = 0
                b.weight[~mask] = 0
                b.bias[~mask] = 0
        if step == steps:
            break
        opt.zero_grad()
        loss_of_batch(next(batches)).backward()
        for (c, b), mask in zip(pairs, masks):
            for t in (c.weight, b.weight, b.bias):
                t.grad[~mask] = 0
        opt.step()
    return [int((~m).sum()) for m in masks]


def digit_batches(n):
    """Index batches of 32 over n training digits, reshuffled every epoch."""
    gen = torch.Generator().manual_seed(base.SEED + 1)
    while True:
        perm = torch.randperm(n, generator=gen)
        for i in range(0, n - 31, 32):
            yield perm[i:i + 32]


def sparsity_of(model):
    zeros = sum(int((m.weight == 0).sum()) for m in prunable(model))
    total = sum(m.weight.numel() for m in prunable(model))
    return zeros / total


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--steps", type=int, default=1500)
    args = ap.parse_args()
    torch.set_num_threads(1)
    path = os.path.join(args.out, "MANIFEST.json")
    with open(path) as f:
        manifest = json.load(f)

    # Digits CNN: the dense recipe of export.py, then pruning while fine-tuning.
    digits = load_digits()
    x = (digits.images / 16.0).astype(np.float32)
    xtr, xte, ytr, yte = train_test_split(x, digits.target, test_size=0.2, random_state=0,
                                          stratify=digits.target)
    xt, yt = torch.from_numpy(xtr[:, None]), torch.from_numpy(ytr)
    xe = torch.from_numpy(xte[:, None])
    loss_fn = nn.CrossEntropyLoss()
    for tag, sparsity, nm in LEVELS:
        torch.manual_seed(base.SEED)
        model = base.DigitsCNN()
        base.train(model, xt, yt, epochs=40, lr=3e-3)
        it = digit_batches(len(xt))
        model.train()
        gradual_prune(model, lambda idx: loss_fn(model(xt[idx]), yt[idx]), it, args.steps,
                      sparsity, nm, 1e-3)
        model.eval()
        with torch.no_grad():
            acc = float((model(xe).argmax(1).numpy() == yte).mean())
        name = f"digits_cnn_{tag}"
        base.export(model, xe[:1], name, args.out, dynamic_batch=True)
        manifest["models"][name] = {
            "test_accuracy": acc, "test_samples": int(len(yte)), "input_shape": [1, 1, 8, 8],
            "weight_sparsity": round(sparsity_of(model), 4),
            "pruned": ("2:4" if nm else f"{int(sparsity * 100)} % unstructured")
                      + f", gradual magnitude pruning over {args.steps} fine-tuning steps"}
        print(f"{name}: sparsity {sparsity_of(model):.3f}, held-out accuracy {acc:.4f}")

    # Digits CNN with half of every conv layer's filters pruned away (structured).
    torch.manual_seed(base.SEED)
    model = base.DigitsCNN()
    base.train(model, xt, yt, epochs=40, lr=3e-3)
    model.train()
    zeroed = gradual_filter_prune(model, lambda idx: loss_fn(model(xt[idx]), yt[idx]),
                                  digit_batches(len(xt)),
                                  args.steps, 0.5, 1e-3)
    model.eval()
    with torch.no_grad():
        acc = float((model(xe).argmax(1).numpy() == yte).mean())
    name = "digits_cnn_filters50"
    base.export(model, xe[:1], name, args.out, dynamic_batch=True)
    manifest["models"][name] = {
        "test_accuracy": acc, "test_samples": int(len(yte)), "input_shape": [1, 1, 8, 8],
        "weight_sparsity": round(sparsity_of(model), 4), "zeroed_filters": zeroed,
        "pruned": f"50 % of each conv layer's filters (weights, BN gamma and beta zeroed), "
                  f"gradual structured pruning over {args.steps} fine-tuning steps"}
    print(f"{name}: zeroed filters {zeroed}, held-out accuracy {acc:.4f}")

    # DS-CNN: distillation from the dense seeded network on random inputs.
    for tag, sparsity, nm in LEVELS:
        gen = torch.Generator().manual_seed(base.SEED)
        teacher = base.DSCNN()
        base.randomize_bn(teacher, gen)
        teacher.eval()
        student = base.DSCNN()
        student.load_state_dict(teacher.state_dict())
        student.eval()  # batch-norm statistics stay the teacher's
        data_gen = torch.Generator().manual_seed(base.SEED + 2)

        def batches():
            while True:
                yield torch.randn(32, 1, 49, 10, generator=data_gen)

        def logits(m, xb):
            return m.fc(torch.flatten(m.pool(m.features(xb)), 1))

        def distill(xb):
            with torch.no_grad():
                target = logits(teacher, xb)
            return nn.functional.mse_loss(logits(student, xb), target)

        gradual_prune(student, distill, batches(), args.steps, sparsity, nm, 1e-3)
        held = torch.randn(500, 1, 49, 10, generator=torch.Generator().manual_seed(base.SEED + 3))
        with torch.no_grad():
            t, s_ = logits(teacher, held), logits(student, held)
            sqnr = float(10 * torch.log10((t ** 2).sum() / ((s_ - t) ** 2).sum()))
        example = torch.randn(1, 1, 49, 10, generator=torch.Generator().manual_seed(base.SEED + 4))
        name = f"ds_cnn_{tag}"
        base.export(student, example, name, args.out)
        manifest["models"][name] = {
            "input_shape": [1, 1, 49, 10], "trained": False,
            "weight_sparsity": round(sparsity_of(student), 4),
            "teacher_logit_sqnr_db": round(sqnr, 2),
            "pruned": ("2:4" if nm else f"{int(sparsity * 100)} % unstructured")
                      + f", gradual magnitude pruning over {args.steps} distillation steps "
                        "from the dense seeded DS-CNN on random inputs"}
        print(f"{name}: sparsity {sparsity_of(student):.3f}, logits vs teacher {sqnr:.1f} dB")

    with open(path, "w") as f:
        json.dump(manifest, f, indent=2, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
