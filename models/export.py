#!/usr/bin/python3
"""Builds, trains where it makes sense, and exports the models edgec's tests use.

Run with Debian's Python (needs python3-torch, python3-sklearn, python3-onnx):
    /usr/bin/python3 models/export.py [--out models]

Writes, per model: <name>.onnx, <name>.input.npy (reference input) and
<name>.output.npy (the exporter's own output on it, computed by PyTorch), and
MANIFEST.json with provenance and figures. The digits models are trained on
sklearn's digits set (shipped offline with sklearn); the MLPerf-Tiny-shaped
networks keep their seeded random initialization, with non-trivial batch-norm
statistics, because their purpose here is to exercise shapes and operators.
"""
import argparse
import json
import os

import numpy as np
import onnx
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

OPSET = 13
SEED = 20261125


def conv_bn_relu(cin, cout, k, stride=1, pad=0, groups=1, relu6=False):
    return [nn.Conv2d(cin, cout, k, stride, pad, groups=groups, bias=False),
            nn.BatchNorm2d(cout),
            nn.ReLU6() if relu6 else nn.ReLU()]


class DigitsCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            *conv_bn_relu(1, 8, 3, pad=1), nn.MaxPool2d(2),
            *conv_bn_relu(8, 16, 3, pad=1), nn.MaxPool2d(2))
        self.fc = nn.Linear(16 * 2 * 2, 10)

    def forward(self, x):
        return self.fc(torch.flatten(self.features(x), 1))


class DigitsMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Dropout(0.1),
                                 nn.Linear(32, 32), nn.LeakyReLU(0.05), nn.Linear(32, 10))

    def forward(self, x):
        return self.net(x)


class DSCNN(nn.Module):
    """MLPerf Tiny keyword spotting DS-CNN (small): 49x10 MFCC input, 12 classes."""

    def __init__(self, ch=64):
        super().__init__()
        layers = conv_bn_relu(1, ch, (10, 4), stride=(2, 2), pad=(5, 1))
        for _ in range(4):
            layers += conv_bn_relu(ch, ch, 3, pad=1, groups=ch)
            layers += conv_bn_relu(ch, ch, 1)
        self.features = nn.Sequential(*layers)
        self.pool = nn.AvgPool2d((25, 5))
        self.fc = nn.Linear(ch, 12)

    def forward(self, x):
        x = self.pool(self.features(x))
        return torch.softmax(self.fc(torch.flatten(x, 1)), dim=1)


class ResidualBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.body = nn.Sequential(*conv_bn_relu(cin, cout, 3, stride, 1),
                                  nn.Conv2d(cout, cout, 3, 1, 1, bias=False), nn.BatchNorm2d(cout))
        self.shortcut = (nn.Conv2d(cin, cout, 1, stride) if stride != 1 or cin != cout
                         else nn.Identity())

    def forward(self, x):
        return torch.relu(self.body(x) + self.shortcut(x))


