//===- Calibration.cpp - activation ranges from sample inputs --------------===//

#include "passes/Quantize/Calibration.h"

#include "edgec/Eval/Evaluator.h"
#include "edgec/IR/EdgeOps.h"
#include "edgec/Support/Names.h"
#include "edgec/Support/Npy.h"
#include "passes/Quantize/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <unistd.h>

using namespace mlir;

namespace edgec::quant {
namespace {

constexpr int kBins = 2048;

/// Per tensor: running min / max, then (for percentile and MSE) a histogram
/// over [min, max] filled in a second pass.
struct RangeStats {
  double lo = INFINITY, hi = -INFINITY;
  std::vector<double> hist;
  void addRange(const Tensor &t) {
    for (float v : t.f)
      if (std::isfinite(v)) {
        lo = std::min<double>(lo, v);
        hi = std::max<double>(hi, v);
      }
  }
  void addHistogram(const Tensor &t) {
    if (hist.empty())
      hist.assign(kBins, 0.0);
    double width = (hi - lo) / kBins;
    if (!(width > 0))
      return;
    for (float v : t.f)
      if (std::isfinite(v))
        hist[std::clamp<int64_t>((int64_t)((v - lo) / width), 0, kBins - 1)] += 1;
  }
  double binCenter(int k) const { return lo + (k + 0.5) * (hi - lo) / kBins; }
  double quantile(double q) const {
    double total = 0;
    for (double c : hist) total += c;
    double acc = 0;
    for (int k = 0; k < kBins; ++k) {
      acc += hist[k];
      if (acc >= q * total)
        return lo + (k + 1) * (hi - lo) / kBins;
    }
    return hi;
  }
  /// Expected squared error of int8 quantization of the histogram on [a, b].
  double mse(double a, double b) const {
    double scale = (b - a) / 255.0, err = 0;
    if (!(scale > 0))
      return INFINITY;
    for (int k = 0; k < kBins; ++k) {
      if (hist[k] == 0) continue;
      double c = binCenter(k);
      double q = std::clamp(std::round((c - a) / scale), 0.0, 255.0) * scale + a;
      err += hist[k] * (c - q) * (c - q);
    }
    return err;
  }
  /// KL divergence (TensorRT's entropy calibration, made one-sided for
  /// asymmetric int8) of quantizing to 255 levels over bins [ia, ib): P is
  /// the histogram there with the mass outside added to its edge bins; Q is
  /// the in-window histogram merged into 255 groups, each group's count
  /// spread evenly over its non-empty bins. Clipping shows as mass P has and
  /// Q lacks; coarse steps as detail Q averages away.
  double klDivergence(int64_t ia, int64_t ib) const {
    int64_t n = ib - ia;
    std::vector<double> h(hist.begin() + ia, hist.begin() + ib), q(n, 0.0);
    // The zero point represents 0 exactly: the bin of 0 (ReLU's spike) loses
    // nothing to quantization and is left out of both distributions.
    if (int64_t z = (int64_t)std::floor(-lo / ((hi - lo) / kBins)) - ia; z >= 0 && z < n)
      h[z] = 0;
    std::vector<double> p = h;
    for (int64_t k = 0; k < ia; ++k)
      p.front() += hist[k];
    for (int64_t k = ib; k < kBins; ++k)
      p.back() += hist[k];
    for (int g = 0; g < 255; ++g) {
      int64_t from = n * g / 255, to = n * (g + 1) / 255;
      double total = 0;
      int64_t nonEmpty = 0;
      for (int64_t k = from; k < to; ++k) {
        total += h[k];
        nonEmpty += h[k] > 0;
      }
      for (int64_t k = from; k < to; ++k)
        if (h[k] > 0)
          q[k] = total / (double)nonEmpty;
    }
    double ps = 0, qs = 0;
    for (int64_t k = 0; k < n; ++k) {
      ps += p[k];
      qs += q[k];
    }
    if (!(ps > 0) || !(qs > 0))
      return INFINITY;
    double kl = 0;
    for (int64_t k = 0; k < n; ++k) {
      if (p[k] == 0)
        continue;
      // An edge bin holding only clipped outliers: Q gets a trace of mass
      // there (as MXNet's and TensorRT's smoothing does), so the clipping
      // costs a large but finite amount.
      double qk = std::max(q[k] / qs, 1e-4 / (double)n);
      kl += (p[k] / ps) * std::log((p[k] / ps) / qk);
    }
    return kl;
  }
  std::pair<double, double> range(const CalibrationOptions &o) const {
    if (!(hi >= lo))
      return {0.0, 0.0};
    if (o.method == RangeMethod::MinMax || hist.empty() || hi == lo)
      return {lo, hi};
    if (o.method == RangeMethod::Percentile) {
      double p = o.percentile / 100.0;
      return {lo < 0 ? quantile(1 - p) : lo, quantile(p)};
    }
    if (o.method == RangeMethod::Entropy) {
      // Shrink [lo, hi] towards 0 in 1 % steps down to 20 % (at least 255
      // bins wide) and keep the window of least KL divergence.
      double width = (hi - lo) / kBins, best = INFINITY, ba = lo, bb = hi;
      for (int step = 0; step <= 80; ++step) {
        double f = 1.0 - step * 0.01;
        double a = std::min(lo * f, 0.0), b = std::max(hi * f, 0.0);
        int64_t ia = std::clamp<int64_t>((int64_t)std::floor((a - lo) / width), 0, kBins);
        int64_t ib = std::clamp<int64_t>((int64_t)std::ceil((b - lo) / width), 0, kBins);
        if (ib - ia < 255)
          break;
        double kl = klDivergence(ia, ib);
        if (kl < best) {
          best = kl;
          ba = a;
          bb = b;
        }
      }
      return {ba, bb};
    }
    // MSE: shrink [lo, hi] towards 0 in 1 % steps down to 20 % and keep the best.
    double best = INFINITY, ba = lo, bb = hi;
    for (int step = 0; step <= 80; ++step) {
      double f = 1.0 - step * 0.01;
      double a = std::min(lo * f, 0.0), b = std::max(hi * f, 0.0);
      double e = mse(std::min(a, 0.0), b);
      if (e < best) {
        best = e;
        ba = a;
        bb = b;
      }
    }
    return {ba, bb};
  }
};

class Progress {
public:
  Progress(bool enabled, size_t total) : enabled(enabled && isatty(2)), total(total) {}
  void update(size_t done, const char *phase) {
    if (!enabled)
      return;
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (secs < 1.0 && done < total)
      return;
    int width = 30, filled = (int)(width * done / std::max<size_t>(total, 1));
    std::fprintf(stderr, "\r%s [%.*s%*s] %zu/%zu samples", phase, filled,
                 "##############################", width - filled, "", done, total);
    shown = true;
  }
  ~Progress() {
    if (shown)
      std::fprintf(stderr, "\n");
  }

private:
  bool enabled;
  size_t total;
  bool shown = false;
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
};

std::vector<int64_t> argShape(func::FuncOp f, unsigned k) {
  auto s = cast<ShapedType>(f.getArgumentTypes()[k]).getShape();
  return {s.begin(), s.end()};
}

/// Splits a loaded array into samples of `shape` (one tensor each, of
/// `dtype`: float data for a float input, integer data for an integer one).
bool splitSamples(const Tensor &t, const std::vector<int64_t> &shape, DType dtype,
                  const std::string &path, std::vector<Tensor> &out, std::string &error) {
  bool wantFloat = dtype == DType::F32 || dtype == DType::F16;
  if (t.isFloat() != wantFloat) {
    error = "calibration file '" + path + "' holds " + dtypeName(t.dtype) + ", expected " +
            (wantFloat ? "float32" : "integers") + " for a " + dtypeName(dtype) + " input";
    return false;
  }
  // One sample of the input's exact shape, or [N, ...] samples.
  std::vector<int64_t> tail(t.shape.begin() + (t.shape.empty() ? 0 : 1), t.shape.end());
  std::vector<int64_t> inner = shape;
  bool fits = t.shape == shape || (!t.shape.empty() && tail == inner);
  if (!fits && !shape.empty() && shape[0] == 1) {
    inner.erase(inner.begin());
    fits = !t.shape.empty() && tail == inner;
  }
  // [N, ...] whose samples hold as many elements as the input (e.g. images
  // for a model that takes them flattened): reshaped row-major.
  if (!fits && !t.shape.empty() && product(tail) == product(shape))
    fits = true;
  if (!fits && shape.size() > 1 && !t.shape.empty() && t.shape[0] >= shape[0] &&
      product(tail) * shape[0] == product(shape))
    fits = true;
  if (!fits) {
    error = "calibration file '" + path + "' has shape " + shapeToString(t.shape) +
            ", expected " + shapeToString(shape) + " or [N, ...] samples of " +
            std::to_string(product(shape)) + " elements";
    return false;
  }
  int64_t per = product(shape);
  // A model with a batch dimension B > 1 gets the rows grouped B at a time
  // (a last partial batch is dropped).
  int64_t n = t.numElements() / std::max<int64_t>(per, 1);
  for (int64_t s = 0; s < n; ++s) {
    Tensor x = Tensor::zeros(dtype, shape);
    if (wantFloat)
      std::copy(t.f.begin() + s * per, t.f.begin() + (s + 1) * per, x.f.begin());
    else
      for (int64_t e = 0; e < per; ++e)
        x.i[e] = wrapInteger(dtype, t.i[s * per + e]);
    out.push_back(std::move(x));
  }
  return true;
}

/// The .npy files of a folder, sorted by name.
std::vector<std::string> npyFiles(const std::string &dir) {
  std::vector<std::string> files;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec; it.increment(ec))
    if (llvm::sys::path::extension(it->path()) == ".npy")
      files.push_back(it->path());
  std::sort(files.begin(), files.end());
  return files;
}

/// What one input's calibration data holds: its samples, and the count of
/// finite values among them.
struct InputData {
  std::vector<Tensor> samples;
  int64_t finite = 0;
};

/// Adds the samples of array `t` (read from `where`) to `data`, warning
/// about NaN and infinities.
bool addArray(func::FuncOp func, unsigned k, const Tensor &t, const std::string &where,
              InputData &data, std::string &error) {
  DType dt = dtypeOf(getElementTypeOrSelf(func.getArgumentTypes()[k]));
  if (!splitSamples(t, argShape(func, k), dt, where, data.samples, error))
    return false;
  if (!t.isFloat()) {
    data.finite += t.numElements();
    return true;
  }
  // NaN and infinities say nothing about a range: counted, reported, and
  // left out of the ranges (Calibration's observers skip them).
  NonFinite bad = countNonFinite(t);
  data.finite += t.numElements() - bad.nan - bad.inf;
  if (bad.any())
    func.emitWarning() << "calibration data '" << where << "' holds " << bad.nan << " NaN and "
                       << bad.inf << " infinite value(s) of " << t.numElements()
                       << "; the ranges are measured on the finite ones";
  return true;
}

/// The name input `k` is looked up by in a .npz or a folder.
std::string inputName(func::FuncOp func, unsigned k) {
  if (auto n = func.getArgAttrOfType<StringAttr>(k, "edge.name"))
    return n.str();
  return "input_" + std::to_string(k);
}

std::string inputList(func::FuncOp func) {
  std::string list;
  for (unsigned k = 0; k < func.getNumArguments(); ++k)
    list += (k ? ", '" : "'") + inputName(func, k) + "'";
  return list;
}

bool isNpz(const std::string &path) {
  if (llvm::sys::path::extension(path) == ".npz")
    return true;
  char magic[4] = {};
  FILE *f = std::fopen(path.c_str(), "rb");
  if (!f)
    return false;
  size_t got = std::fread(magic, 1, 4, f);
  std::fclose(f);
  return got == 4 && std::string(magic, 4) == std::string("PK\x03\x04", 4);
}

/// An .npz archive: arrays keyed by input name (or, for a one-input model,
/// its one array whatever its key).
bool loadNpz(func::FuncOp func, const std::string &path, std::vector<InputData> &data,
             std::string &error) {
  std::vector<std::pair<std::string, Tensor>> arrays;
  if (!readNpz(path, arrays, error))
    return false;
  std::vector<bool> used(arrays.size());
  for (unsigned k = 0; k < func.getNumArguments(); ++k) {
    std::string name = inputName(func, k);
    size_t found = arrays.size();
    for (size_t a = 0; a < arrays.size(); ++a)
      if (arrays[a].first == name || arrays[a].first == sanitizeIdentifier(name))
        found = a;
    if (found == arrays.size() && func.getNumArguments() == 1 && arrays.size() == 1)
      found = 0;
    if (found == arrays.size()) {
      std::string keys;
      for (const auto &[key, t] : arrays)
        keys += (keys.empty() ? "'" : ", '") + key + "'";
      error = "calibration archive '" + path + "' has no array for input '" + name +
              "' (its arrays: " + keys + "; the model's inputs: " + inputList(func) + ")";
      return false;
    }
    used[found] = true;
    if (!addArray(func, k, arrays[found].second, path + ":" + arrays[found].first, data[k],
                  error))
      return false;
  }
  for (size_t a = 0; a < arrays.size(); ++a)
    if (!used[a]) {
      error = "calibration archive '" + path + "' has an array '" + arrays[a].first +
              "' that names no input (the model's inputs: " + inputList(func) + ")";
      return false;
    }
  return true;
}

/// Files (.npy) of one input: `path` itself, or every .npy in it if a folder.
bool loadFiles(func::FuncOp func, unsigned k, const std::string &path, InputData &data,
               std::string &error) {
  std::vector<std::string> files{path};
  if (llvm::sys::fs::is_directory(path)) {
    files = npyFiles(path);
    if (files.empty()) {
      error = "calibration folder '" + path + "' contains no .npy files";
      return false;
    }
  }
  for (const std::string &f : files) {
    Tensor t;
    if (!readNpy(f, t, error) || !addArray(func, k, t, f, data, error))
      return false;
  }
  return true;
}

/// A folder for a model with several inputs: per input, `<name>.npy` or a
/// folder `<name>/` of .npy files (name as in the model, or made an
/// identifier).
bool loadFolderPerInput(func::FuncOp func, const std::string &dir, std::vector<InputData> &data,
                        std::string &error) {
  for (unsigned k = 0; k < func.getNumArguments(); ++k) {
    std::string name = inputName(func, k), found;
    for (const std::string &n : {name, sanitizeIdentifier(name)}) {
      for (const std::string &p : {dir + "/" + n + ".npy", dir + "/" + n})
        if (found.empty() && !n.empty() && n.find('/') == std::string::npos &&
            llvm::sys::fs::exists(p))
          found = p;
    }
    if (found.empty()) {
      error = "calibration folder '" + dir + "' has no '" + sanitizeIdentifier(name) +
              ".npy' or folder '" + sanitizeIdentifier(name) + "/' for input '" + name +
              "' (a model with several inputs takes one per input: " + inputList(func) +
              "; or a .npz keyed by input name)";
      return false;
    }
    if (!loadFiles(func, k, found, data[k], error))
      return false;
  }
  return true;
}

} // namespace

