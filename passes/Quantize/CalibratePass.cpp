//===- CalibratePass.cpp - activation ranges from sample inputs ------------===//

#include "passes/Quantize/Calibration.h"
#include "passes/Quantize/Passes.h"

using namespace mlir;

namespace edgec::quant {
#define GEN_PASS_DEF_CALIBRATEPASS
#include "passes/Quantize/Passes.h.inc"

namespace {

struct CalibratePass : impl::CalibratePassBase<CalibratePass> {
  using CalibratePassBase::CalibratePassBase;
  CalibratePass(const CalibratePassOptions &options, const std::vector<Sample> *preloaded)
      : CalibratePassBase(options), preloaded(preloaded) {}

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    std::string error;
    CalibrationOptions options;
    if (!parseRangeMethod(range, options, error)) {
      func.emitError() << "edge-calibrate: " << error;
      return signalPassFailure();
    }
    options.progress = progress;
    options.channelMeans = channelMeans;
    std::vector<Sample> loaded;
    if (!preloaded) {
      if (samples == "random")
        loaded = randomSamples(func, kRandomSamples);
      else if (!loadCalibrationSamples(func, samples, loaded, error)) {
        func.emitError() << "edge-calibrate: " << error;
        return signalPassFailure();
      }
    }
    if (failed(calibrate(func, preloaded ? *preloaded : loaded, options)))
      signalPassFailure();
  }

  const std::vector<Sample> *preloaded = nullptr;
};

} // namespace

std::unique_ptr<Pass> createCalibratePass(const CalibratePassOptions &options,
                                          const std::vector<Sample> *samples) {
  return std::make_unique<CalibratePass>(options, samples);
}

} // namespace edgec::quant
