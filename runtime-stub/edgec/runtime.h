// edgec runtime: common definitions for generated code and kernels.
// Dependency-free: only <stdint.h>, <stddef.h>, <string.h>. C++20.
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__GNUC__) || defined(__clang__)
#define EDGEC_RESTRICT __restrict__
#define EDGEC_ALWAYS_INLINE inline __attribute__((always_inline))
#define EDGEC_NOINLINE __attribute__((noinline))
/// After a lambda's parameter list: inline it wherever it is called.
#define EDGEC_LAMBDA_INLINE __attribute__((always_inline))
#else
#define EDGEC_RESTRICT
#define EDGEC_ALWAYS_INLINE inline
#define EDGEC_NOINLINE
#define EDGEC_LAMBDA_INLINE
#endif

namespace edgec {

/// Status codes returned by generated entry points.
enum Status : int {
  kOk = 0,
  kErrorArenaAlignment = 1, ///< the arena is not aligned to <NAME>_ARENA_ALIGNMENT
  kErrorNullPointer = 2,    ///< an input, output or arena pointer is null
};

inline constexpr int kMaxRank = 6;

/// An IEEE half-precision value, as stored in f16 tensors (edgec computes in
/// float; Cast converts). A struct, not _Float16 / __fp16, so every toolchain
/// and target takes it the same way.
struct f16 {
  uint16_t bits;
};

/// Exact widening of a half to float.
inline float f16_to_float(f16 h) {
  uint32_t sign = static_cast<uint32_t>(h.bits & 0x8000u) << 16, exp = (h.bits >> 10) & 0x1fu,
           man = h.bits & 0x3ffu, bits;
  if (exp == 0x1f) {
    bits = sign | 0x7f800000u | (man << 13);
  } else if (exp != 0) {
    bits = sign | ((exp + 112) << 23) | (man << 13);
  } else if (man == 0) {
    bits = sign;
  } else {
    uint32_t shift = 0;
    while (!(man & 0x400u)) {
      man <<= 1;
      ++shift;
    }
    bits = sign | ((113 - shift) << 23) | ((man & 0x3ffu) << 13);
  }
  float f;
  memcpy(&f, &bits, 4);
  return f;
}

/// Float to half, rounding to nearest even (overflow to infinity, NaN kept).
inline f16 float_to_f16(float f) {
  uint32_t x;
  memcpy(&x, &f, 4);
  const uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000u);
  const uint32_t exp = (x >> 23) & 0xffu;
  uint32_t man = x & 0x7fffffu;
  if (exp == 0xff)
    return {static_cast<uint16_t>(sign | 0x7c00u | (man ? 0x200u | (man >> 13) : 0u))};
  const int32_t e = static_cast<int32_t>(exp) - 127 + 15;
  if (e >= 0x1f)
    return {static_cast<uint16_t>(sign | 0x7c00u)};
  if (e <= 0) {
    if (e < -10)
      return {sign};
    man |= 0x800000u;
    const uint32_t shift = static_cast<uint32_t>(14 - e);
    uint32_t half = man >> shift;
    const uint32_t rest = man & ((1u << shift) - 1), mid = 1u << (shift - 1);
    if (rest > mid || (rest == mid && (half & 1u)))
      ++half;
    return {static_cast<uint16_t>(sign | half)};
  }
  uint32_t half = (static_cast<uint32_t>(e) << 10) | (man >> 13);
  const uint32_t rest = man & 0x1fffu;
  if (rest > 0x1000u || (rest == 0x1000u && (half & 1u)))
    ++half;
  return {static_cast<uint16_t>(sign | half)};
}

template <typename T> EDGEC_ALWAYS_INLINE constexpr T min_of(T a, T b) { return a < b ? a : b; }
template <typename T> EDGEC_ALWAYS_INLINE constexpr T max_of(T a, T b) { return a > b ? a : b; }

/// Bounds of an activation fused into a layer (act_min / act_max in the IR);
/// +-infinity means unbounded.
inline constexpr float kNoLowerBound = -__builtin_huge_valf();
inline constexpr float kNoUpperBound = __builtin_huge_valf();

constexpr bool has_clamp(float lo, float hi) { return lo > kNoLowerBound || hi < kNoUpperBound; }

/// y = min(max(y, lo), hi) elementwise; NaN stays NaN.
inline void clamp_f32(float *EDGEC_RESTRICT y, ptrdiff_t n, float lo, float hi) {
  for (ptrdiff_t i = 0; i < n; ++i)
    y[i] = y[i] < lo ? lo : (y[i] > hi ? hi : y[i]);
}

/// Ceiling of a / b for b > 0 and any a (constant-evaluated in kernels).
EDGEC_ALWAYS_INLINE constexpr ptrdiff_t ceil_div(ptrdiff_t a, ptrdiff_t b) {
  return a >= 0 ? (a + b - 1) / b : -((-a) / b);
}

} // namespace edgec
