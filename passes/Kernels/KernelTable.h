//===- KernelTable.h - which kernel runs a layer ---------------*- C++ -*-===//
//
// The kernel table (KernelTable.def) as data, and the choice made from it.
// edge-select-kernels writes the choice on every compute op as `edge.kernel`;
// the memory planner reads the scratch from it, and codegen the symbol, the
// header and the scratch-size function it static_asserts.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "edgec/IR/EdgeOps.h"

#include "mlir/IR/Operation.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace edgec::kernels {

/// Which ops a row takes.
enum class DType { Quant, Real, Any };

/// One row of KernelTable.def.
struct KernelRow {
  const char *name;
  DType dtype;
  unsigned families; ///< bit (1 << KernelFamily) per family that may run it
  const char *symbol;
  const char *header;
  const char *params;
  int64_t (*scratch)(mlir::Operation *, edge::KernelFamily);
  const char *scratchFunction; ///< "" when the kernel takes no scratch
  bool (*applies)(mlir::Operation *, edge::KernelFamily);
  /// Bit k set: the result may take over operand k's buffer (KernelTable.def).
  unsigned (*inPlace)(mlir::Operation *);
  bool (*matchesOp)(mlir::Operation *);
};

/// Every row, in the table's order.
const std::vector<KernelRow> &kernelTable();

/// The row named `name`, or null.
const KernelRow *findRow(llvm::StringRef name);

/// The row that runs `op` for `family`: the row a tuning file asked for
/// (`edge.tuned`) when it applies, else the first that matches; null when no
/// kernel can run it. For conv2d / gemm with an `edge.sparse` decision the
/// sparse rows apply exactly when the decision is "sparse".
const KernelRow *selectRow(mlir::Operation *op, edge::KernelFamily family);

/// Every row that could run `op` for `family`, in the table's order (the
/// default first among the dense ones): the rows that match, and the sparse
/// row of the op's sparse kind whatever its `edge.sparse` decision. What
/// `edgec` tuning measures, and what a tuning file may ask for.
std::vector<const KernelRow *> candidateRows(mlir::Operation *op, edge::KernelFamily family);

/// True for the sparse rows (they run a layer exactly when its `edge.sparse`
/// decision is "sparse").
bool isSparseRow(const KernelRow &row);

/// The name a tuning file gives each compute op of `module`, in walk order:
/// its node name, and for the k-th (k >= 2) compute op with the same name
/// "name#k". Ops without a name are left out (not tunable).
std::vector<std::pair<mlir::Operation *, std::string>> tuningKeys(mlir::Operation *module);

/// `#edge.kernel` for `row` on `op` (its scratch computed for `family`).
edge::KernelAttr kernelAttr(const KernelRow &row, mlir::Operation *op, edge::KernelFamily family);

/// Operands (bit k for operand k) whose buffer the result of `op` may take
/// over, by the kernel edge-select-kernels chose for it (0 without one).
unsigned inPlaceOperands(mlir::Operation *op);

/// True for ops that need a kernel: not constants, not views.
bool isComputeOp(mlir::Operation *op);

/// True for ops whose result is a view of their operand (no kernel, no copy).
bool isView(mlir::Operation *op);

/// One filter per input channel (groups == in_c == out_c): the depthwise
/// kernels' layers.
bool isDepthwiseConv(mlir::Operation *conv);

/// Weights per filter row as conv2d_s8_dsp reads a (not depthwise)
/// convolution's: K = Cg * KH * KW rounded up to a multiple of four, the
/// codegen padding each row with zeros (im2col_column_stride in
/// conv2d_s8_dsp.h), so that the last taps pair with SMLAD like the others;
/// K itself for a depthwise layer (its own kernel, unpadded).
int64_t dspConvRow(mlir::Operation *conv);

/// Whether conv2d_s8_dsp runs a (not depthwise, not pointwise) convolution
/// over its own input through a ring of delayed outputs, when the plan puts
/// the result there (conv2d_s8_dsp_ring_in_place in conv2d_s8_dsp.h): one
/// image, one group, unit strides, output planes as large as input planes, no
/// more output than input channels. Its scratch then holds the ring.
bool dspConvRingInPlace(mlir::Operation *conv);

/// Pixels of that ring: pad_top * W + pad_left + 5, rounded up to a multiple
/// of four (conv2d_s8_dsp_ring_pixels).
int64_t dspConvRingPixels(mlir::Operation *conv);

/// Whether `op` is a convolution whose chosen kernel is conv2d_s8_dsp and
/// that kernel computes it a band of rows at a time (conv2d_s8_dsp_rows_ok
/// in conv2d_s8_dsp.h): one image, one group or depthwise, the input not
/// spread.
bool dspConvRows(mlir::Operation *op);

/// Scratch bytes of conv2d_s8_dsp_rows for calls of at most `stepRows`
/// output rows: the two int16 columns, without a ring, or for a depthwise
/// layer the int16 plane rows a call reads (conv2d_s8_dsp_rows_scratch_size).
int64_t dspConvRowsScratch(mlir::Operation *conv, int64_t stepRows);

/// Output pixels per im2col tile of the general float convolution.
int64_t convTile(mlir::Operation *conv);

/// The sparse kernel that could run `op` (pointwise, depthwise, im2col, fc),
/// when one can.
std::optional<edge::SparseKind> sparseKindOf(mlir::Operation *op);

} // namespace edgec::kernels
