//===- BufferAnalysis.h - arena buffers of a scheduled function --*- C++ -*-===//
#pragma once

#include "passes/Memory/Planner.h"
#include "passes/Memory/Scheduler.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <string>
#include <vector>

namespace edgec::memory {

/// What an arena buffer holds for its op.
enum class BufferKind {
  Result,  ///< the op's result
  Scratch, ///< its kernel's scratch, live at its own step
  State,   ///< its state (edge.svdf), live at every step and kept between runs
};

/// One arena buffer: an op's result, the scratch its kernel uses, or the
/// state it keeps.
struct ArenaBuffer {
  mlir::Operation *op;
  BufferKind kind;
  BufferRequest request;
};

/// Attribute names the planner writes and the emitter reads.
inline constexpr const char *kOffsetAttr = "edge.offset";
inline constexpr const char *kScratchOffsetAttr = "edge.scratch_offset";
inline constexpr const char *kStateOffsetAttr = "edge.state_offset";
/// The attribute holding the planned offset of a buffer of `kind`.
inline const char *offsetAttrOf(BufferKind kind) {
  return kind == BufferKind::Scratch ? kScratchOffsetAttr
         : kind == BufferKind::State ? kStateOffsetAttr
                                     : kOffsetAttr;
}
/// How a diagnostic or a report names a buffer of `kind`: "", "scratch of ",
/// "state of ", before the op's name.
inline const char *kindPrefix(BufferKind kind) {
  return kind == BufferKind::Scratch ? "scratch of "
         : kind == BufferKind::State ? "state of "
                                     : "";
}
inline constexpr const char *kArenaSizeAttr = "edge.arena_size";
inline constexpr const char *kLowerBoundAttr = "edge.arena_lower_bound";
inline constexpr const char *kPlannerAttr = "edge.planner";
/// How edge-schedule-memory searched the orders of the body ("exact": no
/// order has a smaller lower bound; "greedy") and the lower bound of the
/// body's order before it.
inline constexpr const char *kScheduleAttr = "edge.schedule";
inline constexpr const char *kScheduleSourceBoundAttr = "edge.schedule_source_bound";
/// The alignment the plan used for every buffer (and that the arena needs).
inline constexpr const char *kArenaAlignmentAttr = "edge.arena_alignment";

/// Where the value an op produces lives.
enum class Storage {
  Constant, ///< weights (edge.constant)
  Input,    ///< a function argument: the caller's input buffer
  Output,   ///< written directly into the caller's output buffer
  Arena,    ///< an arena buffer
};

/// The value a view (reshape chain) ultimately reads.
mlir::Value viewRoot(mlir::Value v);

/// Storage of `v` (after following views).
Storage storageOf(mlir::Value v);

/// Index of the return operand that `op`'s result is written into directly,
/// or -1. A result goes straight into the caller's output buffer when it is
/// returned as is (not through a view) and this is its first occurrence.
int directOutputIndex(mlir::Operation *op);

/// The arena alignment of `func`'s plan (edge.arena_alignment), or the
/// default before one.
int64_t arenaAlignmentOf(mlir::func::FuncOp func);

/// A concatenation edge-plan-memory copies although concatInSlices' terms
/// hold (the slices, live and adjacent from their producers on, made the
/// arena larger than the copy does).
inline constexpr const char *kConcatCopiesAttr = "edge.concat_copies";

/// Whether the producers of `concat`'s inputs write straight into their
/// slices of its result, so that it takes no buffer and copies nothing: the
/// result is an arena buffer and every input a slice of it (the axes before
/// `axis` all 1) that the concatenation keeps as it is (the same element
/// type); each input is an arena buffer of its own (not a view, a weight, a
/// graph input, a returned result or another concatenation) that no other
/// concatenation reads and that this one reads once; and every input but the
/// last is a whole multiple of `alignment` bytes, so that every slice starts
/// aligned; and the plan did not choose to copy it (kConcatCopiesAttr).
bool concatInSlices(mlir::Operation *concat, int64_t alignment);

/// The body of `func` as a graph for scheduling: one node per op but the
/// terminator, in body order (`ops`). A value returned through a view stays
/// live to the end, where it is copied out. A concatenation in slices
/// (concatInSlices) has no buffer: its inputs' buffers are its slices, and
/// whatever reads it reads them all.
struct ScheduleGraph {
  std::vector<mlir::Operation *> ops;
  std::vector<ScheduleNode> nodes;
};
ScheduleGraph scheduleGraphOf(mlir::func::FuncOp func, int64_t alignment);

/// The buffers of `func` in schedule order (the op order of the body), with
/// lifetimes over op indices (requestsFor the body order), then the state of
/// each layer that keeps one, live from the first step to the return: no
/// other buffer ever shares its bytes, so they hold from one run to the next.
/// `alignment`: the plan's (concatInSlices); arenaAlignmentOf(func) when
/// absent.
std::vector<ArenaBuffer> collectArenaBuffers(mlir::func::FuncOp func, int64_t alignment = 0);

/// Where a planned function's arena reaches its size: a step at which the
/// buffers live there, aligned as planned, end highest, and of those the one
/// with the most bytes live (then the earliest).
struct ArenaPeak {
  int64_t step = -1;             ///< op index in the body; -1 without buffers
  mlir::Operation *op = nullptr; ///< the op at that step
  int64_t top = 0;               ///< the highest aligned end of a buffer live there
  std::vector<size_t> live;      ///< indices into `buffers` of those live there
};
ArenaPeak arenaPeak(mlir::func::FuncOp func, const std::vector<ArenaBuffer> &buffers);

/// "'node' (op), where 'a' (n B), scratch of 'b' (m B) are live": the peak
/// for a diagnostic or a report (names raw; escape for markup).
std::string describePeak(const ArenaPeak &peak, const std::vector<ArenaBuffer> &buffers);

/// Whether every compute op of `func` has its edge.kernel (its scratch and
/// in-place operands come from there); otherwise an error on the first
/// without: "run edge-select-kernels before <doing>".
bool kernelsChosen(mlir::func::FuncOp func, llvm::StringRef doing);

/// Whether `alignment` is a power of two from 8 to 4096; otherwise an error
/// naming `pass`.
bool alignmentValid(mlir::func::FuncOp func, int64_t alignment, llvm::StringRef pass);

/// The ONNX node name of `op` (its NameLoc), or the op name.
std::string nodeNameOf(mlir::Operation *op);

} // namespace edgec::memory
