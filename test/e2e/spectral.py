#!/usr/bin/python3
"""spectral.py EDGEC WORK_DIR: DFT and STFT cases the node tests leave out,
against numpy's FFT: a dft_length that zero-pads and one that truncates,
onesided output, complex input on a non-default axis, the inverse, a window
given at run time and a two-sided STFT of a complex signal. Each model is
compiled for the generic target, built with ASan/UBSan and -Werror, run,
and run through the evaluator; both must match numpy (rtol 1e-4, atol 1e-4).
"""
import os
import sys

import numpy as np

import onnx_cases

edgec, work = sys.argv[1], os.path.join(sys.argv[2], "spectral")
os.makedirs(work, exist_ok=True)
rng = np.random.default_rng(17)


def complex_out(z):
    return np.stack([z.real, z.imag], axis=-1).astype(np.float32)


def model(name, op, inputs, inits, attrs, out_shape):
    return onnx_cases.model(work, name, op, inputs, inits, attrs.pop("_inputs"), attrs,
                            out_shape, 17)


def run(name, path, inputs, want):
    return onnx_cases.check(edgec, work, name, path, inputs, want)


ok = True
# DFT of a real signal, onesided, zero-padded to 16.
x = rng.uniform(-1, 1, (2, 12, 1)).astype(np.float32)
p = model("dft_real_onesided_padded", "DFT", [("x", x)], [("n", np.array(16, np.int64))],
          {"_inputs": ["x", "n"], "axis": 1, "onesided": 1}, [2, 9, 2])
ok &= run("dft_real_onesided_padded", p, [("x", x)], complex_out(np.fft.rfft(x[..., 0], n=16, axis=1)))
# DFT of a real signal truncated to 16, two-sided.
x = rng.uniform(-1, 1, (3, 20, 1)).astype(np.float32)
p = model("dft_real_truncated", "DFT", [("x", x)], [("n", np.array(16, np.int64))],
          {"_inputs": ["x", "n"], "axis": 1}, [3, 16, 2])
ok &= run("dft_real_truncated", p, [("x", x)], complex_out(np.fft.fft(x[..., 0], n=16, axis=1)))
# Inverse DFT of a complex signal along axis 2.
x = rng.uniform(-1, 1, (2, 3, 8, 2)).astype(np.float32)
p = model("dft_complex_inverse_axis2", "DFT", [("x", x)], [], {"_inputs": ["x"], "axis": 2,
          "inverse": 1}, [2, 3, 8, 2])
ok &= run("dft_complex_inverse_axis2", p, [("x", x)],
          complex_out(np.fft.ifft(x[..., 0] + 1j * x[..., 1], axis=2)))
# STFT with a window given at run time.
sig = rng.uniform(-1, 1, (1, 64, 1)).astype(np.float32)
win = np.hanning(16).astype(np.float32)
p = model("stft_runtime_window", "STFT", [("signal", sig), ("window", win)],
          [("step", np.array(6, np.int64))], {"_inputs": ["signal", "step", "window"]},
          [1, 9, 9, 2])
frames = np.stack([sig[0, f * 6:f * 6 + 16, 0] * win for f in range(9)])
ok &= run("stft_runtime_window", p, [("signal", sig), ("window", win)],
          complex_out(np.fft.rfft(frames, axis=1))[None])
# Two-sided STFT of a complex signal, frame_length without a window.
sig = rng.uniform(-1, 1, (2, 40, 2)).astype(np.float32)
p = model("stft_complex_twosided", "STFT", [("signal", sig)],
          [("step", np.array(4, np.int64)), ("len", np.array(10, np.int64))],
          {"_inputs": ["signal", "step", "", "len"], "onesided": 0}, [2, 8, 10, 2])
z = sig[..., 0] + 1j * sig[..., 1]
frames = np.stack([z[:, f * 4:f * 4 + 10] for f in range(8)], axis=1)
ok &= run("stft_complex_twosided", p, [("signal", sig)], complex_out(np.fft.fft(frames, axis=2)))
sys.exit(0 if ok else 1)