bool parseRangeMethod(const std::string &spec, CalibrationOptions &options, std::string &error) {
  if (spec == "minmax") {
    options.method = RangeMethod::MinMax;
    return true;
  }
  if (spec == "mse") {
    options.method = RangeMethod::Mse;
    return true;
  }
  if (spec == "entropy") {
    options.method = RangeMethod::Entropy;
    return true;
  }
  if (spec.rfind("percentile", 0) == 0) {
    options.method = RangeMethod::Percentile;
    if (spec.size() > 10) {
      char *end = nullptr;
      double p = spec[10] == '=' ? std::strtod(spec.c_str() + 11, &end) : -1;
      if (!end || *end != '\0' || !(p > 50 && p <= 100)) {
        error = "--range '" + spec + "': the percentile must be in (50, 100], e.g. percentile=99.99";
        return false;
      }
      options.percentile = p;
    }
    return true;
  }
  error = "unknown --range '" + spec + "' (expected minmax, percentile=P, mse or entropy)";
  return false;
}

bool loadCalibrationSamples(func::FuncOp func, const std::string &path,
                            std::vector<Sample> &samples, std::string &error) {
  unsigned inputs = func.getNumArguments();
  std::vector<InputData> data(inputs);
  if (inputs == 0) {
    error = "the model has no inputs to calibrate";
    return false;
  }
  if (!llvm::sys::fs::exists(path)) {
    error = "calibration data '" + path + "' does not exist";
    return false;
  }
  bool ok;
  if (!llvm::sys::fs::is_directory(path) && isNpz(path))
    ok = loadNpz(func, path, data, error);
  else if (inputs == 1)
    ok = loadFiles(func, 0, path, data[0], error);
  else if (llvm::sys::fs::is_directory(path))
    ok = loadFolderPerInput(func, path, data, error);
  else {
    error = "calibration data '" + path + "' is one array, but the model has " +
            std::to_string(inputs) + " inputs (" + inputList(func) +
            "): give a .npz keyed by input name, or a folder with one <input>.npy or "
            "<input>/ per input";
    return false;
  }
  if (!ok)
    return false;
  for (unsigned k = 0; k < inputs; ++k) {
    std::string which = inputs == 1 ? "" : " for input '" + inputName(func, k) + "'";
    if (data[k].samples.size() != data[0].samples.size()) {
      error = "calibration data '" + path + "' gives " + std::to_string(data[0].samples.size()) +
              " sample(s) of input '" + inputName(func, 0) + "' but " +
              std::to_string(data[k].samples.size()) + " of '" + inputName(func, k) +
              "'; every input needs one per sample";
      return false;
    }
    if (data[k].samples.empty()) {
      error = "calibration data '" + path + "' holds no samples" + which;
      return false;
    }
    if (data[k].finite == 0) {
      error = "calibration data '" + path + "' holds no finite value" + which +
              ": no range can be measured";
      return false;
    }
  }
  for (size_t s = 0; s < data[0].samples.size(); ++s) {
    Sample sample;
    for (unsigned k = 0; k < inputs; ++k)
      sample.push_back(std::move(data[k].samples[s]));
    samples.push_back(std::move(sample));
  }
  return true;
}

