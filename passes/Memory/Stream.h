//===- Stream.h - a chain of layers run a band of rows at a time -*- C++ -*-===//
//
// A stream is a chain of layers, each reading the one before, run together a
// few output rows at a time: every layer but the last keeps only the band of
// its output rows that the next layer still needs, in the last layer's
// scratch, so its whole output never exists. The same multiply-accumulates
// run as without the stream (no row is computed twice); what it costs is a
// kernel call per layer and step and moving the rows a band keeps.
//
// edge-stream-rows marks the candidates (kStreamedAttr on every layer but the
// last, kStreamRowsAttr on the last); edge-plan-memory keeps a stream only
// where it makes the arena smaller. streamPlan is the one statement of which
// rows each layer computes at each step, of the band and scratch sizes and of
// when the last layer may write over its other operand; the scheduler, the
// planner, the verifier and the code generator all read it.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "mlir/IR/Operation.h"
#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace edgec::memory {

/// On every layer of a stream but the last (unit).
inline constexpr const char *kStreamedAttr = "edge.streamed";
/// On the last layer of a stream: rows of its output per step.
inline constexpr const char *kStreamRowsAttr = "edge.stream_rows";

/// The rows of one layer's output in its band at one step: [lo, to), the
/// band's first row being row lo; rows [from, to) are computed at the step,
/// rows [lo, from) were computed before and move to the band's top.
struct BandRows {
  int64_t lo = 0, from = 0, to = 0;
};

/// How a stream runs.
struct StreamPlan {
  /// The layers in chain order (each reads the one before); the last carries
  /// kStreamRowsAttr.
  std::vector<mlir::Operation *> layers;
  /// Rows of the last layer's output per step, and the steps.
  int64_t rows = 1, steps = 0;
  /// Per step, per layer but the last: its band's rows.
  std::vector<std::vector<BandRows>> bands;
  /// Per layer but the last: the rows its band holds, and where the band
  /// starts in the stream's scratch.
  std::vector<int64_t> bandRows, bandOffset;
  /// Per layer: the most rows of its output one step computes.
  std::vector<int64_t> stepRows;
  /// The room the convolutions' calls work in (their int16 columns, or a
  /// depthwise layer's plane rows; at the scratch's start) and the whole
  /// scratch: that room, then every band, each 8-byte aligned.
  int64_t workBytes = 0, scratchBytes = 0;
  /// The last layer's operand that is not in the chain (an add's other
  /// input), or -1 (the last layer is a convolution).
  int64_t otherOperand = -1;
  /// Whether the last layer may write its result over that operand: no
  /// later step reads a row it writes (where the operand is the chain's
  /// input too, the first layer reads it until the end).
  bool inPlaceSafe = false;
};

/// Whether `op` can be a layer of a stream that the next layer reads
/// (conv2d_s8_dsp a band of rows at a time, dense or depthwise:
/// kernels::dspConvRows).
bool streamableLayer(mlir::Operation *op);

/// Whether `op` can end a stream whose layer before it is `prev`: a
/// streamable convolution reading prev, or an int8 add of prev's result and
/// another tensor of the same shape.
bool streamableLast(mlir::Operation *op, mlir::Operation *prev);

/// The longest chain of streamable layers into operand `operand` of
/// `last`, then `last` (just `last` where there is none): each layer read by
/// the next through its input (operand 0 of a convolution), no layer
/// already in a stream.
std::vector<mlir::Operation *> chainInto(mlir::Operation *last, unsigned operand);

/// The plan of running `layers` (a chain, at least two) `rows` rows of the
/// last one's output at a time, or nullopt where the chain cannot stream.
std::optional<StreamPlan> streamPlan(llvm::ArrayRef<mlir::Operation *> layers, int64_t rows);

/// The plan of the stream `last` ends (it carries kStreamRowsAttr; its
/// layers are the chain of kStreamedAttr ops before it), or nullopt.
std::optional<StreamPlan> streamPlanOf(mlir::Operation *last);

/// The last layer of the valid stream `op` belongs to (itself when it is
/// the last), or null.
mlir::Operation *streamOf(mlir::Operation *op);

/// Whether `op` is a layer of a valid stream but its last: it takes no
/// buffer, and runs inside the last layer's steps.
inline bool streamedInto(mlir::Operation *op) {
  mlir::Operation *last = streamOf(op);
  return last && last != op;
}

/// Marks `layers` as a stream of `rows` rows per step, or removes the marks.
void markStream(llvm::ArrayRef<mlir::Operation *> layers, int64_t rows);
void unmarkStream(llvm::ArrayRef<mlir::Operation *> layers);

} // namespace edgec::memory
