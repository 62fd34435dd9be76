//===- Tensor.h - host tensors for the evaluator and tools -------*- C++ -*-===//
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace edgec {

enum class DType { F32, F16, I64, I32, I16, I8, U8, U16, U32, U64, Bool };

const char *dtypeName(DType t);
size_t dtypeSize(DType t);
bool isUnsigned(DType t);
/// IEEE half precision: bits to float (exact), float to bits (round to
/// nearest even, overflow to infinity, NaN kept), and a float rounded to the
/// nearest half. The generated code's edgec::f16 conversions are the same.
float halfToFloat(uint16_t h);
uint16_t floatToHalf(float f);
inline float roundToHalf(float f) { return halfToFloat(floatToHalf(f)); }
/// `v` wrapped to `t`'s width and signedness, as C's conversion to that type
/// does (Bool: v != 0). uint64 values keep their bits (see Tensor::i).
int64_t wrapInteger(DType t, int64_t v);

/// A dense row-major host tensor. Float data lives in `f`, every integer and
/// boolean type in `i` (widened to int64), so the evaluator's arithmetic on
/// shape values is exact; a uint64 element keeps its 64 bits there (values
/// from 2^63 read as negative, and unsigned arithmetic treats them as such).
struct Tensor {
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  std::vector<float> f;
  std::vector<int64_t> i;

  static Tensor zeros(DType t, std::vector<int64_t> shape);
  int64_t numElements() const;
  /// f32 or f16 (whose values, exactly representable in half precision,
  /// live in `f` too).
  bool isFloat() const { return dtype == DType::F32 || dtype == DType::F16; }
  double at(int64_t k) const { return isFloat() ? (double)f[k] : (double)i[k]; }
  /// Row-major bytes in the tensor's own element type.
  std::vector<char> bytes() const;
  static Tensor fromBytes(DType t, std::vector<int64_t> shape, const char *data);
};

std::string shapeToString(const std::vector<int64_t> &shape);
int64_t product(const std::vector<int64_t> &shape);

/// `t` with its dimensions permuted: dimension k of the result is dimension
/// perm[k] of `t` (edge.transpose; the .tflite importer re-lays weights out
/// with it at compile time). `perm` must be a permutation of t's axes.
/// Result axes listed in `reversed` run backwards (a transposed
/// convolution's flipped kernel).
Tensor transposed(const Tensor &t, const std::vector<int64_t> &perm,
                  const std::vector<int64_t> &reversed = {});

/// NaN and infinite elements of a float tensor (both 0 for integer ones):
/// weights and calibration data report them.
struct NonFinite {
  int64_t nan = 0, inf = 0;
  bool any() const { return nan || inf; }
};
NonFinite countNonFinite(const Tensor &t);

} // namespace edgec
