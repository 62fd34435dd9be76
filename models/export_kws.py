#!/usr/bin/python3
"""kws: a keyword-spotting model trained here on words spoken by espeak-ng,
for the int8 / mixed-precision work of issue 19.

Run with Debian's Python (python3-numpy, python3-onnx, python3-torch) and
espeak-ng (`EDGEC_SETUP_MODELS=1 scripts/setup.sh` installs them):
    /usr/bin/python3 models/export_kws.py [--out models]

Data, made offline and deterministic:
  - 12 classes as in the Speech Commands KWS task: ten keywords, "unknown"
    (ten other words) and "silence" (noise only);
  - each word spoken by espeak-ng in 7 English accents x 17 voice variants,
    at 3 of the 9 pairs of 3 speeds and 3 pitches (1 for unknown words);
    voices f4, m6, croak and klatt3 are held out (test set: voices the model
    never heard; 480 of them, drawn at random, are committed);
  - each utterance placed at a random offset in 1 s of audio, with white or
    brown noise at 5 to 30 dB SNR;
  - features: log-mel energies, 25 ms Hann windows every 25 ms (40 frames),
    20 mel bands over 60 Hz to 8 kHz, log(e + 1e-6), then standardized with
    the training set's mean and deviation (the model's input is float; the
    standardization is part of the feature pipeline, not of the graph).

Model: Conv 3x3/2 -> BN -> ReLU, two depthwise-separable blocks (depthwise
3x3 + BN + ReLU, pointwise 1x1 + BN + ReLU), global average pool, Gemm (12);
583 K MACs, trained with Adam (cosine schedule) for 30 epochs.

Writes kws.onnx, kws.input.npy, kws.output.npy, kws_calib_x.npy (256
training windows), kws_test_x.npy / kws_test_y.npy (the held-out voices) and
the manifest entry, leaving every other model untouched.
"""
import argparse
import json
import os
import subprocess

import numpy as np
import onnx
import torch
from torch import nn

SEED = 20261205
RATE = 22050
KEYWORDS = ["yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go"]
UNKNOWN = ["cat", "bird", "house", "tree", "seven", "happy", "wow", "bed", "dog", "marvin"]
CLASSES = KEYWORDS + ["_unknown_", "_silence_"]
ACCENTS = ["en", "en-us", "en-gb-scotland", "en-gb-x-rp", "en-029", "en-us-nyc", "en-gb-x-gbcwmd"]
VARIANTS = ["m1", "m2", "m3", "m4", "m5", "m7", "f1", "f2", "f3", "f5", "klatt", "klatt2",
            "whisper", "m6", "f4", "croak", "klatt3"]
HELD_OUT = {"m6", "f4", "croak", "klatt3"}
SPEEDS = [120, 160, 200]
PITCHES = [25, 50, 75]
FRAMES, BANDS, WINDOW = 40, 20, 551  # 40 frames of 25 ms (551 samples) every 551 samples


def speak(word, accent, variant, speed, pitch):
    """Mono float audio at RATE from espeak-ng (16-bit PCM after a 44-byte header)."""
    raw = subprocess.run(["espeak-ng", "-v", f"{accent}+{variant}", "-s", str(speed), "-p",
                          str(pitch), "--stdout", word], check=True, capture_output=True).stdout
    return np.frombuffer(raw[44:], dtype="<i2").astype(np.float32) / 32768.0


def mel_filters():
    def mel(f):
        return 2595.0 * np.log10(1.0 + f / 700.0)

    def hz(m):
        return 700.0 * (10 ** (m / 2595.0) - 1.0)

    nfft = 1024
    bins = np.fft.rfftfreq(nfft, 1.0 / RATE)
    edges = hz(np.linspace(mel(60.0), mel(8000.0), BANDS + 2))
    fb = np.zeros((BANDS, len(bins)), np.float32)
    for b in range(BANDS):
        lo, mid, hi = edges[b], edges[b + 1], edges[b + 2]
        fb[b] = np.clip(np.minimum((bins - lo) / (mid - lo), (hi - bins) / (hi - mid)), 0, None)
    return fb, nfft


FILTERS, NFFT = mel_filters()
HANN = np.hanning(WINDOW).astype(np.float32)


def features(audio):
    frames = audio[:FRAMES * WINDOW].reshape(FRAMES, WINDOW) * HANN
    power = np.abs(np.fft.rfft(frames, NFFT)) ** 2
    return np.log(power @ FILTERS.T + 1e-6).astype(np.float32)  # [FRAMES, BANDS]


def place(speech, rng):
    """The utterance at a random offset in one second, with noise."""
    clip = np.zeros(FRAMES * WINDOW, np.float32)
    speech = speech[:len(clip)]
    offset = rng.integers(0, len(clip) - len(speech) + 1)
    clip[offset:offset + len(speech)] = speech
    noise = rng.standard_normal(len(clip)).astype(np.float32)
    if rng.random() < 0.5:  # brown noise
        noise = np.cumsum(noise)
        noise -= np.linspace(noise[0], noise[-1], len(noise))
    signal = np.sqrt(np.mean(speech ** 2)) if len(speech) else 0.01
    snr = rng.uniform(5, 30)
    noise *= signal / (np.sqrt(np.mean(noise ** 2)) + 1e-12) / 10 ** (snr / 20)
    return clip + noise


