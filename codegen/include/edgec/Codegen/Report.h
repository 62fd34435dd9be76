//===- Report.h - per-layer figures for inspect and report.json -*- C++ -*-===//
#pragma once

#include "mlir/IR/BuiltinOps.h"

#include <optional>
#include <string>
#include <vector>

namespace edgec::codegen {

struct LayerInfo {
  std::string node; ///< ONNX node name (raw; escape before printing into code)
  std::string op;   ///< edge op name without the dialect prefix
  std::vector<std::vector<int64_t>> inputShapes;
  std::vector<int64_t> outputShape;
  int64_t macs = 0;            ///< multiply-accumulates (conv, gemm, matmul, recurrent)
  int64_t weightBytes = 0;     ///< constant operands
  int64_t activationBytes = 0; ///< bytes of the result
  int64_t arenaOffset = -1;    ///< -1 when not in the arena
  /// A layer with state (edge.svdf): its bytes and offset in the arena.
  int64_t stateBytes = 0, stateOffset = -1;
  std::string storage;         ///< arena / output / view / stream
  /// A layer of a stream: the node of the stream's last layer (which runs
  /// it a band of rows at a time; "" otherwise), and for that last layer
  /// the rows of its output per step (0 otherwise).
  std::string streamedInto;
  int64_t streamRows = 0;
  std::string precision;       ///< float, int8, int16, ...
  std::string kernel;          ///< the kernel table row that runs it ("" for views)
  std::optional<double> sqnr;     ///< dB against the float model, when measured
  std::optional<double> sqnrDrop; ///< dB lost against the layer's inputs
  std::optional<double> sqnrPlain; ///< SQNR without --equalize / --bias-correction
  std::string floatReason;        ///< why a layer of a quantized model stays float
  std::optional<double> density;  ///< non-zero fraction of the weights (conv / gemm)
  int64_t weights = 0, nonzeroWeights = 0, zeroOutputChannels = 0; ///< with density
  std::string sparseKernel;       ///< the sparse kernel that could run the layer, or ""
  std::string sparseChoice;       ///< "sparse" or "dense"
  int64_t predictedDense = 0, predictedSparse = 0; ///< cost model, instructions
  int64_t denseBytes = 0, sparseBytes = 0;          ///< weight bytes of each format
  bool sparseInPlace = false; ///< the cost model priced its sparse kernel in place
  std::string tuningKey;               ///< its name in a tuning file ("" if not tunable)
  std::vector<std::string> candidates; ///< every kernel that could run it (the table's order)
  bool tuned = false;                  ///< its kernel came from a tuning file
  std::optional<int64_t> measured;     ///< instructions the tuning file measured for it
};

/// Every op except constants, in schedule order.
std::vector<LayerInfo> analyzeLayers(mlir::ModuleOp module);

/// Multiply-accumulates of one op.
int64_t macsOf(mlir::Operation *op);

/// report.json content (deterministic key order).
std::string reportJson(mlir::ModuleOp module, const std::string &target,
                       const std::string &name);

/// report.html: the arena over the schedule as a drawing (every buffer a
/// rectangle, the layer that sets the arena marked) and the per-layer table;
/// one self-contained page.
std::string reportHtml(mlir::ModuleOp module, const std::string &target,
                       const std::string &name);

/// The `edgec inspect` table.
std::string formatLayerTable(mlir::ModuleOp module);

/// For a quantized model measured by measureQuantizationError: per-layer
/// SQNR, output SQNR, accuracies, float vs quantized bytes, the layers left
/// in float and those that lose the most. Empty otherwise.
std::string formatQuantTable(mlir::ModuleOp module);

/// The dense / sparse decision of every layer that has a sparse kernel, with
/// the cost model's predictions and the weight bytes; "" when none has.
std::string formatSparsityTable(mlir::ModuleOp module);

/// Whether the planned model fits a part with `ramBytes` of RAM and
/// `flashBytes` of flash (0: unconstrained). Empty when it fits; otherwise the
/// message names the figures, the layer that sets the arena and the buffers
/// live there, and the largest weights. RAM counts the arena;
/// flash counts the constant data (weights and lookup tables; code comes on
/// top).
std::string fitProblem(mlir::ModuleOp module, const std::string &target, int64_t ramBytes,
                       int64_t flashBytes);

/// How the layer order was chosen (edge-schedule-memory), in a sentence:
/// whether no order has a smaller lower bound, and what the model's own order
/// needs when it was changed; "" when the order was not searched.
std::string scheduleText(mlir::ModuleOp module);

/// Whether the planned arena meets `budgetBytes` (--ram-budget; 0: none).
/// Empty when it does; otherwise the smallest arena edgec reached, the
/// schedule's lower bound, and the layer and buffers that set it.
std::string budgetProblem(mlir::ModuleOp module, int64_t budgetBytes);

} // namespace edgec::codegen