std::vector<Sample> randomSamples(func::FuncOp func, int count) {
  std::mt19937 rng(12345);
  std::uniform_real_distribution<float> dist(-1.f, 1.f);
  std::vector<Sample> out;
  for (int s = 0; s < count; ++s) {
    Sample sample;
    // Float inputs uniform in [-1, 1); integer and boolean ones (indices,
    // lengths, masks) zero, which is always a valid index and a neutral mask.
    for (unsigned k = 0; k < func.getNumArguments(); ++k) {
      DType dt = dtypeOf(getElementTypeOrSelf(func.getArgumentTypes()[k]));
      Tensor t = Tensor::zeros(dt, argShape(func, k));
      for (float &v : t.f)
        v = dt == DType::F16 ? roundToHalf(dist(rng)) : dist(rng);
      sample.push_back(std::move(t));
    }
    out.push_back(std::move(sample));
  }
  return out;
}

/// For a non-decreasing bounded function with image [lo, hi]: the input
/// interval over which it crosses its image, to within 1/512 of its width
/// (sigmoid about [-6.2, 6.2], tanh [-3.5, 3.5], Clip(0, 6) [0, 6]). Found
/// on a grid of 1/64 within [-16, 16]; none when f is not monotonic there or
/// does not get that close (softsign).
std::optional<std::pair<double, double>> crossingSpan(edge::RealFunctionOpInterface f, double lo,
                                                      double hi) {
  constexpr double kStep = 1.0 / 64, kLimit = 16;
  double tol = (hi - lo) / 512;
  double prev = f.applyReal(-kLimit);
  for (double x = -kLimit + kStep; x <= kLimit; x += kStep) {
    double y = f.applyReal(x);
    if (!(y >= prev))
      return std::nullopt; // not monotonic (sine), or NaN
    prev = y;
  }
  double u = 0, v = 0;
  while (f.applyReal(u) > lo + tol)
    if ((u -= kStep) < -kLimit)
      return std::nullopt;
  while (f.applyReal(v) < hi - tol)
    if ((v += kStep) > kLimit)
      return std::nullopt;
  return std::make_pair(u, v);
}

