//===- EdgeInterfaces.td - edge dialect op interfaces ------------*- tablegen -*-===//
//
// Per-op facts that passes, the evaluator and codegen query, declared on the
// ops instead of switched over op by op.
//
//===----------------------------------------------------------------------===//

#ifndef EDGEC_IR_EDGEINTERFACES_TD
#define EDGEC_IR_EDGEINTERFACES_TD

include "mlir/IR/OpBase.td"

def Edge_ReduceOpInterface : OpInterface<"ReduceOpInterface"> {
  let cppNamespace = "::edgec::edge";
  let description = [{
    A reduction over `axes`: what it computes is its ReduceKind, which the
    evaluator and the reduce kernel's functor are chosen by.
  }];
  let methods = [
    InterfaceMethod<"What the reduction computes", "::edgec::edge::ReduceKind",
                    "getReduceKind">,
  ];
}

#endif // EDGEC_IR_EDGEINTERFACES_TD