class ResNet8(nn.Module):
    """MLPerf Tiny image classification ResNet-8 (CIFAR-10 shaped)."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(*conv_bn_relu(3, 16, 3, 1, 1))
        self.blocks = nn.Sequential(ResidualBlock(16, 16, 1), ResidualBlock(16, 32, 2),
                                    ResidualBlock(32, 64, 2))
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        x = self.blocks(self.stem(x))
        x = torch.mean(x, dim=(2, 3))  # exports as ReduceMean / GlobalAveragePool
        return torch.softmax(self.fc(x), dim=1)


class MobileNetV1(nn.Module):
    """MLPerf Tiny visual wake words MobileNetV1, width 0.25, 96x96 RGB, 2 classes."""

    def __init__(self, alpha=0.25):
        super().__init__()
        c = lambda n: int(n * alpha)
        cfg = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2)] + [(512, 1)] * 5 + \
              [(1024, 2), (1024, 1)]
        layers = conv_bn_relu(3, c(32), 3, 2, 1, relu6=True)
        cin = c(32)
        for cout, s in cfg:
            layers += conv_bn_relu(cin, cin, 3, s, 1, groups=cin, relu6=True)
            layers += conv_bn_relu(cin, c(cout), 1, relu6=True)
            cin = c(cout)
        self.features = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(cin, 2)

    def forward(self, x):
        return torch.softmax(self.fc(torch.flatten(self.pool(self.features(x)), 1)), dim=1)


class AutoEncoder(nn.Module):
    """MLPerf Tiny anomaly detection fully-connected autoencoder (640 inputs)."""

    def __init__(self):
        super().__init__()
        dims = [640, 128, 128, 128, 128, 8, 128, 128, 128, 128]
        layers = []
        for a, b in zip(dims[:-1], dims[1:]):
            layers += [nn.Linear(a, b), nn.BatchNorm1d(b), nn.ReLU()]
        layers.append(nn.Linear(128, 640))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)


def randomize_bn(model, gen):
    for m in model.modules():
        if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            n = m.num_features
            m.running_mean.copy_(torch.randn(n, generator=gen) * 0.1)
            m.running_var.copy_(torch.rand(n, generator=gen) * 0.5 + 0.75)
            m.weight.data.copy_(torch.rand(n, generator=gen) * 0.5 + 0.75)
            m.bias.data.copy_(torch.randn(n, generator=gen) * 0.1)


def train(model, x, y, epochs, lr):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(SEED)
    model.train()
    for _ in range(epochs):
        perm = torch.randperm(len(x), generator=gen)
        for i in range(0, len(x), 32):
            idx = perm[i:i + 32]
            opt.zero_grad()
            loss_fn(model(x[idx]), y[idx]).backward()
            opt.step()
    model.eval()


def export(model, example, name, out, dynamic_batch=False, training=torch.onnx.TrainingMode.PRESERVE):
    model.eval()
    path = os.path.join(out, name + ".onnx")
    kwargs = {}
    if dynamic_batch:
        kwargs["dynamic_axes"] = {"input": {0: "batch"}, "output": {0: "batch"}}
    # PRESERVE keeps BatchNormalization nodes (in inference form) instead of
    # folding them into convolutions, so edgec's own folding is exercised.
    torch.onnx.export(model, example, path, opset_version=OPSET, input_names=["input"],
                      output_names=["output"], training=training,
                      do_constant_folding=True, **kwargs)
    onnx.checker.check_model(onnx.load(path))
    with torch.no_grad():
        ref = model(example).numpy().astype(np.float32)
    np.save(os.path.join(out, name + ".input.npy"), example.numpy().astype(np.float32))
    np.save(os.path.join(out, name + ".output.npy"), ref)
    return path


def export_qdq(float_model, xtrain, xtest, ytest, name, per_channel, out):
    """Quantizes a trained DigitsCNN with PyTorch's own post-training static
    quantization (qnnpack) and exports it in ONNX QDQ form."""
    import copy
    tq = torch.ao.quantization
    torch.backends.quantized.engine = "qnnpack"
    model = tq.QuantWrapper(copy.deepcopy(float_model)).eval()
    tq.fuse_modules(model.module, [["features.0", "features.1", "features.2"],
                                   ["features.4", "features.5", "features.6"]], inplace=True)
    if per_channel:
        model.qconfig = tq.QConfig(activation=tq.HistogramObserver.with_args(reduce_range=False),
                                   weight=tq.default_per_channel_weight_observer)
    else:
        model.qconfig = tq.get_default_qconfig("qnnpack")
    tq.prepare(model, inplace=True)
    with torch.no_grad():
        for i in range(0, len(xtrain), 64):
            model(xtrain[i:i + 64])
    tq.convert(model, inplace=True)
    with torch.no_grad():
        acc = float((model(xtest).argmax(1).numpy() == ytest).mean())
    export(model, xtest[:1], name, out, dynamic_batch=True, training=torch.onnx.TrainingMode.EVAL)
    return acc


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    args = ap.parse_args()
    torch.manual_seed(SEED)
    torch.set_num_threads(1)
    gen = torch.Generator().manual_seed(SEED)
    manifest = {"generator": "models/export.py", "torch": torch.__version__, "onnx": onnx.__version__,
                "opset": OPSET, "seed": SEED, "models": {}}

    digits = load_digits()
    x = (digits.images / 16.0).astype(np.float32)
    xtr, xte, ytr, yte = train_test_split(x, digits.target, test_size=0.2, random_state=0,
                                          stratify=digits.target)
    np.save(os.path.join(args.out, "digits_test_x.npy"), xte[:, None].astype(np.float32))
    np.save(os.path.join(args.out, "digits_test_y.npy"), yte.astype(np.int64))
    np.save(os.path.join(args.out, "digits_train_x.npy"), xtr[:, None].astype(np.float32))

    for name, model, shape in [("digits_cnn", DigitsCNN(), (1, 8, 8)), ("digits_mlp", DigitsMLP(), (64,))]:
        xt = torch.from_numpy(xtr.reshape((-1,) + shape))
        train(model, xt, torch.from_numpy(ytr), epochs=40, lr=3e-3)
        xe = torch.from_numpy(xte.reshape((-1,) + shape))
        with torch.no_grad():
            acc = float((model(xe).argmax(1).numpy() == yte).mean())
        export(model, xe[:1], name, args.out, dynamic_batch=True)
        manifest["models"][name] = {"test_accuracy": acc, "test_samples": int(len(yte)),
                                    "input_shape": [1, *shape]}
        print(f"{name}: held-out accuracy {acc:.4f}")

        if name == "digits_cnn":
            for qname, per_channel in [("digits_cnn_qdq", False), ("digits_cnn_qdq_pc", True)]:
                acc_q = export_qdq(model, xt, xe, yte, qname, per_channel, args.out)
                manifest["models"][qname] = {
                    "test_accuracy": acc_q, "test_samples": int(len(yte)), "input_shape": [1, *shape],
                    "quantized": "torch eager post-training static quantization, qnnpack engine, "
                                 + ("per-channel" if per_channel else "per-tensor") + " int8 weights, "
                                 "uint8 activations, calibrated on the training split; QDQ format"}
                print(f"{qname}: held-out accuracy {acc_q:.4f}")

    for name, model, shape in [("ds_cnn", DSCNN(), (1, 1, 49, 10)),
                               ("resnet8", ResNet8(), (1, 3, 32, 32)),
                               ("mobilenet_v1_025", MobileNetV1(), (1, 3, 96, 96)),
                               ("autoencoder", AutoEncoder(), (1, 640))]:
        randomize_bn(model, gen)
        example = torch.randn(*shape, generator=gen)
        export(model, example, name, args.out)
        manifest["models"][name] = {"input_shape": list(shape), "trained": False}
        print(f"{name}: exported")

    with open(os.path.join(args.out, "MANIFEST.json"), "w") as f:
        json.dump(manifest, f, indent=2, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
