//===- Tensor.h - host tensors for the evaluator and tools -------*- C++ -*-===//
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace edgec {

/// BF16 and the F8* are storage floats (values in Tensor::f, exactly
/// representable in their type); I4/U4/I2/U2 are 4- and 2-bit integers held
/// one per byte (runtime-stub/edgec/narrow_types.h has their layouts).
enum class DType {
  F32, F16, I64, I32, I16, I8, U8, U16, U32, U64, Bool,
  BF16, F8E4M3FN, F8E4M3FNUZ, F8E5M2, F8E5M2FNUZ, I4, U4, I2, U2
};

const char *dtypeName(DType t);
size_t dtypeSize(DType t);
bool isUnsigned(DType t);
/// IEEE half precision: bits to float (exact), float to bits (round to
/// nearest even, overflow to infinity, NaN kept), and a float rounded to the
/// nearest half. The generated code's edgec::f16 conversions are the same.
float halfToFloat(uint16_t h);
uint16_t floatToHalf(float f);
inline float roundToHalf(float f) { return halfToFloat(floatToHalf(f)); }
/// F16, BF16 or one of the float8 types.
bool isNarrowFloat(DType t);
/// A float's bits in narrow float type `t`, rounded to nearest even as ONNX
/// Cast does (`saturate` applies to the float8 types), and back (exact).
uint32_t narrowFloatBits(DType t, float f, bool saturate = true);
float narrowFloatValue(DType t, uint32_t bits);
/// `f` converted to narrow float type `t` and back.
inline float roundToNarrow(DType t, float f, bool saturate = true) {
  return narrowFloatValue(t, narrowFloatBits(t, f, saturate));
}
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
  /// f32 or a narrow float (whose values, exactly representable in their
  /// type, live in `f` too).
  bool isFloat() const { return dtype == DType::F32 || isNarrowFloat(dtype); }
  double at(int64_t k) const { return isFloat() ? (double)f[k] : (double)i[k]; }
  /// Row-major bytes in the tensor's own element type.
  std::vector<char> bytes() const;
  static Tensor fromBytes(DType t, std::vector<int64_t> shape, const char *data);
};

/// .npy has no bfloat16, float8 or 4- / 2-bit integer dtype: such tensors
/// travel as float32 (the exact values) and int8 / uint8 (one element each).
/// `npyCarrier(t)` is the dtype a tensor of type `t` is read from and written
/// as; `fromCarrier` converts a carrier tensor to `t` (float values rounded
/// as Cast with saturation; integers must be in range, else `why` says which
/// is not and nullopt is returned), `toCarrier` the other way (exact).
DType npyCarrier(DType t);
std::optional<Tensor> fromCarrier(const Tensor &carrier, DType t, std::string &why);
Tensor toCarrier(const Tensor &t);

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
