//===- Passes.td - fusion and graph simplification passes ------*- tablegen -*-===//
//
// Run between import and quantization / memory planning. Each pass is exact
// (up to float rounding of folded constants) and keeps the ONNX node names of
// everything it merges in `edge.fused` on the surviving op.
//
//===----------------------------------------------------------------------===//

#ifndef EDGEC_PASSES_FUSION_PASSES_TD
#define EDGEC_PASSES_FUSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def CollapseReshapesPass : Pass<"edge-collapse-reshapes", "::mlir::func::FuncOp"> {
  let summary = "Collapse chains of reshapes and drop reshapes that change nothing";
  let description = [{
    `reshape(reshape(x))` becomes `reshape(x)` and a reshape to the operand's
    own type disappears. ONNX Flatten, Squeeze, Unsqueeze and Reshape all
    import as `edge.reshape`, and 1-D convolutions leave pairs of them; after
    this pass at most one view separates two compute ops. (Identity and
    Dropout never reach the IR: the importer maps them to their input.) A
    transpose that moves only axes of size 1 keeps every element where it
    is: it becomes a reshape, a view instead of a copy. Two transposes in a
    row compose (to nothing when they are inverse: the layout pairs of an
    imported .tflite model), and a pad reading a transpose alone moves in
    front of it, so the transposes around it meet.
  }];
}

def FoldBatchNormPass : Pass<"edge-fold-batch-norm", "::mlir::func::FuncOp"> {
  let summary = "Fold BatchNormalization into the preceding Conv or Gemm";
  let description = [{
    `batch_norm(conv2d(x, W, b))` becomes `conv2d(x, W * s, b * s + t)` with
    `s = scale / sqrt(var + eps)` and `t = bias - mean * s` computed in double
    per output channel; likewise for `gemm` (channels are the columns of its
    result). Applies when the producer has no other user, no fused clamp, and
    constant weights, bias and statistics. A batch norm that cannot be folded
    stays and is executed as a per-channel affine transform.
  }];
}

def FoldPadPass : Pass<"edge-fold-pad", "::mlir::func::FuncOp"> {
  let summary = "Fold constant Pad into the padding of Conv and pooling";
  let description = [{
    A non-negative constant pad of the two spatial dimensions of an NCHW
    tensor is added to the `pads` of a consuming `conv2d` (pad value 0), an
    `avg_pool2d` (pad value 0; the pool then counts padded positions, which is
    what it did when the zeros were real data) or a `max_pool2d` (pad value
    -inf). With `ceil_mode` the fold only happens when the output shape is
    unchanged. The pad op disappears when no other op reads it. A pad of
    quantized data that a convolution reads through a dequantize (a .tflite
    PAD, filling with the zero point: real 0) folds the same way.
  }];
}

def FuseActivationPass : Pass<"edge-fuse-activation", "::mlir::func::FuncOp"> {
  let summary = "Fuse Relu and Clip into the producing op as an output clamp";
  let description = [{
    `relu(y)` and `clip(y, lo, hi)` where `y` comes from `conv2d`, `gemm`,
    `matmul` or an elementwise `add`/`sub`/`mul` with no other user become the
    clamp attributes `act_min` / `act_max` of that producer (intersected with
    a clamp already there). The kernels apply the clamp as they store; the
    int8 path turns it into a narrower saturation range. LeakyRelu and other
    activations stay separate ops.
  }];
}

def FuseHardSwishPass : Pass<"edge-fuse-hard-swish", "::mlir::func::FuncOp"> {
  let summary = "Fuse an exported hard-swish, x * clip(x + 3, 0, 6) / 6, into edge.hard_swish";
  let description = [{
    Exporters that predate ONNX's HardSwish write it as `Add(x, 3)`,
    `Clip(0, 6)`, `Mul(x, .)` and `Div(., 6)` (or `Mul(., 1/6)`, either
    side), or as `x * (clip(x + 3, 0, 6) / 6)`. When every intermediate has
    one user and the constants are scalars (or splats that do not broadcast
    x), the chain becomes one `edge.hard_swish` at the last op's location,
    with the other nodes in its `edge.fused` list: one kernel in float, one
    256-entry table in int8 instead of four requantizations. The float result
    is x * clamp(x / 6 + 0.5, 0, 1), which may differ from the unfused
    arithmetic in the last bit. Runs before edge-fuse-activation, which would
    otherwise fold the Clip into the Add.
  }];
}

def FuseLayerNormPass : Pass<"edge-fuse-layer-norm", "::mlir::func::FuncOp"> {
  let summary = "Fuse layer and RMS normalization arithmetic into edge.layer_norm";
  let description = [{
    Finds `d / sqrt(mean(d * d) + eps)` over trailing axes, d = x - mean(x)
    (layer norm) or d = x (RMS norm), with the square as Mul or `Pow(., 2)`
    and the division as Div or a Mul by `Reciprocal` / `Div(1, .)`, then an
    optional Mul by a scale and Add of a bias holding one value per element
    of a row (either side). It is the form the importer gives
    LayerNormalization and RMSNormalization and the form exporters write for
    them. When every intermediate is read only inside the chain and nothing
    in it carries a fused clamp, the chain becomes one float
    `edge.layer_norm` at the last op's location, the other nodes in its
    `edge.fused` list. Runs before edge-fuse-activation, which would
    otherwise fold a Relu into the bias Add, and before quantization:
    edge-quantize makes it the integer layer_norm_q.
  }];
}

#endif // EDGEC_PASSES_FUSION_PASSES_TD
