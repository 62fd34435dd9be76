// Helium (MVE; Cortex-M55, M85) forms of the int8 kernels' fixed-point
// output stage: requantize() of quant.h on four int32 lanes, each lane with
// its own or a compile-time multiplier and shift, and the same output stage
// (zero point, activation clamp) as OutputStageS8. Bit-exact with the scalar
// forms for every input (docs/numerics.md, "Helium requantization"):
//
//   left shift   VQSHL: saturating, as requantize's saturated x * 2^shift;
//   multiply     VQRDMULH: (2 x M + 2^31) >> 32 saturated, which is
//                saturating_rounding_doubling_high_mul's (x M + 2^30) >> 31;
//   right shift  VRSHL by -e rounds ties up: (v + 2^(e-1)) >> e, computed
//                without overflow. rounding_divide_by_pot rounds ties away
//                from zero, so a negative v first loses one (VQADD of the
//                sign, taken as (v & shift) >> 31: shift < 0 has the sign bit
//                set, shift = 0 gives 0); floor((v - 1 + 2^(e-1)) / 2^e) is
//                the away-from-zero rounding for v < 0.
//
// Only the Helium build defines EDGEC_HAVE_MVE; the kernels keep their scalar
// paths for every other core.
#pragma once

#include "edgec/quant.h"
#include "edgec/runtime.h"

#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1)
#include <arm_mve.h>
#define EDGEC_HAVE_MVE 1

namespace edgec::mve {

/// requantize(x[i], mult[i], shift[i]) on four lanes. RightOnly: every
/// shift is at most 0 (Conv2DS8Params::right_shift), no left shift needed.
template <bool RightOnly>
EDGEC_ALWAYS_INLINE int32x4_t requantize_x4(int32x4_t x, int32x4_t mult, int32x4_t shift) {
  int32x4_t right = shift;
  if constexpr (!RightOnly) {
    x = vqshlq_s32(x, vmaxq_s32(shift, vdupq_n_s32(0)));
    right = vminq_s32(shift, vdupq_n_s32(0));
  }
  const int32x4_t h = vqrdmulhq_s32(x, mult);
  return vrshlq_s32(vqaddq_s32(h, vshrq_n_s32(vandq_s32(h, right), 31)), right);
}

/// requantize(x[i], M, S) on four lanes for a multiplier and shift known at
/// compile time (requantize_const's vector twin).
template <int32_t M, int32_t S> EDGEC_ALWAYS_INLINE int32x4_t requantize_const_x4(int32x4_t x) {
  static_assert(S >= -31 && S <= 30, "requantize's shift range");
  if constexpr (S > 0)
    return vqrdmulhq_n_s32(vqshlq_n_s32(x, S), M);
  else if constexpr (S == 0)
    return vqrdmulhq_n_s32(x, M);
  else {
    const int32x4_t h = vqrdmulhq_n_s32(x, M);
    return vrshrq_n_s32(vqaddq_s32(h, vshrq_n_s32(h, 31)), -S);
  }
}

/// v + Zero clamped to [Lo, Hi]: the int8 output stage after requantize
/// (OutputStageS8's zero point and saturation).
template <int32_t Zero, int32_t Lo, int32_t Hi>
EDGEC_ALWAYS_INLINE int32x4_t output_x4(int32x4_t v) {
  v = vaddq_n_s32(v, Zero);
  return vminq_s32(vmaxq_s32(v, vdupq_n_s32(Lo)), vdupq_n_s32(Hi));
}

/// dst[i] = src[i] for i < n, 16 bytes per step, the last step under VCTP.
EDGEC_ALWAYS_INLINE void copy_s8(int8_t *EDGEC_RESTRICT dst, const int8_t *EDGEC_RESTRICT src,
                                 ptrdiff_t n) {
  for (ptrdiff_t i = 0; i < n; i += 16) {
    const mve_pred16_t p = vctp8q(static_cast<uint32_t>(n - i));
    vstrbq_p_s8(dst + i, vldrbq_z_s8(src + i, p), p);
  }
}

/// dst[i] = v for i < n, 16 bytes per step.
EDGEC_ALWAYS_INLINE void fill_s8(int8_t *dst, int8_t v, ptrdiff_t n) {
  const int8x16_t d = vdupq_n_s8(v);
  for (ptrdiff_t i = 0; i < n; i += 16)
    vstrbq_p_s8(dst + i, d, vctp8q(static_cast<uint32_t>(n - i)));
}

} // namespace edgec::mve
#endif
