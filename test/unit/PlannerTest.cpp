// Memory planner strategies: a randomized property test (no two simultaneously
// live buffers overlap, the arena is at least the lower bound) and checks that
// the overlap checker catches broken plans.
#include "passes/Memory/Planner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

using namespace edgec::memory;

namespace {

std::vector<BufferRequest> randomBuffers(std::mt19937 &rng, int n) {
  std::uniform_int_distribution<int64_t> size(1, 5000), start(0, 40), len(0, 12);
  std::vector<BufferRequest> out;
  for (int i = 0; i < n; ++i) {
    int64_t first = start(rng);
    out.push_back({size(rng), first, first + len(rng)});
  }
  return out;
}

/// Random buffers where some take over an earlier buffer in place: the
/// earlier one dies at the step the later one is written, as the buffer
/// analysis declares it for a layer whose kernel runs in place.
std::vector<BufferRequest> randomInPlaceBuffers(std::mt19937 &rng, int n) {
  std::vector<BufferRequest> out = randomBuffers(rng, n);
  std::sort(out.begin(), out.end(),
            [](const BufferRequest &a, const BufferRequest &b) { return a.first < b.first; });
  std::vector<bool> taken(out.size(), false);
  std::bernoulli_distribution link(0.5);
  for (size_t i = 1; i < out.size(); ++i) {
    std::uniform_int_distribution<size_t> pick(0, i - 1);
    size_t j = pick(rng);
    if (taken[j] || !link(rng) || out[j].first >= out[i].first)
      continue;
    out[j].last = out[i].first; // j dies where i is written
    out[i].reuses = static_cast<int64_t>(j);
    taken[j] = true;
  }
  return out;
}

/// Random buffers, some of them in chains of slices (a concatenation whose
/// producers write into it): a chain's members follow one another, every
/// member but the last a whole multiple of the alignment, each live from its
/// own first step to the chain's last; and in-place links elsewhere.
std::vector<BufferRequest> randomSliceBuffers(std::mt19937 &rng, int n) {
  std::vector<BufferRequest> out = randomInPlaceBuffers(rng, n);
  std::vector<bool> linked(out.size(), false);
  for (size_t i = 0; i < out.size(); ++i)
    if (out[i].reuses >= 0)
      linked[i] = linked[out[i].reuses] = true;
  std::uniform_int_distribution<int> chainLength(2, 4);
  std::uniform_int_distribution<int64_t> blocks(1, 200);
  std::vector<size_t> free;
  for (size_t i = 0; i < out.size(); ++i)
    if (!linked[i])
      free.push_back(i);
  std::shuffle(free.begin(), free.end(), rng);
  for (size_t k = 0; k + 1 < free.size();) {
    size_t len = std::min<size_t>(chainLength(rng), free.size() - k);
    int64_t last = 0;
    for (size_t j = 0; j < len; ++j)
      last = std::max(last, out[free[k + j]].last);
    for (size_t j = 0; j < len; ++j) {
      BufferRequest &b = out[free[k + j]];
      if (j + 1 < len)
        b.size = blocks(rng) * kDefaultArenaAlignment;
      b.last = last;
      if (j > 0)
        b.follows = static_cast<int64_t>(free[k + j - 1]);
    }
    k += len;
  }
  return out;
}

class PlannerProperty : public ::testing::TestWithParam<std::string> {};

/// 300 random trials of `generate`: every plan passes the checker and is at
/// least the lower bound. Returns how many in-place links the plans honoured
/// by sharing the offset, and how many there were.
template <typename Generate>
std::pair<int, int> checkRandomPlans(const std::string &strategy, unsigned seed, int minBuffers, Generate generate) {
  std::unique_ptr<MemoryPlanner> planner = createPlanner(strategy);
  EXPECT_TRUE(planner);
  std::mt19937 rng(seed);
  int shared = 0, links = 0;
  for (int trial = 0; planner && trial < 300; ++trial) {
    auto buffers = generate(rng, minBuffers + trial % 40);
    MemoryPlan plan = planner->plan(buffers, kDefaultArenaAlignment);
    auto violation = checkPlan(buffers, plan, kDefaultArenaAlignment);
    EXPECT_FALSE(violation) << "trial " << trial << ": " << violation->message;
    EXPECT_GE(plan.arenaSize, arenaLowerBound(buffers, kDefaultArenaAlignment));
    for (size_t i = 0; i < buffers.size(); ++i)
      if (buffers[i].reuses >= 0) {
        shared += plan.offsets[i] == plan.offsets[buffers[i].reuses];
        ++links;
      }
  }
  return {shared, links};
}

TEST_P(PlannerProperty, RandomizedPlansNeverOverlap) {
  checkRandomPlans(GetParam(), 1234, 1, randomBuffers);
}

TEST_P(PlannerProperty, RandomizedInPlacePlansNeverOverlap) {
  auto [shared, links] = checkRandomPlans(GetParam(), 4321, 2, randomInPlaceBuffers);
  EXPECT_GT(links, 1000); // the generator does link buffers
  if (GetParam() == "greedy-by-size") {
    EXPECT_EQ(shared, links); // and greedy-by-size honours every link
  }
}

TEST_P(PlannerProperty, RandomizedSlicePlansNeverOverlap) {
  // checkPlan fails a plan that puts a slice anywhere but right after the
  // one it follows.
  auto [shared, links] = checkRandomPlans(GetParam(), 5678, 3, randomSliceBuffers);
  EXPECT_GT(links, 300); // in-place links beside the slices
  if (GetParam() == "greedy-by-size") {
    EXPECT_EQ(shared, links);
  }
}

TEST(PlanChecker, SliceOnlyRightAfterTheOneItFollows) {
  std::vector<BufferRequest> bufs = {{32, 0, 3}, {20, 1, 3}};
  bufs[1].follows = 0;
  EXPECT_FALSE(checkPlan(bufs, {{0, 32}, 64}, 16));
  EXPECT_TRUE(checkPlan(bufs, {{0, 48}, 80}, 16)); // a gap
  EXPECT_TRUE(checkPlan(bufs, {{32, 0}, 64}, 16)); // before it
  bufs[0].size = 24; // the first slice not a multiple of the alignment
  EXPECT_TRUE(checkPlan(bufs, {{0, 24}, 48}, 16));
}

TEST(Planner, SlicesTakeTheirBytesOnlyWhileLive) {
  // Two slices of 64 bytes, the second made at step 2; a 64-byte buffer live
  // at steps 0-1 fits in the second slice's place before it is made.
  std::vector<BufferRequest> bufs = {{64, 0, 4}, {64, 2, 4}, {64, 0, 1}};
  bufs[1].follows = 0;
  MemoryPlan plan = GreedyBySizePlanner().plan(bufs, 16);
  EXPECT_FALSE(checkPlan(bufs, plan, 16));
  EXPECT_EQ(plan.arenaSize, 128);
}

INSTANTIATE_TEST_SUITE_P(Strategies, PlannerProperty,
                         ::testing::Values("greedy-by-size", "linear"));

TEST(Planner, GreedyReusesMemoryOfDeadBuffers) {
  // A chain a -> b -> c: a and c never live together, so they share bytes.
  std::vector<BufferRequest> chain = {{1024, 0, 1}, {1024, 1, 2}, {1024, 2, 3}};
  MemoryPlan plan = GreedyBySizePlanner().plan(chain, 16);
  EXPECT_EQ(plan.arenaSize, 2048);
  EXPECT_EQ(plan.offsets[0], plan.offsets[2]);
  EXPECT_EQ(LinearPlanner().plan(chain, 16).arenaSize, 3072);
  EXPECT_EQ(arenaLowerBound(chain, 16), 2048);
}

TEST(Planner, GreedyIsNeverWorseThanLinearOnRandomInputs) {
  std::mt19937 rng(99);
  for (int trial = 0; trial < 100; ++trial) {
    auto buffers = randomBuffers(rng, 25);
    EXPECT_LE(GreedyBySizePlanner().plan(buffers, 16).arenaSize,
              LinearPlanner().plan(buffers, 16).arenaSize);
  }
}

TEST(Planner, OffsetsAreAligned) {
  std::vector<BufferRequest> odd = {{3, 0, 0}, {5, 0, 0}, {7, 0, 0}};
  MemoryPlan plan = GreedyBySizePlanner().plan(odd, 16);
  for (int64_t off : plan.offsets)
    EXPECT_EQ(off % 16, 0);
}

TEST(PlanChecker, DetectsOverlapOfLiveBuffers) {
  std::vector<BufferRequest> buffers = {{100, 0, 2}, {100, 1, 3}};
  MemoryPlan plan{{0, 48}, 160};
  auto v = checkPlan(buffers, plan, 16);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->a, 0u);
  EXPECT_EQ(v->b, 1u);
  EXPECT_NE(v->message.find("[48, 100)"), std::string::npos) << v->message;
}

