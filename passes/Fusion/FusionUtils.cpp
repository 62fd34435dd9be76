//===- FusionUtils.cpp - bookkeeping shared by the fusion passes ------------===//

#include "passes/Fusion/Passes.h"

#include "mlir/IR/Builders.h"

using namespace mlir;

namespace edgec::fusion {

void recordFusion(Operation *into, Operation *merged) {
  SmallVector<Attribute> names;
  if (auto old = into->getAttrOfType<ArrayAttr>("edge.fused"))
    names.append(old.begin(), old.end());
  if (auto nl = dyn_cast<NameLoc>(merged->getLoc()))
    names.push_back(nl.getName());
  if (auto old = merged->getAttrOfType<ArrayAttr>("edge.fused"))
    names.append(old.begin(), old.end());
  if (!names.empty())
    into->setAttr("edge.fused", ArrayAttr::get(into->getContext(), names));
}

} // namespace edgec::fusion
