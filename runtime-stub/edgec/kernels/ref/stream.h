// A chain of layers run a band of rows at a time (edgec's streams; the
// compiler's side: passes/Memory/Stream.h). Every layer but the last keeps
// only the band of its output rows that the next one still reads: C channels
// of Rows rows of W elements, the band's first row being some row lo of the
// layer's output. At each step a layer moves the rows it keeps to the band's
// top, then computes its new rows below them (conv2d_s8_dsp_rows); the last
// layer, when it is an element-wise one, runs on the rows of its step.
#pragma once

#include "edgec/runtime.h"

namespace edgec {

/// Moves rows [lo, from) of a band whose first row was row old_lo to the
/// band's top, so that its first row is row lo.
template <ptrdiff_t C, ptrdiff_t Rows, ptrdiff_t W>
inline void stream_keep(int8_t *band, ptrdiff_t old_lo, ptrdiff_t lo, ptrdiff_t from) {
  if (lo == old_lo || from <= lo)
    return;
  for (ptrdiff_t c = 0; c < C; ++c)
    memmove(band + c * Rows * W, band + c * Rows * W + (lo - old_lo) * W,
            static_cast<size_t>((from - lo) * W));
}

/// y = Op(a, b) (an int8 functor of elementwise_s8.h) on n elements of each
/// of C channels; a, b and y step AS, BS and YS elements from one channel to
/// the next. In place: y may be a or b with the same steps (element i is
/// read before y[i] is written).
template <typename Op, ptrdiff_t C, ptrdiff_t AS, ptrdiff_t BS, ptrdiff_t YS>
inline void stream_binary_rows(const int8_t *a, const int8_t *b, int8_t *y, ptrdiff_t n) {
  for (ptrdiff_t c = 0; c < C; ++c) {
    const int8_t *ac = a + c * AS, *bc = b + c * BS;
    int8_t *yc = y + c * YS;
    for (ptrdiff_t i = 0; i < n; ++i)
      yc[i] = Op::apply(ac[i], bc[i]);
  }
}

} // namespace edgec
