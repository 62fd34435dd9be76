//===- Calibration.h - activation ranges from sample inputs ------*- C++ -*-===//
//
// Runs the float model in the reference evaluator over calibration samples
// and records a [min, max] per activation as `edge.range`, which
// edge-quantize turns into int8 parameters.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "edgec/Support/Tensor.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <string>
#include <vector>

namespace edgec::quant {

enum class RangeMethod { MinMax, Percentile, Mse, Entropy };

struct CalibrationOptions {
  RangeMethod method = RangeMethod::MinMax;
  double percentile = 99.99; ///< for RangeMethod::Percentile
  bool progress = false;     ///< progress bar on stderr for runs over a second
  bool channelMeans = false; ///< record kChannelMeanAttr on conv2d / gemm
};

/// On a conv2d or gemm: the mean over the calibration samples of its input
/// per channel (conv: axis 1 of NCHW; gemm: each of A's K columns), for
/// bias correction.
inline constexpr const char *kChannelMeanAttr = "edge.channel_mean";

/// Parses "minmax", "percentile=99.99", "mse" or "entropy"; false with `error` set otherwise.
bool parseRangeMethod(const std::string &spec, CalibrationOptions &options, std::string &error);

/// One calibration sample: a tensor per graph input.
using Sample = std::vector<Tensor>;

/// Loads samples. A one-input model takes a .npy file (first axis =
/// samples, or one sample of the input's exact shape) or a folder of them;
/// any model takes a .npz keyed by input name (numpy.savez(f, name=array)),
/// and a model with several inputs a folder with, per input, `<name>.npy` or
/// a folder `<name>/` of .npy files. Every input must give the same number
/// of samples; integer inputs take integer arrays.
bool loadCalibrationSamples(mlir::func::FuncOp func, const std::string &path,
                            std::vector<Sample> &samples, std::string &error);

/// Samples `--calibration random` (and edge-calibrate{samples=random}) draws.
inline constexpr int kRandomSamples = 16;

/// `count` samples uniform in [-1, 1] (for --calibration random).
std::vector<Sample> randomSamples(mlir::func::FuncOp func, int count);

/// Warnings about the calibration and its measurement (a saturated input, a
/// degenerate output range, an in-sample error), kept on the function for
/// report.json and the compile log.
inline constexpr const char *kWarningsAttr = "edge.quant_warnings";

/// Emits `message` as a warning at `loc` and appends it to `func`'s
/// kWarningsAttr.
void warnQuantization(mlir::func::FuncOp func, mlir::Location loc, const std::string &message);

/// `v` in 3 significant digits ("%.3g"), for warnings.
std::string g3(double v);

/// An output's calibrated span is degenerate when it covers fewer int8 steps
/// of its quantization range than this.
inline constexpr double kDegenerateSteps = 4;

/// Runs the evaluator over the samples and writes edge.range on every op
/// with a float result and on every float graph input. Warns (see
/// warnQuantization) about every graph output the samples leave constant or
/// drive over fewer than kDegenerateSteps of its int8 steps.
mlir::LogicalResult calibrate(mlir::func::FuncOp func, const std::vector<Sample> &samples,
                              const CalibrationOptions &options);

/// The leading rows (first axis) of `op`'s result that its readers see,
/// INT64_MAX for all: an LSTM's packed result whose final cell state (its
/// last row, often several times the hidden state's [-1, 1]) nobody reads
/// is calibrated, and its error measured, on Y and Y_h alone.
int64_t rowsRead(mlir::Operation *op);

} // namespace edgec::quant
