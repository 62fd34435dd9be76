#!/usr/bin/python3
"""kws_lstm: the keyword spotter of export_kws.py as a recurrent network, for
the integer LSTM of issue 19.

Same data as kws, made by export_kws.dataset with the same seed (the script
checks that it reproduces the committed kws_calib_x.npy / kws_test_x.npy /
kws_test_y.npy, which this model shares): 12 classes spoken by espeak-ng,
held-out voices, 40 log-mel frames x 20 bands, standardized.

Model: the 40 frames as a sequence -> LSTM (20 -> 48) -> the last hidden
state -> Gemm (12); ONNX LSTM with ONNX's default activations, the form
TFLite's integer LSTM and edgec's recurrent_s8 take. Trained with Adam
(cosine schedule) for 30 epochs.

    /usr/bin/python3 models/export_kws_lstm.py [--out models]

Writes kws_lstm.onnx, kws_lstm.input.npy, kws_lstm.output.npy and the
manifest entry, leaving every other model untouched.
"""
import argparse
import json
import os
import sys

import numpy as np
import onnx
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_kws as kws  # noqa: E402

HIDDEN = 48
EPOCHS = 30


class KwsLstm(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(kws.BANDS, HIDDEN)
        self.fc = nn.Linear(HIDDEN, len(kws.CLASSES))

    def forward(self, x):  # x [N, 1, FRAMES, BANDS]
        seq = x.squeeze(1).transpose(0, 1)  # [FRAMES, N, BANDS]
        _, (h, _) = self.lstm(seq)
        return self.fc(h[0])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    args = ap.parse_args()
    rng = np.random.default_rng(kws.SEED)
    torch.manual_seed(kws.SEED)
    (xtr, ytr), (xte, yte) = kws.dataset(rng)
    mean, std = xtr.mean(), xtr.std()
    xtr = ((xtr - mean) / std)[:, None].astype(np.float32)
    xte = ((xte - mean) / std)[:, None].astype(np.float32)
    # The draws export_kws.py makes after its training, in the same order.
    calib = np.sort(rng.choice(len(xtr), 256, replace=False))
    test = np.sort(rng.choice(len(xte), 480, replace=False))
    here = args.out
    for name, mine in [("kws_calib_x", xtr[calib]), ("kws_test_x", xte[test]),
                       ("kws_test_y", yte[test].astype(np.int64))]:
        if not np.array_equal(np.load(os.path.join(here, name + ".npy")), mine):
            sys.exit(f"{name}.npy differs from the data export_kws.py makes: rerun it first")
    model = KwsLstm()
    acc_train, acc_test = kws.train(model, xtr, ytr, xte, yte, EPOCHS)
    example = torch.from_numpy(xte[test][:1])
    path = os.path.join(here, "kws_lstm.onnx")
    torch.onnx.export(model, example, path, opset_version=13, input_names=["input"],
                      output_names=["output"], do_constant_folding=True,
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
    onnx.checker.check_model(onnx.load(path))
    with torch.no_grad():
        ref = model(example).numpy().astype(np.float32)
    np.save(os.path.join(here, "kws_lstm.input.npy"), example.numpy())
    np.save(os.path.join(here, "kws_lstm.output.npy"), ref)
    manifest_path = os.path.join(here, "MANIFEST.json")
    manifest = json.load(open(manifest_path))
    manifest["models"]["kws_lstm"] = {
        "input_shape": [1, kws.FRAMES, kws.BANDS], "trained": True,
        "data": "as kws (models/export_kws.py); calibration and test files shared with it",
        "classes": kws.CLASSES, "train_samples": int(len(xtr)), "test_samples": int(len(xte)),
        "float_accuracy_train": round(acc_train, 4), "float_accuracy_test": round(acc_test, 4),
        "feature_mean": float(mean), "feature_std": float(std),
        "generator": "models/export_kws_lstm.py"}
    with open(manifest_path, "w") as f:
        json.dump(manifest, f, indent=2, sort_keys=True)
        f.write("\n")
    print(f"kws_lstm: {len(xtr)} training / {len(xte)} held-out windows; float accuracy "
          f"{acc_train:.4f} train, {acc_test:.4f} held-out voices")


if __name__ == "__main__":
    main()
