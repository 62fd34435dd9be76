//===- Planner.h - static arena planning ---------------------------*- C++ -*-===//
//
// A memory plan assigns every buffer an offset in one arena. Buffers are
// described only by size and lifetime (inclusive schedule steps), so the
// strategies are plain code, unit-tested without MLIR.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace edgec::memory {

struct BufferRequest {
  int64_t size = 0;    ///< bytes
  int64_t first = 0;   ///< first step the buffer is live (written)
  int64_t last = 0;    ///< last step it is live (read), inclusive
  /// In place: the index of the request whose bytes this one may take over,
  /// or -1. That buffer is the input of the layer that writes this one and
  /// dies there (its `last` is this one's `first`), and the layer's kernel
  /// reads what it needs of it before writing over it. A planner may then
  /// give both the same offset; it never has to.
  int64_t reuses = -1;
  /// A slice: the index of the request this one is placed right after (its
  /// offset plus its size), or -1. A concatenation whose inputs its producers
  /// write straight into their slices of the result (no copy) is such a
  /// chain, first slice first; every slice but the last is a whole multiple
  /// of the alignment. A slice never reuses another buffer and is never
  /// reused.
  int64_t follows = -1;
};

struct MemoryPlan {
  std::vector<int64_t> offsets; ///< one per request
  int64_t arenaSize = 0;
};

/// Arena alignment when the target does not give one (edge-plan-memory's
/// `alignment`); a target's is at least 8.
inline constexpr int64_t kDefaultArenaAlignment = 16;

inline bool lifetimesOverlap(const BufferRequest &a, const BufferRequest &b) {
  return a.first <= b.last && b.first <= a.last;
}

/// A planning strategy. Implementations must return offsets aligned to
/// `alignment` such that buffers with overlapping lifetimes do not overlap.
class MemoryPlanner {
public:
  virtual ~MemoryPlanner() = default;
  virtual const char *name() const = 0;
  virtual MemoryPlan plan(const std::vector<BufferRequest> &buffers, int64_t alignment) const = 0;
};

/// Places buffers largest first, each into the smallest gap between already
/// placed, simultaneously live buffers that fits it (best fit), or on top.
/// A chain of in-place buffers (groupInPlace) shares one offset, and a chain
/// of slices (BufferRequest::follows) lies one after another; each member
/// takes its own bytes only while it is live: the lowest chain offset where
/// that holds (first fit), the chains ordered with the buffers by their
/// extent.
class GreedyBySizePlanner : public MemoryPlanner {
public:
  const char *name() const override { return "greedy-by-size"; }
  MemoryPlan plan(const std::vector<BufferRequest> &buffers, int64_t alignment) const override;
};

/// No reuse: buffers one after another. A baseline and a debugging aid.
class LinearPlanner : public MemoryPlanner {
public:
  const char *name() const override { return "linear"; }
  MemoryPlan plan(const std::vector<BufferRequest> &buffers, int64_t alignment) const override;
};

/// The strategy called `name`, or null for an unknown name.
std::unique_ptr<MemoryPlanner> createPlanner(const std::string &name);

/// Buffers joined by `reuses` chains, each chain as one request: the largest
/// size, from the first member's first step to the last member's last step.
struct InPlaceGroups {
  std::vector<BufferRequest> merged;
  std::vector<size_t> groupOf; ///< per request, its index in `merged`
};
InPlaceGroups groupInPlace(const std::vector<BufferRequest> &buffers);

/// The largest sum of (aligned) sizes of buffers live at the same step, where
/// a result written over its dying input shares the smaller of the two: no
/// plan for this schedule that shares bytes only where `reuses` allows it can
/// use a smaller arena.
int64_t arenaLowerBound(const std::vector<BufferRequest> &buffers, int64_t alignment);

/// Checks a plan: alignment, bounds, every slice right after the one it
/// `follows`, and no overlap between buffers whose lifetimes overlap, except
/// a buffer and the one it `reuses` at the same offset (and only where that
/// request is well formed). Returns a description of the first violation,
/// if any.
struct PlanViolation {
  size_t a, b; ///< indices of the offending buffers (b == a for a single-buffer fault)
  std::string message;
};
std::optional<PlanViolation> checkPlan(const std::vector<BufferRequest> &buffers,
                                       const MemoryPlan &plan, int64_t alignment);

inline int64_t alignTo(int64_t v, int64_t a) { return (v + a - 1) / a * a; }

} // namespace edgec::memory
