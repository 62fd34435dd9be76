// Conv2DParams: the geometry of a 2-D convolution layer (NCHW input, OIHW
// weight), shared by the float and int8 kernels.
#pragma once

#include "edgec/runtime.h"

namespace edgec {

struct Conv2DParams {
  int32_t batch, in_c, in_h, in_w;
  int32_t out_c, out_h, out_w;
  int32_t kernel_h, kernel_w;
  int32_t stride_h, stride_w;
  int32_t pad_top, pad_left;
  int32_t dilation_h, dilation_w;
  int32_t groups;
  int32_t tile = 0; ///< output pixels per im2col tile (general float path)
  float act_min = kNoLowerBound, act_max = kNoUpperBound; ///< fused Relu / Clip
};

} // namespace edgec