def dataset(rng):
    xs = {False: [], True: []}
    ys = {False: [], True: []}
    for variant in VARIANTS:
        test = variant in HELD_OUT
        for accent in ACCENTS:
            for label, words in [(None, KEYWORDS), (10, UNKNOWN)]:
                for k, word in enumerate(words):
                    # Three of the speed x pitch pairs for a keyword, one for
                    # an unknown word, so "unknown" is not the majority.
                    pairs = [(s, p) for s in SPEEDS for p in PITCHES]
                    pairs = [pairs[i] for i in rng.choice(len(pairs), 3 if label is None else 1,
                                                          replace=False)]
                    for speed, pitch in pairs:
                        audio = speak(word, accent, variant, speed, pitch)
                        xs[test].append(features(place(audio, rng)))
                        ys[test].append(k if label is None else label)
            for _ in range(4):  # silence: noise alone
                xs[test].append(features(place(np.zeros(0, np.float32), rng) * 0.01))
                ys[test].append(11)
    return (np.stack(xs[False]), np.array(ys[False])), (np.stack(xs[True]), np.array(ys[True]))


def block(cin, cout, k, stride=1, groups=1):
    return [nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=False),
            nn.BatchNorm2d(cout), nn.ReLU()]


class KWS(nn.Module):
    def __init__(self, ch=32):
        super().__init__()
        self.features = nn.Sequential(*block(1, ch, 3, 2), *block(ch, ch, 3, 1, ch),
                                      *block(ch, ch, 1), *block(ch, ch, 3, 1, ch),
                                      *block(ch, ch, 1))
        self.fc = nn.Linear(ch, len(CLASSES))

    def forward(self, x):
        return self.fc(self.features(x).mean((2, 3)))


def train(model, xtr, ytr, xte, yte, epochs=30):
    """Adam with a cosine schedule, batches of 64 in a seeded order; the
    float accuracies on the training and held-out windows."""
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs)
    loss_fn = nn.CrossEntropyLoss()
    xt, yt = torch.from_numpy(xtr), torch.from_numpy(ytr)
    gen = torch.Generator().manual_seed(SEED)
    for _ in range(epochs):
        model.train()
        perm = torch.randperm(len(xt), generator=gen)
        for i in range(0, len(xt), 64):
            idx = perm[i:i + 64]
            opt.zero_grad()
            loss_fn(model(xt[idx]), yt[idx]).backward()
            opt.step()
        sched.step()
    model.eval()
    with torch.no_grad():
        return (float((model(xt).argmax(1).numpy() == ytr).mean()),
                float((model(torch.from_numpy(xte)).argmax(1).numpy() == yte).mean()))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    args = ap.parse_args()
    rng = np.random.default_rng(SEED)
    torch.manual_seed(SEED)
    (xtr, ytr), (xte, yte) = dataset(rng)
    mean, std = xtr.mean(), xtr.std()
    xtr = ((xtr - mean) / std)[:, None].astype(np.float32)
    xte = ((xte - mean) / std)[:, None].astype(np.float32)
    model = KWS()
    acc_train, acc_test = train(model, xtr, ytr, xte, yte)
    example = torch.from_numpy(xte[:1])
    path = os.path.join(args.out, "kws.onnx")
    torch.onnx.export(model, example, path, opset_version=13, input_names=["input"],
                      output_names=["output"], training=torch.onnx.TrainingMode.PRESERVE,
                      do_constant_folding=True, dynamic_axes={"input": {0: "batch"},
                                                              "output": {0: "batch"}})
    onnx.checker.check_model(onnx.load(path))
    with torch.no_grad():
        ref = model(example).numpy().astype(np.float32)
    np.save(os.path.join(args.out, "kws.input.npy"), example.numpy())
    np.save(os.path.join(args.out, "kws.output.npy"), ref)
    calib = rng.choice(len(xtr), 256, replace=False)
    np.save(os.path.join(args.out, "kws_calib_x.npy"), xtr[np.sort(calib)])
    test = np.sort(rng.choice(len(xte), 480, replace=False))
    np.save(os.path.join(args.out, "kws_test_x.npy"), xte[test])
    np.save(os.path.join(args.out, "kws_test_y.npy"), yte[test].astype(np.int64))
    manifest_path = os.path.join(args.out, "MANIFEST.json")
    manifest = json.load(open(manifest_path))
    manifest["models"]["kws"] = {
        "input_shape": [1, FRAMES, BANDS], "trained": True,
        "data": (f"espeak-ng {len(ACCENTS)} accents x {len(VARIANTS)} voices, speeds {SPEEDS}, "
                 f"pitches {PITCHES}, noise 5-30 dB SNR; log-mel {FRAMES}x{BANDS}; held-out "
                 f"voices {sorted(HELD_OUT)}"),
        "classes": CLASSES, "train_samples": int(len(xtr)), "test_samples": int(len(xte)),
        "float_accuracy_train": round(acc_train, 4), "float_accuracy_test": round(acc_test, 4),
        "feature_mean": float(mean), "feature_std": float(std),
        "generator": "models/export_kws.py"}
    with open(manifest_path, "w") as f:
        json.dump(manifest, f, indent=2, sort_keys=True)
        f.write("\n")
    print(f"kws: {len(xtr)} training / {len(xte)} held-out windows; float accuracy "
          f"{acc_train:.4f} train, {acc_test:.4f} held-out voices")


if __name__ == "__main__":
    main()
