// The --quantize auto search (passes/Quantize/MixedPrecision) on a model
// made of numbers: each layer's 16x8 or float choice adds a known number of
// dB and arena bytes, so every decision of the greedy search can be checked.
#include "passes/Quantize/MixedPrecision.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>

using namespace edgec::quant;

namespace {

struct Layer {
  double int16Db, floatDb;    ///< dB added over int8
  int64_t int16Arena, floatArena; ///< bytes added over int8
};

/// A trial function over layers whose effects add, and a count of calls.
struct FakeModel {
  double int8Db = 30;
  int64_t int8Arena = 1000;
  std::map<std::string, Layer> layers;
  int calls = 0;

  PrecisionTrialFn fn() {
    return [this](const PrecisionSet &s) -> std::optional<PrecisionTrial> {
      ++calls;
      PrecisionTrial t{int8Db, int8Arena};
      for (const std::string &n : s.int16) {
        t.sqnrDb += layers.at(n).int16Db;
        t.arenaBytes += layers.at(n).int16Arena;
      }
      for (const std::string &n : s.floating) {
        EXPECT_EQ(std::count(s.int16.begin(), s.int16.end(), n), 0) << n << " is both";
        t.sqnrDb += layers.at(n).floatDb;
        t.arenaBytes += layers.at(n).floatArena;
      }
      return t;
    };
  }
};

TEST(MixedPrecision, AllInt8WhenItHolds) {
  FakeModel m;
  m.layers = {{"a", {5, 9, 100, 900}}};
  auto c = chooseMixedPrecision({"a"}, {"a"}, 25, 0, m.fn());
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->reached);
  EXPECT_TRUE(c->set.int16.empty());
  EXPECT_TRUE(c->set.floating.empty());
  EXPECT_EQ(c->trials, 1);
  EXPECT_EQ(m.calls, 1);
}

TEST(MixedPrecision, MostGainPerArenaByteFirstUntilTheBudget) {
  FakeModel m;
  m.layers = {{"a", {1, 2, 10, 90}}, {"b", {4, 5, 20, 90}}, {"c", {2, 3, 30, 90}}};
  auto c = chooseMixedPrecision({"a", "b", "c"}, {"a", "b", "c"}, 35.5, 0, m.fn());
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->reached);
  // b (+4) then c (+2) reach 36; a is never needed, and nothing goes float.
  EXPECT_EQ(c->set.int16, (std::vector<std::string>{"b", "c"}));
  EXPECT_TRUE(c->set.floating.empty());
  EXPECT_DOUBLE_EQ(c->chosen.sqnrDb, 36);
  EXPECT_EQ(c->chosen.arenaBytes, 1050);
  EXPECT_DOUBLE_EQ(c->int8.sqnrDb, 30);
  ASSERT_EQ(c->steps.size(), 2u);
  EXPECT_EQ(c->steps[0].layer, "b");
  EXPECT_DOUBLE_EQ(c->steps[0].aloneGainDb, 4);
  // 1 base + 3 alone + 2 promotions + 1 attempt to drop b.
  EXPECT_EQ(c->trials, 7);
  EXPECT_EQ(m.calls, c->trials);
}

TEST(MixedPrecision, ALayerThatCostsNoRamBeatsALargerGainThatDoes) {
  FakeModel m;
  // big: +3 dB for +1000 bytes (2x); free: +1.5 dB for nothing.
  m.layers = {{"big", {3, 4, 1000, 3000}}, {"free", {1.5, 2, 0, 0}}, {"other", {1.5, 2, 0, 0}}};
  auto c = chooseMixedPrecision({"big", "free", "other"}, {}, 33, 0, m.fn());
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->reached);
  EXPECT_EQ(c->set.int16, (std::vector<std::string>{"free", "other"}));
  EXPECT_EQ(c->chosen.arenaBytes, 1000);
  EXPECT_EQ(c->steps.front().layer, "free");
}

