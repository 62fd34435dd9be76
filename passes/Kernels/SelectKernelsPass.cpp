//===- SelectKernelsPass.cpp - the kernel of every layer --------------------===//

#include "passes/Kernels/KernelTable.h"
#include "passes/Kernels/Passes.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace mlir;

namespace edgec::kernels {
#define GEN_PASS_DEF_SELECTKERNELSPASS
#include "passes/Kernels/Passes.h.inc"

namespace {

/// The version of the tuning file format this pass reads (docs/design.md,
/// "Tuning").
constexpr int64_t kTuningFormat = 1;

std::string rowNames(const std::vector<const KernelRow *> &rows) {
  std::string names;
  for (const KernelRow *r : rows)
    names += (names.empty() ? "" : ", ") + std::string(r->name);
  return names;
}

/// Reads `path` and writes `edge.tuned` (and `edge.tuned_instructions`) on
/// the layers it names. Every problem is reported before it fails.
LogicalResult applyTuning(ModuleOp module, llvm::StringRef path, edge::KernelFamily family) {
  auto fail = [&](const llvm::Twine &message) {
    emitError(module.getLoc()) << "tuning file '" << path << "': " << message;
    return failure();
  };
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return fail("cannot read it: " + buffer.getError().message());
  llvm::Expected<llvm::json::Value> parsed = llvm::json::parse((*buffer)->getBuffer());
  if (!parsed)
    return fail("not JSON: " + llvm::toString(parsed.takeError()));
  const llvm::json::Object *root = parsed->getAsObject();
  if (!root)
    return fail("not a JSON object");
  if (root->getInteger("edgec_tuning") != kTuningFormat)
    return fail("not an edgec tuning file of format " + llvm::Twine(kTuningFormat) +
                " (its \"edgec_tuning\" must be " + llvm::Twine(kTuningFormat) + ")");
  std::optional<llvm::StringRef> fileFamily = root->getString("family");
  if (!fileFamily)
    return fail("it has no \"family\"");
  llvm::StringRef wanted = edge::stringifyKernelFamily(family);
  if (*fileFamily != wanted)
    return fail("it was measured on kernel family '" + *fileFamily + "', not '" + wanted +
                "' (tune again for this target)");
  const llvm::json::Object *layers = root->getObject("layers");
  if (!layers)
    return fail("it has no \"layers\" object");

  llvm::StringMap<Operation *> byKey;
  for (auto &[op, key] : tuningKeys(module))
    byKey[key] = op;
  // In the file's key order sorted, so that the errors come out the same
  // way every time.
  std::vector<llvm::StringRef> keys;
  for (const auto &kv : *layers)
    keys.push_back(kv.first);
  llvm::sort(keys);
  bool ok = true;
  for (llvm::StringRef key : keys) {
    const llvm::json::Object *entry = layers->getObject(key);
    std::optional<llvm::StringRef> kernel = entry ? entry->getString("kernel") : std::nullopt;
    if (!kernel) {
      (void)fail("layer '" + key + "' has no \"kernel\" string");
      ok = false;
      continue;
    }
    Operation *op = byKey.lookup(key);
    if (!op) {
      (void)fail("it names layer '" + key +
                 "', which this model does not have (tuned for another model, or with other "
                 "compile options?)");
      ok = false;
      continue;
    }
    std::vector<const KernelRow *> candidates = candidateRows(op, family);
    const KernelRow *row = findRow(*kernel);
    if (!row || !llvm::is_contained(candidates, row)) {
      op->emitError() << "tuning file '" << path << "' asks kernel '" << *kernel
                      << "' for layer '" << key << "', which "
                      << (row ? "cannot run it on family '" + wanted.str() + "'"
                              : std::string("is not in the kernel table"))
                      << " (candidates: " << rowNames(candidates) << ")";
      ok = false;
      continue;
    }
    op->setAttr(edge::kTunedAttr, StringAttr::get(module.getContext(), row->name));
    if (const llvm::json::Object *measured = entry->getObject("instructions"))
      if (std::optional<int64_t> n = measured->getInteger(row->name); n && *n >= 0)
        op->setAttr(edge::kTunedInstructionsAttr,
                    IntegerAttr::get(IntegerType::get(module.getContext(), 64), *n));
  }
  return success(ok);
}

struct SelectKernelsPass : impl::SelectKernelsPassBase<SelectKernelsPass> {
  using SelectKernelsPassBase::SelectKernelsPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    module->setAttr(edge::kFamilyAttr, edge::KernelFamilyAttr::get(&getContext(), family));
    if (!tuning.empty() && failed(applyTuning(module, tuning, family)))
      return signalPassFailure();
    bool legal = true;
    module.walk([&](Operation *op) {
      if (!isComputeOp(op))
        return;
      if (const KernelRow *row = selectRow(op, family)) {
        op->setAttr(edge::kKernelAttr, kernelAttr(*row, op, family));
        return;
      }
      legal = false;
      std::string types;
      llvm::raw_string_ostream os(types);
      llvm::interleaveComma(op->getOperandTypes(), os);
      os << " -> ";
      llvm::interleaveComma(op->getResultTypes(), os);
      op->emitError() << "no kernel for '" << op->getName() << "' on these types in family '"
                      << edge::stringifyKernelFamily(family) << "'";
      op->emitRemark() << "operand and result types: " << types;
    });
    if (!legal)
      signalPassFailure();
  }
};

} // namespace
} // namespace edgec::kernels
