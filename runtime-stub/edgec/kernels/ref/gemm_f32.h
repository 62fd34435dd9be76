// gemm_f32: the blocked float GEMM core shared by convolution, Gemm and MatMul.
//
// C[m][n] = sum_k A(m, k) * B(k, n) (+ bias), all row-major with leading
// dimensions. The micro-kernel keeps an MR x NR block of C in registers and
// streams contiguous rows of B, which the compiler vectorizes.
#pragma once

#include "edgec/runtime.h"

namespace edgec {
namespace detail {

inline constexpr int kGemmMR = 4;
inline constexpr int kGemmNR = 16;

/// Full MR x NR block. `row_bias` (may be null) is added per row of C.
template <int MR, int NR>
EDGEC_ALWAYS_INLINE void gemm_block(int32_t K, const float *EDGEC_RESTRICT A, int32_t lda,
                                    const float *EDGEC_RESTRICT B, int32_t ldb,
                                    float *EDGEC_RESTRICT C, int32_t ldc,
                                    const float *EDGEC_RESTRICT row_bias, bool accumulate) {
  float acc[MR][NR];
  for (int i = 0; i < MR; ++i)
    for (int j = 0; j < NR; ++j)
      acc[i][j] = accumulate ? C[i * ldc + j] : (row_bias ? row_bias[i] : 0.f);
  for (int32_t k = 0; k < K; ++k) {
    const float *b = B + k * ldb;
    for (int i = 0; i < MR; ++i) {
      const float a = A[i * lda + k];
      for (int j = 0; j < NR; ++j)
        acc[i][j] += a * b[j];
    }
  }
  for (int i = 0; i < MR; ++i)
    for (int j = 0; j < NR; ++j)
      C[i * ldc + j] = acc[i][j];
}

/// Edge block with run-time extents mr <= MR, nr <= NR.
inline void gemm_edge(int32_t mr, int32_t nr, int32_t K, const float *EDGEC_RESTRICT A,
                      int32_t lda, const float *EDGEC_RESTRICT B, int32_t ldb,
                      float *EDGEC_RESTRICT C, int32_t ldc, const float *EDGEC_RESTRICT row_bias,
                      bool accumulate) {
  for (int32_t i = 0; i < mr; ++i)
    for (int32_t j = 0; j < nr; ++j) {
      float acc = accumulate ? C[i * ldc + j] : (row_bias ? row_bias[i] : 0.f);
      for (int32_t k = 0; k < K; ++k)
        acc += A[i * lda + k] * B[k * ldb + j];
      C[i * ldc + j] = acc;
    }
}

} // namespace detail

/// C[M x N] = A[M x K] * B[K x N] (+ row_bias[M]). Row-major, B rows contiguous.
inline void gemm_nn_f32(int32_t M, int32_t N, int32_t K, const float *EDGEC_RESTRICT A,
                        int32_t lda, const float *EDGEC_RESTRICT B, int32_t ldb,
                        float *EDGEC_RESTRICT C, int32_t ldc, const float *EDGEC_RESTRICT row_bias,
                        bool accumulate = false) {
  using namespace detail;
  int32_t m = 0;
  for (; m + kGemmMR <= M; m += kGemmMR) {
    const float *bias = row_bias ? row_bias + m : nullptr;
    int32_t n = 0;
    for (; n + kGemmNR <= N; n += kGemmNR)
      gemm_block<kGemmMR, kGemmNR>(K, A + m * lda, lda, B + n, ldb, C + m * ldc + n, ldc, bias,
                                   accumulate);
    if (n < N)
      gemm_edge(kGemmMR, N - n, K, A + m * lda, lda, B + n, ldb, C + m * ldc + n, ldc, bias,
                accumulate);
  }
  for (; m < M; ++m) {
    const float *bias = row_bias ? row_bias + m : nullptr;
    int32_t n = 0;
    for (; n + kGemmNR <= N; n += kGemmNR)
      gemm_block<1, kGemmNR>(K, A + m * lda, lda, B + n, ldb, C + m * ldc + n, ldc, bias,
                             accumulate);
    if (n < N)
      gemm_edge(1, N - n, K, A + m * lda, lda, B + n, ldb, C + m * ldc + n, ldc, bias,
                accumulate);
  }
}

/// C[M x N] = A[M x K] * B^T where B is stored [N x K] (fully-connected layers):
/// each output is a dot product of two contiguous rows; four at a time.
inline void gemm_nt_f32(int32_t M, int32_t N, int32_t K, const float *EDGEC_RESTRICT A,
                        int32_t lda, const float *EDGEC_RESTRICT B, int32_t ldb,
                        float *EDGEC_RESTRICT C, int32_t ldc) {
  for (int32_t m = 0; m < M; ++m) {
    const float *a = A + static_cast<ptrdiff_t>(m) * lda;
    int32_t n = 0;
    for (; n + 4 <= N; n += 4) {
      const float *b0 = B + static_cast<ptrdiff_t>(n) * ldb, *b1 = b0 + ldb, *b2 = b1 + ldb, *b3 = b2 + ldb;
      float s0[8] = {}, s1[8] = {}, s2[8] = {}, s3[8] = {};
      int32_t k = 0;
      for (; k + 8 <= K; k += 8)
        for (int u = 0; u < 8; ++u) {
          s0[u] += a[k + u] * b0[k + u];
          s1[u] += a[k + u] * b1[k + u];
          s2[u] += a[k + u] * b2[k + u];
          s3[u] += a[k + u] * b3[k + u];
        }
      float t0 = 0, t1 = 0, t2 = 0, t3 = 0;
      for (int u = 0; u < 8; ++u) {
        t0 += s0[u];
        t1 += s1[u];
        t2 += s2[u];
        t3 += s3[u];
      }
      for (; k < K; ++k) {
        t0 += a[k] * b0[k];
        t1 += a[k] * b1[k];
        t2 += a[k] * b2[k];
        t3 += a[k] * b3[k];
      }
      C[static_cast<ptrdiff_t>(m) * ldc + n] = t0;
      C[static_cast<ptrdiff_t>(m) * ldc + n + 1] = t1;
      C[static_cast<ptrdiff_t>(m) * ldc + n + 2] = t2;
      C[static_cast<ptrdiff_t>(m) * ldc + n + 3] = t3;
    }
    for (; n < N; ++n) {
      const float *b = B + static_cast<ptrdiff_t>(n) * ldb;
      float t = 0;
      for (int32_t k = 0; k < K; ++k)
        t += a[k] * b[k];
      C[static_cast<ptrdiff_t>(m) * ldc + n] = t;
    }
  }
}

} // namespace edgec
