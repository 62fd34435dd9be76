// edgec runtime: the narrow storage types of ONNX (bfloat16, the float8
// family, 4- and 2-bit integers), their bit layouts and exact conversions.
// Dependency-free (<stdint.h>, <string.h>), C++20. The compiler's evaluator
// and constant folding use these same functions (compiler/support/Tensor.cpp),
// so the generated code and the oracle cannot disagree on a conversion.
//
// Each is a storage type: Cast converts to and from it, data movement copies
// it, every other op computes on float (or int8) after a Cast. A tensor holds
// one element per byte (per two bytes for bfloat16): the 4- and 2-bit
// integers are unpacked, each a sign- or zero-extended value.
#pragma once

#include <stdint.h>
#include <string.h>

namespace edgec {

/// How a narrow float format spends its top exponent and the sign of zero:
///  ieee  the all-ones exponent is infinity (mantissa 0) or NaN (bfloat16,
///        float8e5m2);
///  fn    no infinity; only the all-ones code (per sign) is NaN (float8e4m3fn);
///  fnuz  no infinity, no negative zero; the code of -0 is the one NaN
///        (float8e4m3fnuz, float8e5m2fnuz).
enum class FloatKind { ieee, fn, fnuz };

/// A binary float format of 1 sign, E exponent (bias B) and M mantissa bits.
template <int E, int M, int B, FloatKind K> struct FloatFormat {
  static constexpr int kExponentBits = E, kMantissaBits = M, kBias = B;
  static constexpr FloatKind kKind = K;
  static constexpr uint32_t kSign = 1u << (E + M);
  static constexpr uint32_t kExpMask = ((1u << E) - 1) << M;
  static constexpr uint32_t kManMask = (1u << M) - 1;
  /// The largest finite magnitude's code.
  static constexpr uint32_t kMaxCode = K == FloatKind::ieee ? kExpMask - 1
                                       : K == FloatKind::fn ? (kExpMask | kManMask) - 1
                                                            : kExpMask | kManMask;
};

using Bf16Format = FloatFormat<8, 7, 127, FloatKind::ieee>;
using F8E4M3FNFormat = FloatFormat<4, 3, 7, FloatKind::fn>;
using F8E4M3FNUZFormat = FloatFormat<4, 3, 8, FloatKind::fnuz>;
using F8E5M2Format = FloatFormat<5, 2, 15, FloatKind::ieee>;
using F8E5M2FNUZFormat = FloatFormat<5, 2, 16, FloatKind::fnuz>;

/// The exact float value of a code of format F.
template <typename F> inline float narrow_to_float(uint32_t code) {
  constexpr int M = F::kMantissaBits;
  const uint32_t sign = (code & F::kSign) ? 0x80000000u : 0u;
  const uint32_t exp = (code & F::kExpMask) >> M, man = code & F::kManMask;
  uint32_t bits;
  if constexpr (F::kKind == FloatKind::fnuz) {
    if (code == F::kSign)
      return __builtin_nanf("");
  } else if constexpr (F::kKind == FloatKind::fn) {
    if ((code & ~F::kSign) == (F::kExpMask | F::kManMask))
      return sign ? -__builtin_nanf("") : __builtin_nanf("");
  } else {
    if (exp == (F::kExpMask >> M)) {
      bits = sign | 0x7f800000u | (man << (23 - M));
      float f;
      memcpy(&f, &bits, 4);
      return f;
    }
  }
  if (exp == 0) {
    // man * 2^(1 - B - M): exact in float (a subnormal float for bfloat16).
    float f = static_cast<float>(man);
    int e = 1 - F::kBias - M;
    for (; e < -126; e += 126)
      f *= 1.1754943508222875e-38f; // 2^-126
    bits = static_cast<uint32_t>(e + 127) << 23;
    float scale;
    memcpy(&scale, &bits, 4);
    f *= scale;
    return sign ? -f : f;
  }
  bits = sign | (static_cast<uint32_t>(static_cast<int>(exp) - F::kBias + 127) << 23) |
         (man << (23 - M));
  float f;
  memcpy(&f, &bits, 4);
  return f;
}

/// A float to format F, rounding to nearest even. Beyond the largest finite
/// value (after rounding) and at infinity: the largest finite value of that
/// sign when `saturate` (float8 formats only), else infinity (ieee) or NaN
/// (fn, fnuz). NaN stays NaN
/// (ieee: quiet, with the high mantissa bits kept). ONNX Cast's rules.
template <typename F> inline uint32_t float_to_narrow(float value, bool saturate) {
  constexpr int M = F::kMantissaBits, B = F::kBias;
  saturate = saturate && F::kExponentBits + M == 7; // ONNX: the float8 types only
  uint32_t x;
  memcpy(&x, &value, 4);
  const uint32_t sign = (x & 0x80000000u) ? F::kSign : 0u;
  const uint32_t a = x & 0x7fffffffu;
  const uint32_t nan = F::kKind == FloatKind::fnuz ? F::kSign
                       : F::kKind == FloatKind::fn
                           ? sign | F::kExpMask | F::kManMask
                           : sign | F::kExpMask | (1u << (M - 1)) | ((a & 0x7fffffu) >> (23 - M));
  const uint32_t overflow = saturate                      ? sign | F::kMaxCode
                            : F::kKind == FloatKind::ieee ? sign | F::kExpMask
                                                          : nan;
  if (a > 0x7f800000u)
    return nan;
  if (a == 0x7f800000u)
    return overflow;
  if (a == 0)
    return F::kKind == FloatKind::fnuz ? 0u : sign;
  // a = s * 2^p with s < 2^24; the result's quantum is 2^q.
  const int e32 = static_cast<int>(a >> 23);
  const uint32_t s = e32 ? (a & 0x7fffffu) | 0x800000u : a & 0x7fffffu;
  const int p = (e32 ? e32 : 1) - 150;
  const int log2 = e32 ? e32 - 127 : (31 - __builtin_clz(s)) - 149;
  const int q = log2 - M > 1 - B - M ? log2 - M : 1 - B - M;
  const int shift = q - p; // > 0: every format here is narrower than float
  uint32_t r = 0;
  if (shift < 32) {
    r = s >> shift;
    const uint32_t rest = s & ((1u << shift) - 1), half = 1u << (shift - 1);
    if (rest > half || (rest == half && (r & 1u)))
      ++r;
  }
  if (r == 0)
    return F::kKind == FloatKind::fnuz ? 0u : sign;
  uint32_t code;
  if (r < (1u << M)) {
    code = r; // subnormal (q is the smallest quantum)
  } else {
    int eq = q;
    if (r == (2u << M)) { // rounding carried into the next binade
      r >>= 1;
      ++eq;
    }
    const int exp = eq + M + B;
    if (exp >= (1 << F::kExponentBits))
      return overflow;
    code = (static_cast<uint32_t>(exp) << M) | (r - (1u << M));
  }
  if (code > F::kMaxCode)
    return overflow;
  return sign | code;
}

/// The storage types, as tensors hold them. Structs, so that a Cast's element
/// conversion is chosen by type and every toolchain lays them out the same.
struct bf16 {
  uint16_t bits;
};
struct f8e4m3fn {
  uint8_t bits;
};
struct f8e4m3fnuz {
  uint8_t bits;
};
struct f8e5m2 {
  uint8_t bits;
};
struct f8e5m2fnuz {
  uint8_t bits;
};
/// 4- and 2-bit integers, unpacked: the value sign- (int) or zero- (uint)
/// extended to a byte.
struct int4 {
  int8_t value;
};
struct uint4 {
  uint8_t value;
};
struct int2 {
  int8_t value;
};
struct uint2 {
  uint8_t value;
};

template <typename T> struct NarrowFloatTraits;
template <> struct NarrowFloatTraits<bf16> { using Format = Bf16Format; using Bits = uint16_t; };
template <> struct NarrowFloatTraits<f8e4m3fn> { using Format = F8E4M3FNFormat; using Bits = uint8_t; };
template <> struct NarrowFloatTraits<f8e4m3fnuz> { using Format = F8E4M3FNUZFormat; using Bits = uint8_t; };
template <> struct NarrowFloatTraits<f8e5m2> { using Format = F8E5M2Format; using Bits = uint8_t; };
template <> struct NarrowFloatTraits<f8e5m2fnuz> { using Format = F8E5M2FNUZFormat; using Bits = uint8_t; };

template <typename T, typename = void> inline constexpr bool is_narrow_float = false;
template <typename T>
inline constexpr bool is_narrow_float<T, decltype(void(sizeof(NarrowFloatTraits<T>)))> = true;

template <typename T> inline float narrow_float_value(T v) {
  return narrow_to_float<typename NarrowFloatTraits<T>::Format>(v.bits);
}
template <typename T> inline T to_narrow_float(float f, bool saturate) {
  using Traits = NarrowFloatTraits<T>;
  return {static_cast<typename Traits::Bits>(float_to_narrow<typename Traits::Format>(f, saturate))};
}

/// Bits of the sub-byte integers, and C's wrap-around conversion to them.
template <typename T> struct SubByteTraits;
template <> struct SubByteTraits<int4> { static constexpr int kBits = 4; static constexpr bool kSigned = true; };
template <> struct SubByteTraits<uint4> { static constexpr int kBits = 4; static constexpr bool kSigned = false; };
template <> struct SubByteTraits<int2> { static constexpr int kBits = 2; static constexpr bool kSigned = true; };
template <> struct SubByteTraits<uint2> { static constexpr int kBits = 2; static constexpr bool kSigned = false; };

template <typename T, typename = void> inline constexpr bool is_sub_byte = false;
template <typename T>
inline constexpr bool is_sub_byte<T, decltype(void(sizeof(SubByteTraits<T>)))> = true;

/// `v` modulo 2^bits, as a signed or unsigned value of that width.
template <typename T> inline T wrap_sub_byte(int64_t v) {
  constexpr int kBits = SubByteTraits<T>::kBits;
  const uint32_t low = static_cast<uint32_t>(static_cast<uint64_t>(v) & ((1u << kBits) - 1));
  if constexpr (SubByteTraits<T>::kSigned)
    return {static_cast<int8_t>(low >= (1u << (kBits - 1)) ? static_cast<int32_t>(low) - (1 << kBits)
                                                          : static_cast<int32_t>(low))};
  else
    return {static_cast<uint8_t>(low)};
}

} // namespace edgec
