//===- MixedPrecision.cpp - int8 / 16x8 / float per layer under a budget ---===//

#include "passes/Quantize/MixedPrecision.h"

#include <algorithm>

namespace edgec::quant {
namespace {

struct Gain {
  std::string layer;
  double db;
  double perCost; ///< dB per arena growth (see rank)
};

/// Candidates by measured gain alone per arena it adds, best first: dB over
/// (growth / base arena + 5 %), so that a layer that costs no RAM comes
/// before one that doubles the arena for a little more (ties in candidate
/// order, so the search is deterministic). A layer that gains nothing alone
/// stays a candidate: where the error is spread over many layers, each one
/// alone is hidden by the others, and only together do they count.
std::optional<std::vector<Gain>> rank(const std::vector<std::string> &candidates,
                                      const PrecisionSet &base, const PrecisionTrial &baseTrial,
                                      bool toFloat, const PrecisionTrialFn &trial, int &trials) {
  std::vector<Gain> gains;
  for (const std::string &c : candidates) {
    PrecisionSet s = base;
    if (toFloat) {
      s.int16.erase(std::remove(s.int16.begin(), s.int16.end(), c), s.int16.end());
      s.floating.push_back(c);
    } else {
      s.int16.push_back(c);
    }
    std::optional<PrecisionTrial> t = trial(s);
    ++trials;
    if (!t)
      return std::nullopt;
    double db = t->sqnrDb - baseTrial.sqnrDb;
    double growth = (double)std::max<int64_t>(0, t->arenaBytes - baseTrial.arenaBytes) /
                    (double)std::max<int64_t>(1, baseTrial.arenaBytes);
    gains.push_back({c, db, db / (growth + 0.05)});
  }
  std::stable_sort(gains.begin(), gains.end(),
                   [](const Gain &a, const Gain &b) { return a.perCost > b.perCost; });
  return gains;
}

} // namespace

std::optional<PrecisionChoice>
chooseMixedPrecision(const std::vector<std::string> &int16Candidates,
                     const std::vector<std::string> &floatCandidates, double budgetDb,
                     int64_t ramBytes, const PrecisionTrialFn &trial) {
  PrecisionChoice choice;
  std::optional<PrecisionTrial> base = trial(choice.set);
  ++choice.trials;
  if (!base)
    return std::nullopt;
  choice.int8 = choice.chosen = *base;
  choice.reached = base->sqnrDb >= budgetDb;
  for (bool toFloat : {false, true}) {
    if (choice.reached)
      break;
    std::optional<std::vector<Gain>> gains =
        rank(toFloat ? floatCandidates : int16Candidates, choice.set, choice.chosen, toFloat,
             trial, choice.trials);
    if (!gains)
      return std::nullopt;
    for (const Gain &g : *gains) {
      PrecisionSet s = choice.set;
      if (toFloat) {
        s.int16.erase(std::remove(s.int16.begin(), s.int16.end(), g.layer), s.int16.end());
        s.floating.push_back(g.layer);
      } else {
        s.int16.push_back(g.layer);
      }
      std::optional<PrecisionTrial> t = trial(s);
      ++choice.trials;
      if (!t)
        return std::nullopt;
      PrecisionStep step{g.layer, toFloat, g.db, *t, ramBytes > 0 && t->arenaBytes > ramBytes};
      // A layer that does not make the whole better once the others are in
      // (the gains do not add) is not kept either.
      step.kept = !step.rejectedForRam && t->sqnrDb > choice.chosen.sqnrDb;
      choice.steps.push_back(step);
      if (!step.kept)
        continue;
      if (toFloat)
        for (PrecisionStep &earlier : choice.steps)
          if (earlier.layer == g.layer && !earlier.toFloat && earlier.kept) {
            earlier.kept = false;
            earlier.movedToFloat = true;
          }
      choice.set = s;
      choice.chosen = *t;
      if (t->sqnrDb >= budgetDb) {
        choice.reached = true;
        break;
      }
    }
  }
  // Once the budget holds, a layer taken early may no longer be needed (the
  // later ones cover it): each is dropped, last taken first, where the
  // budget still holds without it, which only lowers the cost.
  if (choice.reached)
    for (auto st = choice.steps.rbegin(); st != choice.steps.rend(); ++st) {
      if (!st->kept || &*st == &choice.steps.back())
        continue;
      PrecisionSet s = choice.set;
      auto &from = st->toFloat ? s.floating : s.int16;
      from.erase(std::remove(from.begin(), from.end(), st->layer), from.end());
      std::optional<PrecisionTrial> t = trial(s);
      ++choice.trials;
      if (!t)
        return std::nullopt;
      if (t->sqnrDb < budgetDb || (ramBytes > 0 && t->arenaBytes > ramBytes))
        continue;
      st->kept = false;
      st->droppedAfter = true;
      choice.set = s;
      choice.chosen = *t;
    }
  return choice;
}

} // namespace edgec::quant
