// fc_f32 / matmul_f32: ONNX Gemm and MatMul on the shared GEMM core.
#pragma once

#include "edgec/kernels/ref/gemm_f32.h"

namespace edgec {

/// Y[M x N] = alpha * A' * B' + beta * C. A' is A or A^T (trans_a), B' likewise.
/// C (may be null) is read as c[m * c_stride_m + n * c_stride_n], strides 0 on
/// broadcast dimensions.
struct GemmParams {
  int32_t m, n, k;
  bool trans_a, trans_b;
  float alpha, beta;
  int32_t c_stride_m, c_stride_n;
  float act_min = kNoLowerBound, act_max = kNoUpperBound; ///< fused Relu / Clip
};

template <const GemmParams &P>
inline void fc_f32(const float *EDGEC_RESTRICT a, const float *EDGEC_RESTRICT b,
                   const float *EDGEC_RESTRICT c, float *EDGEC_RESTRICT y) {
  if constexpr (!P.trans_a && P.trans_b) {
    gemm_nt_f32(P.m, P.n, P.k, a, P.k, b, P.k, y, P.n);
  } else if constexpr (!P.trans_a && !P.trans_b) {
    gemm_nn_f32(P.m, P.n, P.k, a, P.k, b, P.n, y, P.n, nullptr);
  } else {
    // Transposed A: rare in exported models; plain loops with strides.
    for (ptrdiff_t i = 0; i < P.m; ++i)
      for (ptrdiff_t j = 0; j < P.n; ++j) {
        float acc = 0.f;
        for (ptrdiff_t q = 0; q < P.k; ++q) {
          const float av = P.trans_a ? a[q * P.m + i] : a[i * P.k + q];
          const float bv = P.trans_b ? b[j * P.k + q] : b[q * P.n + j];
          acc += av * bv;
        }
        y[i * P.n + j] = acc;
      }
  }
  if constexpr (P.alpha != 1.f)
    for (ptrdiff_t i = 0; i < P.m * P.n; ++i)
      y[i] *= P.alpha;
  if (c)
    for (ptrdiff_t i = 0; i < P.m; ++i)
      for (ptrdiff_t j = 0; j < P.n; ++j)
        y[i * P.n + j] += P.beta * c[i * P.c_stride_m + j * P.c_stride_n];
  if constexpr (has_clamp(P.act_min, P.act_max))
    clamp_f32(y, static_cast<ptrdiff_t>(P.m) * P.n, P.act_min, P.act_max);
}

/// Batched MatMul: batch b multiplies a + a_offsets[b] by b + b_offsets[b]
/// (element offsets precomputed by the compiler for numpy broadcasting).
struct MatMulParams {
  int32_t batch, m, n, k;
  const int32_t *a_offsets;
  const int32_t *b_offsets;
  float act_min = kNoLowerBound, act_max = kNoUpperBound; ///< fused Relu / Clip
};

template <const MatMulParams &P>
inline void matmul_f32(const float *EDGEC_RESTRICT a, const float *EDGEC_RESTRICT b,
                       float *EDGEC_RESTRICT y) {
  for (ptrdiff_t i = 0; i < P.batch; ++i)
    gemm_nn_f32(P.m, P.n, P.k, a + P.a_offsets[i], P.k, b + P.b_offsets[i], P.n,
                y + i * P.m * P.n, P.n, nullptr);
  if constexpr (has_clamp(P.act_min, P.act_max))
    clamp_f32(y, static_cast<ptrdiff_t>(P.batch) * P.m * P.n, P.act_min, P.act_max);
}

} // namespace edgec
