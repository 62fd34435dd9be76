//===- FusionUtils.cpp - bookkeeping shared by the fusion passes ------------===//

#include "passes/Fusion/Passes.h"
#include "edgec/IR/EdgeOps.h"
#include "edgec/Support/TensorAttr.h"

#include "mlir/IR/Builders.h"

#include <cmath>

using namespace mlir;

namespace edgec::fusion {

void recordFusion(Operation *into, Operation *merged) {
  SmallVector<Attribute> names;
  if (auto old = into->getAttrOfType<ArrayAttr>("edge.fused"))
    names.append(old.begin(), old.end());
  // A node is named once: several edge ops of one ONNX node (a function
  // body) fused into an op of that node add nothing.
  auto own = dyn_cast<NameLoc>(into->getLoc());
  auto add = [&](Attribute name) {
    if (!(own && name == own.getName()) && !llvm::is_contained(names, name))
      names.push_back(name);
  };
  if (auto nl = dyn_cast<NameLoc>(merged->getLoc()))
    add(nl.getName());
  if (auto old = merged->getAttrOfType<ArrayAttr>("edge.fused"))
    for (Attribute a : old)
      add(a);
  if (!names.empty())
    into->setAttr("edge.fused", ArrayAttr::get(into->getContext(), names));
}

/// The one value a float constant holds (a scalar, or every element alike).
std::optional<double> splat(Value v) {
  auto c = v.getDefiningOp<edge::ConstantOp>();
  if (!c || !getElementTypeOrSelf(v.getType()).isF32())
    return std::nullopt;
  Tensor t = tensorFromAttr(c.getValue());
  if (t.f.empty())
    return std::nullopt;
  for (float x : t.f)
    if (x != t.f.front())
      return std::nullopt;
  return t.f.front();
}

bool isSplat(Value v, double value) {
  std::optional<double> s = splat(v);
  return s && std::fabs(*s - value) <= 1e-6 * std::fabs(value);
}

} // namespace edgec::fusion