TEST(MixedPrecision, FloatOnlyWhere16x8IsNotEnough) {
  FakeModel m;
  m.layers = {{"a", {1, 8, 10, 500}}, {"b", {1, 2, 10, 500}}};
  auto c = chooseMixedPrecision({"a", "b"}, {"a", "b"}, 38, 0, m.fn());
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->reached);
  // 16x8 everywhere gives 32; a in float (+8 instead of +1) gives 39 with b
  // still 16x8; b's 16x8 is then not needed (38 without it) and is dropped.
  EXPECT_EQ(c->set.floating, (std::vector<std::string>{"a"}));
  EXPECT_TRUE(c->set.int16.empty());
  EXPECT_DOUBLE_EQ(c->chosen.sqnrDb, 38);
  auto dropped = std::find_if(c->steps.begin(), c->steps.end(),
                              [](const PrecisionStep &s) { return s.droppedAfter; });
  ASSERT_NE(dropped, c->steps.end());
  EXPECT_EQ(dropped->layer, "b");
  EXPECT_FALSE(dropped->toFloat);
}

TEST(MixedPrecision, RamLimitSkipsLayersAndReportsTheBest) {
  FakeModel m;
  m.layers = {{"big", {6, 7, 800, 900}}, {"small", {2, 3, 50, 60}}};
  auto c = chooseMixedPrecision({"big", "small"}, {"big", "small"}, 40, 1100, m.fn());
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->reached);
  // big never fits 1100 bytes; small goes 16x8 then float (+3): 33.
  EXPECT_TRUE(c->set.int16.empty());
  EXPECT_EQ(c->set.floating, (std::vector<std::string>{"small"}));
  EXPECT_DOUBLE_EQ(c->chosen.sqnrDb, 33);
  EXPECT_LE(c->chosen.arenaBytes, 1100);
  for (const PrecisionStep &s : c->steps) {
    if (s.layer == "big") {
      EXPECT_TRUE(s.rejectedForRam && !s.kept);
    }
  }
}

TEST(MixedPrecision, LayersThatDoNotHelpAreTriedButNotKept) {
  FakeModel m;
  m.layers = {{"flat", {0, 0, 10, 10}}, {"worse", {-1, -1, 0, 0}}};
  auto c = chooseMixedPrecision({"flat", "worse"}, {"flat", "worse"}, 40, 0, m.fn());
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->reached);
  EXPECT_EQ(c->steps.size(), 4u); // both, in 16x8 then in float
  for (const PrecisionStep &s : c->steps)
    EXPECT_FALSE(s.kept) << s.layer;
  EXPECT_TRUE(c->set.int16.empty() && c->set.floating.empty());
  EXPECT_DOUBLE_EQ(c->chosen.sqnrDb, 30);
}

/// Errors that add as noise powers, as a real model's do: eight equal
/// layers, each alone worth only 0.5 dB, reach a budget only together.
TEST(MixedPrecision, SpreadErrorNeedsLayersTogether) {
  const std::vector<std::string> names = {"l0", "l1", "l2", "l3", "l4", "l5", "l6", "l7"};
  auto db = [](double noise) { return -10 * std::log10(noise); };
  int calls = 0;
  auto trial = [&](const PrecisionSet &s) -> std::optional<PrecisionTrial> {
    ++calls;
    double noise = 0;
    for (const std::string &n : names) {
      bool sixteen = std::count(s.int16.begin(), s.int16.end(), n) > 0;
      bool flt = std::count(s.floating.begin(), s.floating.end(), n) > 0;
      noise += flt ? 0 : sixteen ? 1e-4 : 1e-3;
    }
    return PrecisionTrial{db(noise), 1000 + 100 * (int64_t)s.int16.size() +
                                         1000 * (int64_t)s.floating.size()};
  };
  auto c = chooseMixedPrecision(names, names, 25, 0, trial);
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->reached);
  // 8e-3 - k * 9e-4 <= 10^-2.5 needs k = 6 layers in 16x8, none in float.
  EXPECT_EQ(c->set.int16.size(), 6u);
  EXPECT_TRUE(c->set.floating.empty());
  EXPECT_GE(c->chosen.sqnrDb, 25);
  EXPECT_NEAR(c->steps[0].aloneGainDb, db(7.1e-3) - db(8e-3), 1e-9);
  EXPECT_EQ(calls, c->trials);
}

TEST(MixedPrecision, AFailedTrialStopsTheSearch) {
  int calls = 0;
  auto c = chooseMixedPrecision({"a"}, {"a"}, 40, 0, [&](const PrecisionSet &s) {
    ++calls;
    return s.int16.empty() ? std::optional<PrecisionTrial>(PrecisionTrial{30, 100})
                           : std::nullopt;
  });
  EXPECT_FALSE(c);
  EXPECT_EQ(calls, 2);
}

} // namespace
