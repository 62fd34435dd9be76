//===- Planner.cpp - static arena planning strategies ----------------------===//

#include "passes/Memory/Planner.h"

#include <algorithm>
#include <numeric>
#include <tuple>

namespace edgec::memory {

InPlaceGroups groupInPlace(const std::vector<BufferRequest> &buffers) {
  InPlaceGroups g;
  g.groupOf.resize(buffers.size());
  for (size_t i = 0; i < buffers.size(); ++i) {
    const BufferRequest &b = buffers[i];
    if (b.reuses >= 0 && static_cast<size_t>(b.reuses) < i) {
      BufferRequest &m = g.merged[g.groupOf[i] = g.groupOf[b.reuses]];
      m.size = std::max(m.size, b.size);
      m.first = std::min(m.first, b.first);
      m.last = std::max(m.last, b.last);
      continue;
    }
    g.groupOf[i] = g.merged.size();
    g.merged.push_back({b.size, b.first, b.last});
  }
  return g;
}

MemoryPlan GreedyBySizePlanner::plan(const std::vector<BufferRequest> &buffers,
                                     int64_t alignment) const {
  InPlaceGroups groups = groupInPlace(buffers);
  std::vector<std::vector<size_t>> members(groups.merged.size());
  for (size_t i = 0; i < buffers.size(); ++i)
    members[groups.groupOf[i]].push_back(i);
  const std::vector<BufferRequest> &merged = groups.merged;
  std::vector<size_t> order(merged.size());
  std::iota(order.begin(), order.end(), 0);
  // Largest first; ties by earlier first use, then index, for determinism.
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (merged[a].size != merged[b].size)
      return merged[a].size > merged[b].size;
    return merged[a].first < merged[b].first;
  });
  MemoryPlan result;
  result.offsets.assign(buffers.size(), -1);
  std::vector<size_t> placed;
  auto extent = [&](size_t p) {
    return std::make_pair(result.offsets[p],
                          result.offsets[p] + alignTo(buffers[p].size, alignment));
  };
  for (size_t g : order) {
    int64_t chosen = -1;
    if (members[g].size() == 1) {
      // One buffer: the smallest gap between the buffers live with it that
      // fits it (best fit), or on top.
      const BufferRequest &buf = buffers[members[g][0]];
      int64_t size = alignTo(buf.size, alignment);
      std::vector<std::pair<int64_t, int64_t>> busy;
      for (size_t p : placed)
        if (lifetimesOverlap(buffers[p], buf))
          busy.push_back(extent(p));
      std::sort(busy.begin(), busy.end());
      int64_t bestGap = INT64_MAX, cursor = 0;
      for (const auto &[lo, hi] : busy) {
        if (lo - cursor >= size && lo - cursor < bestGap) {
          chosen = cursor;
          bestGap = lo - cursor;
        }
        cursor = std::max(cursor, hi);
      }
      if (chosen < 0)
        chosen = cursor; // on top of everything live
    } else {
      // An in-place chain shares one offset; each member needs its own size
      // only while it is live: the lowest offset where no member meets a
      // placed buffer live at the same time (first fit).
      std::vector<std::tuple<int64_t, int64_t, int64_t>> busy; // lo, hi, member size
      std::vector<int64_t> candidates = {0};
      for (size_t m : members[g])
        for (size_t p : placed)
          if (lifetimesOverlap(buffers[p], buffers[m])) {
            auto [lo, hi] = extent(p);
            busy.emplace_back(lo, hi, alignTo(buffers[m].size, alignment));
            candidates.push_back(hi);
          }
      std::sort(candidates.begin(), candidates.end());
      for (int64_t o : candidates) {
        bool fits = true;
        for (const auto &[lo, hi, size] : busy)
          fits = fits && !(o < hi && lo < o + size);
        if (fits) {
          chosen = o;
          break;
        }
      }
    }
    for (size_t m : members[g]) {
      result.offsets[m] = chosen;
      result.arenaSize = std::max(result.arenaSize, chosen + alignTo(buffers[m].size, alignment));
      placed.push_back(m);
    }
  }
  return result;
}