void warnQuantization(func::FuncOp func, Location loc, const std::string &message) {
  emitWarning(loc) << message;
  SmallVector<Attribute> all;
  if (auto old = func->getAttrOfType<ArrayAttr>(kWarningsAttr))
    all.append(old.begin(), old.end());
  all.push_back(StringAttr::get(func.getContext(), message));
  func->setAttr(kWarningsAttr, ArrayAttr::get(func.getContext(), all));
}

std::string g3(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

namespace {

/// Warns about graph outputs whose calibrated values say nothing about their
/// int8 range: never finite, constant, or spread over fewer than
/// kDegenerateSteps of the 255 steps of the range they are quantized over
/// (a detector's sigmoid calibrated on negatives: [1e-7, 8e-5] of [0, 1]).
void warnDegenerateOutputs(func::FuncOp func, size_t samples,
                           const llvm::DenseMap<Operation *, RangeStats> &observed,
                           const llvm::DenseMap<Operation *, std::pair<double, double>> &ranges) {
  auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
  for (auto [k, v] : llvm::enumerate(ret.getOperands())) {
    Operation *op = v.getDefiningOp();
    auto stats = observed.find(op);
    auto range = ranges.find(op);
    if (!op || stats == observed.end() || range == ranges.end())
      continue;
    std::string name = "#" + std::to_string(k);
    if (auto n = func.getResultAttrOfType<StringAttr>(k, "edge.name"))
      name = "'" + n.str() + "'";
    std::string what = llvm::formatv("output {0} ({1})", name, op->getName().stripDialect());
    auto [lo, hi] = std::make_pair(stats->second.lo, stats->second.hi);
    auto [a, b] = range->second;
    if (!(hi >= lo)) {
      warnQuantization(func, op->getLoc(),
                       llvm::formatv("{0} produced no finite value over the {1} calibration "
                                     "sample(s): its int8 range is arbitrary",
                                     what, samples));
    } else if (hi == lo) {
      warnQuantization(func, op->getLoc(),
                       llvm::formatv("{0} is constant ({1}) over all {2} calibration "
                                     "sample(s): its int8 range is degenerate; calibrate on "
                                     "samples that make it vary",
                                     what, g3(lo), samples));
    } else if (b > a && (hi - lo) < kDegenerateSteps * (b - a) / 255) {
      warnQuantization(
          func, op->getLoc(),
          llvm::formatv("the calibration samples drive {0} over [{1}, {2}] only, {3} of "
                        "the 255 int8 steps of its range [{4}, {5}]: the calibration set "
                        "probably lacks the inputs this output responds to (a detector's "
                        "positives); add some, and measure with --eval-inputs",
                        what, g3(lo), g3(hi), g3((hi - lo) * 255 / (b - a)), g3(a), g3(b)));
    }
  }
}

} // namespace

namespace {

/// Per-channel sums of the values a conv2d (NCHW, channel axis 1) or a gemm
/// (A's K columns) reads, for bias correction.
struct ChannelMeans {
  /// The layers whose input means are wanted, by the value they read.
  llvm::DenseMap<Value, SmallVector<Operation *, 1>> readers;
  llvm::DenseMap<Value, std::pair<std::vector<double>, int64_t>> sums;

  explicit ChannelMeans(func::FuncOp func) {
    func.walk([&](Operation *op) {
      if (auto conv = dyn_cast<edge::Conv2DOp>(op))
        readers[conv.getInput()].push_back(op);
      else if (auto gemm = dyn_cast<edge::GemmOp>(op); gemm && !gemm.getTransA())
        readers[gemm.getA()].push_back(op);
    });
  }
  void add(Value v, const Tensor &t) {
    if (!readers.count(v) || !t.isFloat() || t.shape.size() < 2)
      return;
    // [outer, C, inner]: axis 1 of NCHW, or the last axis of a gemm's A.
    bool gemm = isa<edge::GemmOp>(readers[v].front());
    int64_t c = gemm ? t.shape.back() : t.shape[1];
    int64_t inner = gemm ? 1 : t.numElements() / (t.shape[0] * c);
    auto &[sum, count] = sums[v];
    sum.resize(c, 0.0);
    for (int64_t k = 0; k < t.numElements(); ++k)
      if (std::isfinite(t.f[k]))
        sum[(k / inner) % c] += t.f[k];
    count += t.numElements() / c;
  }
  void write() {
    Builder b(readers.empty() ? nullptr : readers.begin()->first.getContext());
    for (auto &[v, sc] : sums) {
      std::vector<double> mean = sc.first;
      for (double &m : mean)
        m /= (double)std::max<int64_t>(sc.second, 1);
      for (Operation *op : readers[v])
        op->setAttr(kChannelMeanAttr, b.getDenseF64ArrayAttr(mean));
    }
  }
};

} // namespace

int64_t rowsRead(Operation *op) {
  auto rec = dyn_cast<edge::RecurrentOp>(op);
  if (!rec)
    return INT64_MAX;
  int64_t rows = cast<ShapedType>(rec.getType()).getShape()[0], used = 0;
  for (Operation *u : rec->getUsers()) {
    auto slice = dyn_cast<edge::SliceOp>(u);
    if (!slice || slice.getSteps()[0] != 1)
      return rows;
    used = std::max(used, slice.getEnds()[0]);
  }
  return std::max<int64_t>(used, 1);
}

LogicalResult calibrate(func::FuncOp func, const std::vector<Sample> &samples,
                        const CalibrationOptions &options) {
  llvm::DenseMap<Operation *, RangeStats> ops;
  std::vector<RangeStats> args(func.getNumArguments());
  std::optional<ChannelMeans> means;
  if (options.channelMeans)
    means.emplace(func);
  bool histograms = options.method != RangeMethod::MinMax;
  for (int pass = 0; pass < (histograms ? 2 : 1); ++pass) {
    Progress progress(options.progress, samples.size());
    for (size_t s = 0; s < samples.size(); ++s) {
      const Sample &sample = samples[s];
      for (size_t k = 0; k < sample.size() && k < args.size(); ++k)
        if (sample[k].isFloat()) {
          pass ? args[k].addHistogram(sample[k]) : args[k].addRange(sample[k]);
          if (means && !pass)
            means->add(func.getArgument(k), sample[k]);
        }
      auto observer = [&](Operation *op, const Tensor &t) {
        if (!t.isFloat() || isa<edge::ConstantOp>(op))
          return;
        if (int64_t rows = rowsRead(op); rows < (t.shape.empty() ? 0 : t.shape[0])) {
          Tensor part = t;
          part.shape[0] = rows;
          part.f.resize(t.numElements() / t.shape[0] * rows);
          pass ? ops[op].addHistogram(part) : ops[op].addRange(part);
          return;
        }
        pass ? ops[op].addHistogram(t) : ops[op].addRange(t);
        if (means && !pass && op->getNumResults() == 1)
          means->add(op->getResult(0), t);
      };
      if (failed(evaluateFunction(func, sample, observer)))
        return failure();
      progress.update(s + 1, pass ? "calibrating (histograms)" : "calibrating");
    }
  }
  llvm::DenseMap<Operation *, std::pair<double, double>> opRanges;
  std::vector<std::pair<double, double>> argRanges(args.size());
  for (auto &[op, stats] : ops)
    opRanges[op] = stats.range(options);
  for (unsigned k = 0; k < args.size(); ++k)
    argRanges[k] = args[k].range(options);
  // A bounded function (sigmoid, tanh, a finite clip) is quantized over its
  // whole image, and its input over the span where it crosses that image:
  // the calibration data may never show the part that matters (a detector's
  // sigmoid calibrated on negatives alone would otherwise never reach 1).
  for (auto &[op, range] : opRanges) {
    auto f = dyn_cast<edge::RealFunctionOpInterface>(op);
    std::optional<std::pair<double, double>> image = f ? f.getRealImage() : std::nullopt;
    if (!image)
      continue;
    range = *image;
    auto span = crossingSpan(f, image->first, image->second);
    if (!span)
      continue;
    Value in = op->getOperand(0);
    std::pair<double, double> *inRange = nullptr;
    if (auto arg = dyn_cast<BlockArgument>(in))
      inRange = &argRanges[arg.getArgNumber()];
    else if (auto it = opRanges.find(in.getDefiningOp()); it != opRanges.end())
      inRange = &it->second;
    if (inRange)
      *inRange = {std::min(inRange->first, span->first), std::max(inRange->second, span->second)};
  }
  if (means)
    means->write();
  warnDegenerateOutputs(func, samples.size(), ops, opRanges);
  Builder b(func.getContext());
  for (auto &[op, range] : opRanges)
    op->setAttr(kRangeAttr, b.getDenseF32ArrayAttr({(float)range.first, (float)range.second}));
  for (unsigned k = 0; k < args.size(); ++k) {
    if (!getElementTypeOrSelf(func.getArgumentTypes()[k]).isF32())
      continue;
    auto [lo, hi] = argRanges[k];
    func.setArgAttr(k, kRangeAttr, b.getDenseF32ArrayAttr({(float)lo, (float)hi}));
  }
  return success();
}

} // namespace edgec::quant
