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
    InterfaceMethod<[{The input viewed as [outer, len, inner] with the reduced
                      axes as `len`, when they are adjacent (size-1 axes
                      between them count as adjacent); none otherwise. The
                      reduce kernels (float and int8) take this view.}],
                    "std::optional<std::array<int64_t, 3>>", "getAdjacentView", (ins), [{}],
                    [{
      return ::edgec::edge::adjacentReductionView(
          ::mlir::cast<::mlir::ShapedType>($_op.getInput().getType()).getShape(),
          $_op.getAxes());
    }]>,
  ];
}

def Edge_RealFunctionOpInterface : OpInterface<"RealFunctionOpInterface"> {
  let cppNamespace = "::edgec::edge";
  let description = [{
    An element-wise unary op that computes a real function y = f(x): its
    definition, in double, is the one the evaluator runs and the int8 lookup
    tables are built from. Declared with the op (Edge_UnaryOp's `fn`).
  }];
  let methods = [
    InterfaceMethod<"f(x), in double", "double", "applyReal", (ins "double":$x)>,
    InterfaceMethod<[{The closed interval f maps every input into, when it is
                      bounded (sigmoid [0, 1], tanh [-1, 1], a finite clip);
                      calibration quantizes the output over it, whatever the
                      calibration data reached}],
                    "std::optional<std::pair<double, double>>", "getRealImage">,
  ];
}

def Edge_StateOpInterface : OpInterface<"StateOpInterface"> {
  let cppNamespace = "::edgec::edge";
  let description = [{
    An op that keeps state from one run of the model to the next (a .tflite
    SVDF's memory of its last inputs). The memory plan gives the state its
    own arena buffer, live at every step (BufferKind::State); the generated
    header resets it (every element at its initial value) and the evaluator
    carries it in a ModelState. The op declares reads and writes of the
    model-state resource, so nothing moves or drops it.
  }];
  let methods = [
    InterfaceMethod<"The state's shape and per-tensor quantized element (its storage is what the "
                    "kernel keeps)", "::mlir::RankedTensorType", "getStateTensorType">,
    InterfaceMethod<"Bytes of the state", "int64_t", "getStateBytes", (ins), [{}], [{
      auto t = $_op.getStateTensorType();
      auto q = ::mlir::cast<::mlir::quant::QuantizedType>(t.getElementType());
      return t.getNumElements() * (q.getStorageTypeIntegralWidth() / 8);
    }]>,
    InterfaceMethod<"The stored value every element starts (and restarts) at: the zero point",
                    "int64_t", "getStateInitialValue", (ins), [{}], [{
      auto t = $_op.getStateTensorType();
      auto q = ::mlir::cast<::mlir::quant::UniformQuantizedType>(t.getElementType());
      return q.getZeroPoint();
    }]>,
  ];
}

def Edge_KernelOpInterface : OpInterface<"EdgeKernelOpInterface"> {
  let cppNamespace = "::edgec::edge";
  let description = [{
    How an op becomes generated C++: its kernel parameter struct and the call
    of the kernel edge-select-kernels chose (`edge.kernel`), in float and in
    int8, written through codegen's typed KernelWriter. The IR only declares
    it; the implementations are external models attached from codegen/ops/
    (one file per op family), so the dialect does not depend on codegen.
  }];
  let methods = [
    InterfaceMethod<"Writes the op's parameters and kernel call; failure after a diagnostic",
                    "::mlir::LogicalResult", "emitKernel",
                    (ins "::edgec::codegen::KernelWriter &":$writer)>,
  ];
}

#endif // EDGEC_IR_EDGEINTERFACES_TD