TEST(PlanChecker, AllowsOverlapOfDisjointLifetimes) {
  std::vector<BufferRequest> buffers = {{100, 0, 1}, {100, 2, 3}};
  EXPECT_FALSE(checkPlan(buffers, MemoryPlan{{0, 0}, 112}, 16));
}

TEST(PlanChecker, DetectsOutOfBoundsAndMisalignment) {
  std::vector<BufferRequest> buffers = {{100, 0, 1}};
  EXPECT_TRUE(checkPlan(buffers, MemoryPlan{{16}, 100}, 16));
  EXPECT_TRUE(checkPlan(buffers, MemoryPlan{{8}, 200}, 16));
  EXPECT_TRUE(checkPlan(buffers, MemoryPlan{{}, 200}, 16));
}

/// greedy-by-size on `bufs`: the arena, every offset and the lower bound as
/// expected, and a plan the checker accepts.
void expectGreedyPlan(const std::vector<BufferRequest> &bufs, int64_t arena,
                      const std::vector<int64_t> &offsets, int64_t bound) {
  MemoryPlan plan = GreedyBySizePlanner().plan(bufs, 16);
  EXPECT_EQ(plan.arenaSize, arena);
  EXPECT_EQ(plan.offsets, offsets);
  EXPECT_EQ(arenaLowerBound(bufs, 16), bound);
  EXPECT_FALSE(checkPlan(bufs, plan, 16));
}

