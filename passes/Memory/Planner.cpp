//===- Planner.cpp - static arena planning strategies ----------------------===//

#include "passes/Memory/Planner.h"

#include <algorithm>
#include <functional>
#include <map>
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

namespace {

/// Where each request lies in its chain of slices (BufferRequest::follows):
/// the chain's first slice (the request itself when it follows none) and its
/// offset from it, the aligned sizes of the slices before it.
struct SliceLayout {
  std::vector<size_t> head;
  std::vector<int64_t> rel;
};

SliceLayout sliceLayout(const std::vector<BufferRequest> &buffers, int64_t alignment) {
  const size_t n = buffers.size();
  SliceLayout l{std::vector<size_t>(n), std::vector<int64_t>(n, 0)};
  std::vector<int> state(n, 0); // 0 not laid out, 1 in progress (a cycle stops here), 2 done
  std::function<void(size_t)> layOut = [&](size_t i) {
    if (state[i])
      return;
    state[i] = 1;
    l.head[i] = i;
    const int64_t f = buffers[i].follows;
    if (f >= 0 && static_cast<size_t>(f) < n && state[f] != 1) {
      layOut(static_cast<size_t>(f));
      l.head[i] = l.head[f];
      l.rel[i] = l.rel[f] + alignTo(buffers[f].size, alignment);
    }
    state[i] = 2;
  };
  for (size_t i = 0; i < n; ++i)
    layOut(i);
  return l;
}

} // namespace

MemoryPlan GreedyBySizePlanner::plan(const std::vector<BufferRequest> &buffers,
                                     int64_t alignment) const {
  // Groups placed as one: an in-place chain (groupInPlace) at one offset, and
  // a chain of slices one after another; `rel` is a member's offset from its
  // group's.
  InPlaceGroups chains = groupInPlace(buffers);
  SliceLayout slices = sliceLayout(buffers, alignment);
  const std::vector<int64_t> &rel = slices.rel;
  const size_t n = buffers.size();
  std::map<size_t, std::vector<size_t>> byGroup; // a slice joins its chain's first slice
  for (size_t i = 0; i < n; ++i)
    byGroup[chains.groupOf[slices.head[i]]].push_back(i);
  struct Group {
    std::vector<size_t> members;
    int64_t extent = 0, first = 0;
  };
  std::vector<Group> groups;
  for (auto &[id, members] : byGroup) {
    Group g{members, 0, INT64_MAX};
    for (size_t m : members) {
      g.extent = std::max(g.extent, rel[m] + buffers[m].size);
      g.first = std::min(g.first, buffers[m].first);
    }
    groups.push_back(std::move(g));
  }
  // Largest first; ties by earlier first use, then the order of the groups'
  // first members, for determinism.
  std::stable_sort(groups.begin(), groups.end(), [](const Group &a, const Group &b) {
    if (a.extent != b.extent)
      return a.extent > b.extent;
    return a.first < b.first;
  });
  MemoryPlan result;
  result.offsets.assign(n, -1);
  std::vector<size_t> placed;
  auto extent = [&](size_t p) {
    return std::make_pair(result.offsets[p],
                          result.offsets[p] + alignTo(buffers[p].size, alignment));
  };
  for (const Group &g : groups) {
    int64_t chosen = -1;
    if (g.members.size() == 1) {
      // One buffer: the smallest gap between the buffers live with it that
      // fits it (best fit), or on top.
      const BufferRequest &buf = buffers[g.members[0]];
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
      // A chain: each member needs its own bytes only while it is live; the
      // lowest group offset where no member meets a placed buffer live at the
      // same time (first fit).
      std::vector<std::tuple<int64_t, int64_t, int64_t, int64_t>> busy; // lo, hi, rel, size
      std::vector<int64_t> candidates = {0};
      for (size_t m : g.members)
        for (size_t p : placed)
          if (lifetimesOverlap(buffers[p], buffers[m])) {
            auto [lo, hi] = extent(p);
            busy.emplace_back(lo, hi, rel[m], alignTo(buffers[m].size, alignment));
            if (hi >= rel[m])
              candidates.push_back(hi - rel[m]);
          }
      std::sort(candidates.begin(), candidates.end());
      for (int64_t o : candidates) {
        bool fits = true;
        for (const auto &[lo, hi, r, size] : busy)
          fits = fits && !(o + r < hi && lo < o + r + size);
        if (fits) {
          chosen = o;
          break;
        }
      }
    }
    for (size_t m : g.members) {
      result.offsets[m] = chosen + rel[m];
      result.arenaSize =
          std::max(result.arenaSize, result.offsets[m] + alignTo(buffers[m].size, alignment));
      placed.push_back(m);
    }
  }
  return result;
}

MemoryPlan LinearPlanner::plan(const std::vector<BufferRequest> &buffers, int64_t alignment) const {
  // One after another; a chain of slices at its first slice's place.
  SliceLayout slices = sliceLayout(buffers, alignment);
  const size_t n = buffers.size();
  std::vector<int64_t> extent(n, 0);
  for (size_t i = 0; i < n; ++i)
    extent[slices.head[i]] =
        std::max(extent[slices.head[i]], slices.rel[i] + buffers[i].size);
  MemoryPlan result;
  result.offsets.assign(n, -1);
  for (size_t i = 0; i < n; ++i)
    if (slices.head[i] == i) {
      result.offsets[i] = result.arenaSize;
      result.arenaSize += alignTo(extent[i], alignment);
    }
  for (size_t i = 0; i < n; ++i)
    result.offsets[i] = result.offsets[slices.head[i]] + slices.rel[i];
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
    int64_t f = buffers[i].follows;
    if (f < 0)
      continue;
    if (static_cast<size_t>(f) >= buffers.size() || static_cast<size_t>(f) == i)
      return PlanViolation{i, i, "slice " + std::to_string(i) + " follows buffer " +
                                     std::to_string(f) + ", which does not exist"};
    if (buffers[i].reuses >= 0 || buffers[f].reuses >= 0 || buffers[f].size % alignment)
      return PlanViolation{i, i, "slice " + std::to_string(i) + " follows buffer " +
                                     std::to_string(f) +
                                     ", but a slice neither works in place nor follows a "
                                     "buffer that is not a whole multiple of the alignment"};
    if (plan.offsets[i] != plan.offsets[f] + buffers[f].size)
      return PlanViolation{static_cast<size_t>(f), i,
                           "slice " + std::to_string(i) + " is at offset " +
                               std::to_string(plan.offsets[i]) + ", not right after buffer " +
                               std::to_string(f) + " (" +
                               std::to_string(plan.offsets[f] + buffers[f].size) + ")"};
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
