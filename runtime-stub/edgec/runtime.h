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
#else
#define EDGEC_RESTRICT
#define EDGEC_ALWAYS_INLINE inline
#define EDGEC_NOINLINE
#endif

namespace edgec {

/// Status codes returned by generated entry points.
enum Status : int {
  kOk = 0,
  kErrorArenaAlignment = 1, ///< the arena is not 16-byte aligned
  kErrorNullPointer = 2,    ///< an input, output or arena pointer is null
};

inline constexpr int kMaxRank = 6;

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
