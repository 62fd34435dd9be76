//===- Scheduler.h - the layer order that needs the least arena ---*- C++ -*-===//
//
// A function body as a dependency graph of plain nodes (no MLIR), the arena
// buffers an order of them gives (requestsFor: the one statement of the
// lifetime and in-place rules, which collectArenaBuffers uses too), and the
// search for the order whose lower bound (arenaLowerBound) is smallest.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "passes/Memory/Planner.h"

#include <cstdint>
#include <vector>

namespace edgec::memory {

/// One op of a function body. Nodes are numbered in source order, which is a
/// topological order: every dependency has a smaller index.
struct ScheduleNode {
  /// The nodes that define this one's operands (views and constants
  /// included): they must run before it.
  std::vector<int64_t> deps;
  /// Per operand, the node whose arena buffer it reads (views followed), or
  /// -1 when the operand is not in the arena (an input, a weight, a result
  /// written to the caller's output buffer).
  std::vector<int64_t> operands;
  /// The operands whose buffer the result may take over when it dies here
  /// (kernels::inPlaceOperands; bit k is operand k).
  uint32_t inPlace = 0;
  /// Whether it writes an arena buffer (of `size` bytes): not a view, a
  /// constant or a result written to the caller's output buffer.
  bool arena = false;
  int64_t size = 0;
  /// Bytes of its kernel's scratch; 0 for none.
  int64_t scratch = 0;
  /// The buffer is returned through a view: live to the end of the run.
  bool liveToEnd = false;
  /// Its result is a slice of a concatenation that takes no buffer of its
  /// own (its producers write into it): placed right after node `follows`'
  /// buffer (-1: the first slice, or not a slice). A slice never works in
  /// place and is never written over in place.
  bool slice = false;
  int64_t follows = -1;
};

/// An arena buffer of an order: node `node`'s result, or with `scratch` its
/// kernel's scratch.
struct ScheduledBuffer {
  int64_t node;
  bool scratch;
  BufferRequest request;
};

/// The arena buffers of running `nodes` in `order` (a permutation of their
/// indices that respects `deps`), in order, each result before its node's
/// scratch. Steps are positions in `order`. A result lives from its node to
/// its last reader (or the end, with liveToEnd); it takes over the buffer of
/// the first operand its node may run in place on whose buffer dies there and
/// that no other operand of the node reads, but never a slice's; a slice's
/// request follows the one before it (BufferRequest::follows).
std::vector<ScheduledBuffer> requestsFor(const std::vector<ScheduleNode> &nodes,
                                         const std::vector<int64_t> &order);

/// arenaLowerBound of requestsFor(nodes, order).
int64_t orderBound(const std::vector<ScheduleNode> &nodes, const std::vector<int64_t> &order,
                   int64_t alignment);

/// The result of scheduleForMemory.
struct MemorySchedule {
  std::vector<int64_t> order;
  int64_t bound = 0;        ///< orderBound of `order`
  int64_t sourceBound = 0;  ///< orderBound of the source order
  /// Every part of the graph was searched exhaustively: no order of the
  /// nodes has a smaller bound. Otherwise some part took the better of its
  /// source order and a greedy order.
  bool exact = true;
  int64_t states = 0;       ///< search states visited
  int64_t parts = 0;        ///< parts searched separately (between cut nodes)
};

/// The order of `nodes` with the smallest arena lower bound, as close to the
/// source order as that allows.
///
/// Nodes that every other node reaches or is reached from (cut nodes: a
/// chain's layers, a residual block's add) run at the same place in every
/// order, so the graph splits into the parts between them and each part is
/// searched alone: the bound of an order is the largest over its parts, and
/// which nodes are done when a part starts does not depend on the order
/// within the others. A part is searched exhaustively (dynamic programming
/// over the sets of its nodes already run, at most `stateLimit` of them and
/// at most 63 nodes); one that is larger takes a greedy order (at each step
/// the ready node with the fewest bytes live, then the fewest left live
/// after it) where that beats its source order.
///
/// Then, part by part, the order kept is the source order where that stays
/// within the whole graph's bound, and otherwise the order that leaves each
/// next node as early in the source as the bound allows.
MemorySchedule scheduleForMemory(const std::vector<ScheduleNode> &nodes, int64_t alignment,
                                 int64_t stateLimit = 200000);

} // namespace edgec::memory
