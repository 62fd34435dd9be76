//===- Sparsity.h - weight sparsity: analysis, encoding, cost model -*- C++ -*-===//
//
// Shared by the sparsity passes and the code generator, which must agree on
// the encoded format (runtime-stub/edgec/kernels/sparse/conv2d_s8_sparse.h)
// and on its size. Which sparse kernel can run a layer is the kernel table's
// (kernels::sparseKindOf).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "edgec/IR/EdgeOps.h"
#include "edgec/Support/Tensor.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Operation.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace edgec::sparsity {

/// Attribute written by edge-analyze-sparsity (the decision of
/// edge-select-sparse-kernels is the typed `edge.sparse`, edge::SparseAttr).
inline constexpr const char *kSparsityAttr = "edge.sparsity";

/// A weight tensor seen as `rows` output channels of `k` reduction weights,
/// each input channel being `taps` consecutive weights (kH x kW; 1 for gemm).
struct WeightStats {
  int64_t rows = 0, k = 0, taps = 1;
  int64_t total = 0, nonzero = 0;
  int64_t zeroRows = 0;   ///< output channels whose weights are all 0
  int64_t zeroInputs = 0; ///< input channels no output channel reads
  std::string nm;         ///< tightest "N:4" every group of 4 obeys, or ""
  double zeroBlocks = 0;  ///< fraction of all-zero 1x4 blocks along k
  double density() const { return total ? double(nonzero) / double(total) : 1.0; }
};

/// `w` row-major with the output channel first (OIHW, or B as N x K).
WeightStats analyzeWeights(const Tensor &w, int64_t rows, int64_t taps);

/// The bitmask + packed non-zero format of the sparse kernels.
struct SparseEncoding {
  std::vector<int64_t> mask;   ///< uint8 values, rows x ceil(k / 8)
  std::vector<int64_t> values; ///< int8 non-zeros in row order
  int64_t bytes() const { return int64_t(mask.size() + values.size()); }
};
SparseEncoding encodeSparse(const Tensor &w, int64_t rows);

/// Bytes of the encoding of a rows x k tensor with `nonzero` non-zeros.
inline int64_t sparseBytes(int64_t rows, int64_t k, int64_t nonzero) {
  return rows * ((k + 7) / 8) + nonzero;
}

/// Predicted instructions of one layer with its dense and its sparse kernel
/// on a kernel family (docs/sparsity.md gives the model and its fit).
struct CostEstimate {
  double dense = 0, sparse = 0;
};
std::optional<CostEstimate> predictCost(mlir::Operation *op, edge::KernelFamily family,
                                        const WeightStats &stats);

/// Predicted instructions of a conv2d or gemm (B transposed) with integer
/// semantics and its dense kernel on a kernel family: the same model's dense
/// half. A 16x8 layer runs the reference kernels on every family, so it
/// takes the portable coefficients (fitted on the int8 reference kernels,
/// whose loops the 16x8 ones share with wider loads and accumulators).
std::optional<double> predictDenseCost(mlir::Operation *op, edge::KernelFamily family);

/// The cost model's guess, before memory is planned, that the sparse kernel
/// of pointwise `op` runs in place (its in-place variant, kernels/sparse):
/// the kernel table allows it for the family and the input dies at `op`
/// (one reader, made by a layer). The planner decides; report.json gives
/// the guess as the sparsity's `predicted_in_place`.
bool predictsSparseInPlace(mlir::Operation *op);

/// predictDenseCost summed over the conv2d and gemm layers under `root`: the
/// estimate `--quantize auto` reports for a choice of precisions.
double predictDenseInstructions(mlir::Operation *root, edge::KernelFamily family);

/// Conv2d and gemm layers under `root` left in float: what
/// predictDenseInstructions does not count (the model has no float cost).
int64_t floatConvGemmLayers(mlir::Operation *root);

/// The weights of a conv2d / gemm and their row count, when constant.
std::optional<std::pair<Tensor, int64_t>> constantWeights(mlir::Operation *op, int64_t *taps);

} // namespace edgec::sparsity
