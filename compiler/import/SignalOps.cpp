//===- SignalOps.cpp - ONNX DFT, STFT and MelWeightMatrix -------------------===//
//
// The spectral ops of audio front-ends, as ops edgec already compiles: a DFT
// along one axis is one MatMul of the signal (real, or interleaved real and
// imaginary parts) by a constant [L*C, K*2] matrix of cos / sin terms; STFT
// frames the signal with a constant-index Gather first and folds a constant
// window into that matrix. MelWeightMatrix, whose inputs are all scalars,
// folds to a constant. The matrices cost L*K multiply-adds per transform,
// which for the frame lengths of keyword spotting (256-512) runs on the GEMM
// kernels at far less than the network after it.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include <cmath>

using namespace mlir;

namespace edgec::onnx_import {
namespace {

/// The [len * channels, bins * 2] matrix of a DFT of length n (the first
/// min(len, n) samples; a shorter signal is zero-padded) keeping `bins`
/// output bins, each row scaled by window[sample] when a window is given.
/// channels is 1 (real input) or 2 (real, imaginary).
Tensor dftMatrix(int64_t len, int64_t channels, int64_t n, int64_t bins, bool inverse,
                 const std::vector<float> *window) {
  Tensor w = Tensor::zeros(DType::F32, {len * channels, bins * 2});
  double sign = inverse ? 1.0 : -1.0, scale = inverse ? 1.0 / (double)n : 1.0;
  for (int64_t s = 0; s < std::min(len, n); ++s) {
    double win = window ? (*window)[s] : 1.0;
    for (int64_t k = 0; k < bins; ++k) {
      // e^{sign * i * theta}, theta reduced modulo n exactly before scaling.
      double theta = 2 * M_PI * (double)((k * s) % n) / (double)n;
      double cs = std::cos(theta) * scale * win, sn = sign * std::sin(theta) * scale * win;
      // (xr + i xi)(cos + i sn) = (xr cos - xi sn) + i (xr sn + xi cos)
      float *re = &w.f[(s * channels) * bins * 2 + 2 * k];
      re[0] = (float)cs;
      re[1] = (float)sn;
      if (channels == 2) {
        float *im = &w.f[(s * channels + 1) * bins * 2 + 2 * k];
        im[0] = (float)-sn;
        im[1] = (float)cs;
      }
    }
  }
  return w;
}

LogicalResult requireFloatTensor(NodeContext &c, Value v, const char *what) {
  if (!NodeContext::elementType(v).isF32())
    return c.fail(std::string(what) + " must be a float tensor");
  return success();
}

Value matmul(NodeContext &c, Value a, Value b, const Shape &out) {
  return c.b.create<edge::MatMulOp>(c.loc, c.tensorType(out, c.b.getF32Type()), a, b,
                                    FloatAttr(), FloatAttr());
}

/// A compile-time integer scalar input, or a diagnostic.
FailureOr<int64_t> scalarInput(NodeContext &c, size_t k, const char *what) {
  std::optional<Tensor> t = c.constantInput(k);
  if (!t || t->isFloat() || t->numElements() != 1)
    return FailureOr<int64_t>(c.fail(std::string(what) +
                                     " must be a compile-time integer scalar (bind it with "
                                     "--bind)"));
  return t->i[0];
}

/// DFT-17 (`axis` an attribute, default 1) and DFT-20 (`axis` input 2, a
/// compile-time integer scalar, default -2): along `axis` of [..., C] (C = 1
/// real, 2 complex) to [..., K, ..., 2].
LogicalResult dftImpl(NodeContext &c, bool axisInput) {
  auto x = c.required(0, "input");
  if (failed(x) || failed(requireFloatTensor(c, *x, "input")))
    return failure();
  Shape s = NodeContext::shape(*x);
  int64_t rank = s.size();
  if (rank < 2 || (s.back() != 1 && s.back() != 2))
    return c.fail("input of shape " + shapeToString(s) +
                  " must end in a dimension of 1 (real) or 2 (complex)");
  int64_t axisValue = axisInput ? -2 : c.attrInt("axis", 1);
  if (axisInput && c.in(2)) {
    auto a = scalarInput(c, 2, "axis");
    if (failed(a))
      return failure();
    axisValue = *a;
  }
  auto axis = c.axis(axisValue, rank, "axis");
  if (failed(axis))
    return failure();
  if (*axis == rank - 1)
    return c.fail("axis " + std::to_string(*axis) + " is the real/imaginary dimension");
  int64_t len = s[*axis], ch = s.back(), n = len;
  if (c.in(1)) {
    auto dl = scalarInput(c, 1, "dft_length");
    if (failed(dl))
      return failure();
    n = *dl;
  }
  if (n < 1)
    return c.fail("dft_length " + std::to_string(n) + " must be positive");
  bool inverse = c.attrInt("inverse", 0) != 0, onesided = c.attrInt("onesided", 0) != 0;
  if (onesided && ch == 2)
    return c.fail("onesided applies to real input (a last dimension of 1)");
  int64_t bins = onesided ? n / 2 + 1 : n;
  if (failed(c.checkConstantShape({len * ch, bins * 2}, "the DFT matrix")))
    return failure();

  // Move the axis next to the channel dimension, flatten the rest.
  Shape perm, kept;
  for (int64_t d = 0; d < rank - 1; ++d)
    if (d != *axis) {
      perm.push_back(d);
      kept.push_back(s[d]);
    }
  perm.push_back(*axis);
  perm.push_back(rank - 1);
  Value t = buildTranspose(c, *x, perm);
  int64_t rows = product(kept);
  Value flat = c.reshape(t, {rows, len * ch});
  Value y = matmul(c, flat, c.constant(dftMatrix(len, ch, n, bins, inverse, nullptr)),
                   {rows, bins * 2});
  Shape ys = kept;
  ys.push_back(bins);
  ys.push_back(2);
  y = c.reshape(y, ys);
  // Back to the input's order: the transform axis returns to its place.
  Shape inv(rank);
  for (int64_t d = 0; d < rank; ++d)
    inv[perm[d]] = d;
  c.setOutput(buildTranspose(c, y, inv));
  return success();
}

LogicalResult dft(NodeContext &c) { return dftImpl(c, false); }
LogicalResult dft20(NodeContext &c) { return dftImpl(c, true); }

/// STFT-17: signal [B, L, C] to [B, frames, K, 2].
LogicalResult stft(NodeContext &c) {
  auto x = c.required(0, "signal");
  if (failed(x) || failed(requireFloatTensor(c, *x, "signal")))
    return failure();
  Shape s = NodeContext::shape(*x);
  if (s.size() != 3 || (s[2] != 1 && s[2] != 2))
    return c.fail("signal of shape " + shapeToString(s) + " must be [batch, length, 1 or 2]");
  auto step = scalarInput(c, 1, "frame_step");
  if (failed(step))
    return failure();
  std::optional<Tensor> window;
  Value runtimeWindow;
  int64_t frameLength = -1;
  if (Value w = c.in(2)) {
    if (NodeContext::shape(w).size() != 1 || !NodeContext::elementType(w).isF32())
      return c.fail("window must be a 1-D float tensor");
    frameLength = NodeContext::shape(w)[0];
    window = c.constantInput(2);
    if (!window)
      runtimeWindow = w;
  }
  if (c.in(3)) {
    auto fl = scalarInput(c, 3, "frame_length");
    if (failed(fl))
      return failure();
    if (frameLength >= 0 && *fl != frameLength)
      return c.fail("frame_length " + std::to_string(*fl) + " differs from the window's length " +
                    std::to_string(frameLength));
    frameLength = *fl;
  }
  if (frameLength < 0)
    return c.fail("needs a window or a frame_length");
  int64_t len = s[1], ch = s[2];
  if (*step < 1 || frameLength < 1 || frameLength > len)
    return c.fail("frame_step " + std::to_string(*step) + " and frame_length " +
                  std::to_string(frameLength) + " do not fit a signal of length " +
                  std::to_string(len));
  bool onesided = c.attrInt("onesided", 1) != 0;
  if (onesided && ch == 2)
    return c.fail("onesided applies to a real signal (a last dimension of 1)");
  int64_t frames = (len - frameLength) / *step + 1, bins = onesided ? frameLength / 2 + 1 : frameLength;
  if (failed(c.checkConstantShape({frames, frameLength}, "the frame index")) ||
      failed(c.checkConstantShape({frameLength * ch, bins * 2}, "the DFT matrix")))
    return failure();

  Tensor idx = Tensor::zeros(DType::I64, {frames, frameLength});
  for (int64_t f = 0; f < frames; ++f)
    for (int64_t k = 0; k < frameLength; ++k)
      idx.i[f * frameLength + k] = f * *step + k;
  Value framed = c.b.create<edge::GatherOp>(
      c.loc, c.tensorType({s[0], frames, frameLength, ch}, c.b.getF32Type()), *x,
      c.constant(idx), 1);
  if (runtimeWindow)
    framed = buildBinary<edge::MulOp>(c, framed, c.reshape(runtimeWindow, {frameLength, 1}));
  if (!framed)
    return failure();
  Value flat = c.reshape(framed, {s[0] * frames, frameLength * ch});
  Value y = matmul(c, flat,
                   c.constant(dftMatrix(frameLength, ch, frameLength, bins, false,
                                        window ? &window->f : nullptr)),
                   {s[0] * frames, bins * 2});
  c.setOutput(c.reshape(y, {s[0], frames, bins, 2}));
  return success();
}

/// MelWeightMatrix-17 of compile-time scalars: [dft_length / 2 + 1,
/// num_mel_bins] triangular filters, as ONNX's reference computes them.
LogicalResult melWeightMatrix(NodeContext &c) {
  auto bins = scalarInput(c, 0, "num_mel_bins"), dftLength = scalarInput(c, 1, "dft_length"),
       rate = scalarInput(c, 2, "sample_rate");
  if (failed(bins) || failed(dftLength) || failed(rate))
    return failure();
  std::optional<Tensor> lo = c.constantInput(3), hi = c.constantInput(4);
  if (!lo || !hi || lo->numElements() != 1 || hi->numElements() != 1)
    return c.fail("lower_edge_hertz and upper_edge_hertz must be compile-time scalars");
  if (c.attrInt("output_datatype", onnx::TensorProto::FLOAT) != onnx::TensorProto::FLOAT)
    return c.fail("output_datatype other than float is not supported");
  double low = lo->at(0), high = hi->at(0);
  if (*bins < 1 || *dftLength < 2 || *rate < 1 || !(low >= 0) || !(high > low))
    return c.fail("num_mel_bins, dft_length and sample_rate must be positive and "
                  "0 <= lower_edge_hertz < upper_edge_hertz");
  int64_t spectrogramBins = *dftLength / 2 + 1;
  if (failed(c.checkConstantShape({spectrogramBins, *bins}, "the output")))
    return failure();
  auto mel = [](double hz) { return 2595 * std::log10(1 + hz / 700); };
  // ONNX's reference spaces num_mel_bins + 2 points by (high - low) / (num_mel_bins + 2).
  double lowMel = mel(low), step = (mel(high) - lowMel) / (double)(*bins + 2);
  std::vector<int64_t> edges(*bins + 2);
  for (int64_t k = 0; k < *bins + 2; ++k) {
    double hz = 700 * (std::pow(10.0, (k * step + lowMel) / 2595) - 1);
    edges[k] = (int64_t)std::floor((double)(*dftLength + 1) * hz / (double)*rate);
    if (edges[k] < 0 || edges[k] >= spectrogramBins)
      return c.fail("mel band edge " + std::to_string(edges[k]) + " falls outside the " +
                    std::to_string(spectrogramBins) + " spectrogram bins");
  }
  Tensor w = Tensor::zeros(DType::F32, {spectrogramBins, *bins});
  for (int64_t i = 0; i < *bins; ++i) {
    int64_t left = edges[i], center = edges[i + 1], right = edges[i + 2];
    if (center == left)
      w.f[center * *bins + i] = 1;
    else
      for (int64_t j = left; j <= center; ++j)
        w.f[j * *bins + i] = (float)(j - left) / (float)(center - left);
    for (int64_t j = center; j < right; ++j)
      w.f[j * *bins + i] = (float)(right - j) / (float)(right - center);
  }
  c.setOutput(c.constant(w));
  return success();
}

} // namespace

void registerSignalOps(std::vector<OpEntry> &t) {
  t.insert(t.end(), {
                        {"", "DFT", 17, dft},
                        {"", "DFT", 20, dft20},
                        {"", "STFT", 17, stft},
                        {"", "MelWeightMatrix", 17, melWeightMatrix},
                    });
}

} // namespace edgec::onnx_import
