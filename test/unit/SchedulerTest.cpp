// The memory-aware layer order: on random graphs (in-place layers, scratch,
// results live to the end, weights) the exhaustive search finds the smallest
// lower bound over every topological order (checked by enumerating them),
// its order is a valid one whose bound is the one it claims, it keeps the
// source order whenever that is as good, the greedy fallback never does worse
// than the source order, and the planner's plans of the chosen orders are
// overlap-free.
#include "passes/Memory/Scheduler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <numeric>
#include <random>

using namespace edgec::memory;

namespace {

constexpr int64_t kAlign = 16;

/// A random graph of `n` nodes in source (topological) order.
std::vector<ScheduleNode> randomGraph(std::mt19937 &rng, int n) {
  std::uniform_int_distribution<int64_t> size(1, 400), scratch(1, 120);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<ScheduleNode> g(n);
  for (int v = 0; v < n; ++v) {
    ScheduleNode &node = g[v];
    if (u(rng) < 0.1)
      continue; // a weight: no dependencies, no arena
    for (int d = 0; d < v; ++d)
      if (u(rng) < 0.35 || (d == v - 1 && node.deps.empty() && u(rng) < 0.7)) {
        node.deps.push_back(d);
        node.operands.push_back(g[d].arena ? d : -1);
        if (g[d].arena && u(rng) < 0.1)
          node.operands.push_back(d); // read twice: never taken over
      }
    if (u(rng) < 0.2)
      node.operands.push_back(-1); // a graph input
    node.inPlace = static_cast<uint32_t>(rng()) & (u(rng) < 0.5 ? 0xffu : 0u);
    node.arena = u(rng) < 0.85;
    node.size = node.arena ? size(rng) : 0;
    node.scratch = u(rng) < 0.3 ? scratch(rng) : 0;
    node.liveToEnd = node.arena && u(rng) < 0.08;
  }
  return g;
}

bool isTopological(const std::vector<ScheduleNode> &g, const std::vector<int64_t> &order) {
  if (order.size() != g.size())
    return false;
  std::vector<int64_t> pos(g.size(), -1);
  for (size_t i = 0; i < order.size(); ++i) {
    if (order[i] < 0 || order[i] >= static_cast<int64_t>(g.size()) || pos[order[i]] >= 0)
      return false;
    pos[order[i]] = static_cast<int64_t>(i);
  }
  for (size_t v = 0; v < g.size(); ++v)
    for (int64_t d : g[v].deps)
      if (pos[d] > pos[v])
        return false;
  return true;
}

/// The smallest bound over every topological order, by enumeration.
int64_t bruteForceBound(const std::vector<ScheduleNode> &g) {
  std::vector<int64_t> order;
  std::vector<char> done(g.size(), 0);
  int64_t best = INT64_MAX;
  std::function<void()> walk = [&] {
    if (order.size() == g.size()) {
      best = std::min(best, orderBound(g, order, kAlign));
      return;
    }
    for (size_t v = 0; v < g.size(); ++v) {
      if (done[v] || !std::all_of(g[v].deps.begin(), g[v].deps.end(),
                                  [&](int64_t d) { return done[d] != 0; }))
        continue;
      done[v] = 1;
      order.push_back(static_cast<int64_t>(v));
      walk();
      order.pop_back();
      done[v] = 0;
    }
  };
  walk();
  return best;
}

std::vector<int64_t> identity(size_t n) {
  std::vector<int64_t> v(n);
  std::iota(v.begin(), v.end(), 0);
  return v;
}

TEST(Scheduler, ExhaustiveSearchFindsTheSmallestBoundOfEveryOrder) {
  std::mt19937 rng(2026);
  int improved = 0, inPlace = 0;
  for (int trial = 0; trial < 400; ++trial) {
    auto g = randomGraph(rng, 2 + trial % 7);
    MemorySchedule s = scheduleForMemory(g, kAlign);
    ASSERT_TRUE(s.exact) << "trial " << trial;
    ASSERT_TRUE(isTopological(g, s.order)) << "trial " << trial;
    EXPECT_EQ(s.bound, orderBound(g, s.order, kAlign)) << "trial " << trial;
    EXPECT_EQ(s.sourceBound, orderBound(g, identity(g.size()), kAlign)) << "trial " << trial;
    EXPECT_EQ(s.bound, bruteForceBound(g)) << "trial " << trial;
    if (s.sourceBound == s.bound) {
      EXPECT_EQ(s.order, identity(g.size())) << "trial " << trial << ": moved for nothing";
    }
    improved += s.bound < s.sourceBound;
    for (const ScheduledBuffer &b : requestsFor(g, s.order))
      inPlace += b.request.reuses >= 0;
    // The planner's plan of the chosen order is overlap-free.
    std::vector<BufferRequest> requests;
    for (const ScheduledBuffer &b : requestsFor(g, s.order))
      requests.push_back(b.request);
    MemoryPlan plan = GreedyBySizePlanner().plan(requests, kAlign);
    auto violation = checkPlan(requests, plan, kAlign);
    EXPECT_FALSE(violation) << "trial " << trial << ": " << violation->message;
    EXPECT_GE(plan.arenaSize, s.bound);
  }
  // The property is not vacuous: orders changed, and in place was taken.
  EXPECT_GT(improved, 20);
  EXPECT_GT(inPlace, 20);
}

TEST(Scheduler, GreedyOrderIsValidAndNoWorseThanTheSource) {
  std::mt19937 rng(77);
  int greedy = 0;
  for (int trial = 0; trial < 300; ++trial) {
    auto g = randomGraph(rng, 4 + trial % 20);
    MemorySchedule s = scheduleForMemory(g, kAlign, /*stateLimit=*/1);
    ASSERT_TRUE(isTopological(g, s.order)) << "trial " << trial;
    EXPECT_EQ(s.bound, orderBound(g, s.order, kAlign)) << "trial " << trial;
    EXPECT_LE(s.bound, s.sourceBound) << "trial " << trial;
    greedy += !s.exact;
  }
  EXPECT_GT(greedy, 100);
}

/// `blocks` residual blocks in a row, each written with its shortcut branch
/// last: x -> a (wide) -> b; x -> s; add(b, s).
std::vector<ScheduleNode> residualChain(int blocks) {
  std::vector<ScheduleNode> g;
  auto add = [&](std::vector<int64_t> deps, int64_t size) {
    ScheduleNode n;
    n.deps = deps;
    n.operands = deps;
    n.arena = true;
    n.size = size;
    g.push_back(n);
    return static_cast<int64_t>(g.size()) - 1;
  };
  int64_t x = add({}, 256);
  for (int i = 0; i < blocks; ++i) {
    int64_t a = add({x}, 1024);
    int64_t b = add({a}, 256);
    int64_t s = add({x}, 64);
    x = add({b, s}, 256);
  }
  return g;
}

TEST(Scheduler, CutNodesSplitALongGraphIntoSmallExactSearches) {
  // 201 nodes: far beyond one exhaustive search, but every add and the
  // stem are cut nodes, so each block is searched alone.
  auto g = residualChain(50);
  MemorySchedule s = scheduleForMemory(g, kAlign);
  EXPECT_TRUE(s.exact);
  EXPECT_EQ(s.parts, 101); // the stem, then per block its branches and its add
  EXPECT_LT(s.states, 2000);
  ASSERT_TRUE(isTopological(g, s.order));
  // Shortcut first: x + s + a, not x + a + b.
  EXPECT_EQ(s.sourceBound, 256 + 1024 + 256);
  EXPECT_EQ(s.bound, 256 + 64 + 1024);
  EXPECT_EQ(s.bound, orderBound(g, s.order, kAlign));
}

TEST(Scheduler, WideGraphFallsBackToGreedyPastTheStateLimit) {
  // 40 independent two-layer branches off one input into one concat:
  // 3^40 sets of done nodes.
  std::vector<ScheduleNode> g(1);
  g[0].arena = true;
  g[0].size = 64;
  std::vector<int64_t> tails;
  for (int i = 0; i < 40; ++i) {
    ScheduleNode wide;
    wide.deps.push_back(0);
    wide.operands.push_back(0);
    wide.arena = true;
    wide.size = 512;
    g.push_back(wide);
    ScheduleNode narrow;
    narrow.deps.push_back(static_cast<int64_t>(g.size()) - 1);
    narrow.operands = narrow.deps;
    narrow.arena = true;
    narrow.size = 16;
    g.push_back(narrow);
    tails.push_back(static_cast<int64_t>(g.size()) - 1);
  }
  // Written interleaved: every wide buffer first.
  std::vector<ScheduleNode> interleaved;
  std::vector<int64_t> at(g.size());
  interleaved.push_back(g[0]);
  for (int pass = 0; pass < 2; ++pass)
    for (int i = 0; i < 40; ++i) {
      int64_t v = 1 + 2 * i + pass;
      at[v] = static_cast<int64_t>(interleaved.size());
      interleaved.push_back(g[v]);
    }
  for (ScheduleNode &n : interleaved) {
    for (int64_t &d : n.deps)
      d = d == 0 ? 0 : at[d];
    n.operands = n.deps;
  }
  ScheduleNode concat;
  for (int64_t t : tails)
    concat.deps.push_back(at[t]);
  concat.operands = concat.deps;
  interleaved.push_back(concat); // written to the caller's output
  MemorySchedule s = scheduleForMemory(interleaved, kAlign, /*stateLimit=*/10000);
  EXPECT_FALSE(s.exact);
  ASSERT_TRUE(isTopological(interleaved, s.order));
  EXPECT_EQ(s.sourceBound, 64 + 40 * 512);
  // Greedy finishes a branch before it starts the next.
  EXPECT_EQ(s.bound, 64 + 39 * 16 + 512);
}

TEST(Scheduler, NothingToOrder) {
  MemorySchedule s = scheduleForMemory({}, kAlign);
  EXPECT_TRUE(s.order.empty());
  EXPECT_EQ(s.bound, 0);
}

} // namespace