MemoryPlan LinearPlanner::plan(const std::vector<BufferRequest> &buffers, int64_t alignment) const {
  MemoryPlan result;
  for (const BufferRequest &b : buffers) {
    result.offsets.push_back(result.arenaSize);
    result.arenaSize += alignTo(b.size, alignment);
  }
  return result;
}

std::unique_ptr<MemoryPlanner> createPlanner(const std::string &name) {
  if (name == "greedy-by-size")
    return std::make_unique<GreedyBySizePlanner>();
  if (name == "linear")
    return std::make_unique<LinearPlanner>();
  return nullptr;
}

int64_t arenaLowerBound(const std::vector<BufferRequest> &buffers, int64_t alignment) {
  std::vector<int64_t> steps;
  for (const BufferRequest &b : buffers)
    steps.push_back(b.first);
  int64_t bound = 0;
  for (int64_t t : steps) {
    int64_t live = 0;
    for (const BufferRequest &b : buffers)
      if (b.first <= t && t <= b.last)
        live += alignTo(b.size, alignment);
    // A result written over its dying input: the two share the smaller one.
    for (const BufferRequest &b : buffers)
      if (b.reuses >= 0 && static_cast<size_t>(b.reuses) < buffers.size() && b.first == t &&
          buffers[b.reuses].last == t)
        live -= std::min(alignTo(b.size, alignment), alignTo(buffers[b.reuses].size, alignment));
    bound = std::max(bound, live);
  }
  return bound;
}

std::optional<PlanViolation> checkPlan(const std::vector<BufferRequest> &buffers,
                                       const MemoryPlan &plan, int64_t alignment) {
  if (plan.offsets.size() != buffers.size())
    return PlanViolation{0, 0, "the plan has " + std::to_string(plan.offsets.size()) +
                                   " offsets for " + std::to_string(buffers.size()) + " buffers"};
  for (size_t i = 0; i < buffers.size(); ++i) {
    int64_t off = plan.offsets[i];
    if (off < 0 || off % alignment)
      return PlanViolation{i, i, "offset " + std::to_string(off) + " is not a non-negative multiple of " +
                                     std::to_string(alignment)};
    if (off + buffers[i].size > plan.arenaSize)
      return PlanViolation{i, i, "buffer [" + std::to_string(off) + ", " +
                                     std::to_string(off + buffers[i].size) +
                                     ") ends past the arena size " + std::to_string(plan.arenaSize)};
  }
  for (size_t i = 0; i < buffers.size(); ++i) {
    int64_t r = buffers[i].reuses;
    if (r < 0)
      continue;
    if (static_cast<size_t>(r) >= i || buffers[r].last != buffers[i].first)
      return PlanViolation{i, i, "the in-place request of buffer " + std::to_string(i) +
                                     " names buffer " + std::to_string(r) +
                                     ", which is not an earlier buffer dying where it is written"};
  }
  for (size_t i = 0; i < buffers.size(); ++i)
    for (size_t j = i + 1; j < buffers.size(); ++j) {
      if (!lifetimesOverlap(buffers[i], buffers[j]))
        continue;
      int64_t a0 = plan.offsets[i], a1 = a0 + buffers[i].size;
      int64_t b0 = plan.offsets[j], b1 = b0 + buffers[j].size;
      if (buffers[j].reuses == static_cast<int64_t>(i) && a0 == b0)
        continue; // in place: j takes over i's bytes as i dies
      if (a0 < b1 && b0 < a1)
        return PlanViolation{i, j, "bytes [" + std::to_string(std::max(a0, b0)) + ", " +
                                       std::to_string(std::min(a1, b1)) +
                                       ") are used by two buffers live at the same time"};
    }
  return std::nullopt;
}

} // namespace edgec::memory