TEST(Planner, InPlaceChainIsOneBuffer) {
  // a -> b -> c, each written over the one before: one buffer of the largest
  // size; without the links, two.
  std::vector<BufferRequest> chain = {{1024, 0, 1}, {2048, 1, 2}, {512, 2, 3}};
  chain[1].reuses = 0;
  chain[2].reuses = 1;
  expectGreedyPlan(chain, 2048, {0, 0, 0}, 2048);
  // The linear baseline need not share.
  EXPECT_FALSE(checkPlan(chain, LinearPlanner().plan(chain, 16), 16));
}

TEST(Planner, InPlaceMembersTakeTheirOwnSizeOnlyWhileLive) {
  // a (1 KB) grows into b (4 KB) in place; c lives beside a only, so it fits
  // above a's kilobyte, under where b will be.
  std::vector<BufferRequest> bufs = {{1024, 0, 1}, {4096, 1, 2}, {1024, 0, 0}};
  bufs[1].reuses = 0;
  expectGreedyPlan(bufs, 4096, {0, 0, 1024}, 4096);
}

TEST(PlanChecker, InPlaceOnlyAtTheSameOffsetAndOverADyingInput) {
  std::vector<BufferRequest> pair = {{64, 0, 1}, {64, 1, 2}};
  pair[1].reuses = 0;
  EXPECT_FALSE(checkPlan(pair, MemoryPlan{{0, 0}, 64}, 16));
  // Shifted: bytes [32, 64) are both the input still being read and output.
  auto shifted = checkPlan(pair, MemoryPlan{{0, 32}, 96}, 16);
  ASSERT_TRUE(shifted);
  EXPECT_NE(shifted->message.find("[32, 64)"), std::string::npos) << shifted->message;
  // The input lives past the layer: not an in-place pair.
  std::vector<BufferRequest> live = {{64, 0, 2}, {64, 1, 2}};
  live[1].reuses = 0;
  auto v = checkPlan(live, MemoryPlan{{0, 0}, 64}, 16);
  ASSERT_TRUE(v);
  EXPECT_NE(v->message.find("not an earlier buffer dying where it is written"), std::string::npos)
      << v->message;
  // A link forward in the list is malformed too.
  std::vector<BufferRequest> forward = {{64, 1, 2}, {64, 0, 1}};
  forward[0].reuses = 1;
  EXPECT_TRUE(checkPlan(forward, MemoryPlan{{0, 0}, 64}, 16));
}

TEST(Planner, UnknownStrategyIsNull) { EXPECT_FALSE(createPlanner("first-fit-decreasing")); }

} // namespace
