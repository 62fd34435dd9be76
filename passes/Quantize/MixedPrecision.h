//===- MixedPrecision.h - int8 / 16x8 / float per layer under a budget -*- C++ -*-===//
//
// `--quantize auto --accuracy-budget DB`: which layers to compute in 16x8
// (int16 activations) and, only where that is not enough, in float, so that
// the model's output SQNR against float reaches the budget.
//
// The search is greedy by measured sensitivity per cost (as HAWQ-style
// mixed-precision tools do it, here with the measured output SQNR as the
// sensitivity rather than a Hessian estimate, and arena bytes as the cost):
//   1. all int8; done if it holds the budget;
//   2. each 16x8 candidate alone: its gain in output SQNR over all int8,
//      and the arena it adds;
//   3. candidates promoted to 16x8 one at a time, most dB per arena byte
//      first (a knapsack's greedy order: RAM is what a part lacks), each
//      kept only if the model gets better and the arena still fits the RAM
//      limit, until the budget holds (a layer that gains nothing alone is
//      still tried: where the error is spread over many layers, each alone
//      is hidden by the others);
//   4. then, if needed, layers returned to float the same way (gain measured
//      with the 16x8 set of step 3 in place);
//   5. once the budget holds, each layer taken is dropped again, last first,
//      where the budget holds without it (a later, larger gain covered it).
// Every step is a trial: the caller quantizes, measures and plans the model
// with the given sets. The search knows nothing else of the model, so it is
// tested on its own (test/unit/MixedPrecisionTest.cpp).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace edgec::quant {

/// What one configuration measures: the worst output's SQNR against float
/// (dB) and the planned arena (and what it is predicted to cost in
/// instructions).
struct PrecisionTrial {
  double sqnrDb = 0;
  int64_t arenaBytes = 0;
  /// Instructions of its conv and gemm layers as the kernel cost model
  /// predicts them (sparsity::predictDenseInstructions): reported, not
  /// searched on.
  double instructions = 0;
  /// Conv and gemm layers it leaves in float (not in `instructions`).
  int floatLayers = 0;
};

/// One configuration: the layers in 16x8 and the layers in float (all
/// others int8).
struct PrecisionSet {
  std::vector<std::string> int16, floating;
};

/// Measures a configuration; nullopt after a diagnostic (the search stops).
using PrecisionTrialFn = std::function<std::optional<PrecisionTrial>(const PrecisionSet &)>;

/// One layer's part in the outcome.
struct PrecisionStep {
  std::string layer;
  bool toFloat = false;      ///< returned to float (else promoted to 16x8)
  double aloneGainDb = 0;    ///< its gain measured alone (step 2 / 4)
  PrecisionTrial after;      ///< the model once it was added
  bool rejectedForRam = false; ///< it would have broken the RAM limit: not taken
  bool kept = false;           ///< part of the choice
  bool droppedAfter = false;   ///< taken, then not needed once the budget held
  bool movedToFloat = false;   ///< taken in 16x8, later returned to float
};

struct PrecisionChoice {
  PrecisionSet set;
  PrecisionTrial int8;   ///< all int8
  PrecisionTrial chosen; ///< the configuration returned
  std::vector<PrecisionStep> steps;
  int trials = 0;
  bool reached = false; ///< chosen.sqnrDb >= the budget
};

/// The greedy search above. `int16Candidates` are the layers with 16x8
/// kernels, `floatCandidates` every layer that may be left in float
/// (usually a superset); `ramBytes` 0 means no limit. nullopt when a trial
/// failed.
std::optional<PrecisionChoice>
chooseMixedPrecision(const std::vector<std::string> &int16Candidates,
                     const std::vector<std::string> &floatCandidates, double budgetDb,
                     int64_t ramBytes, const PrecisionTrialFn &trial);

} // namespace edgec::quant
