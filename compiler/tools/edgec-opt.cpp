//===- edgec-opt.cpp - mlir-opt with the edge dialect and passes -----------===//

#include "edgec/Pipelines/Pipelines.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  edgec::registerEdgeDialects(registry);
  edgec::registerEdgePassesAndPipelines();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "edgec optimizer driver\n", registry));
}
