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
    SVDF's memory of its last inputs, an LSTM's hidden and cell state). The
    state is one or more parts, each a tensor of per-tensor quantized
    integers, laid out one after the other (each at a multiple of its element
    size). The memory plan gives the state its own arena buffer, live at every
    step (BufferKind::State); the generated header resets it (every element at
    its initial value) and the evaluator carries it in a ModelState. The op
    declares reads and writes of the model-state resource, so nothing moves or
    drops it.
  }];
  let methods = [
    InterfaceMethod<"The state's parts in their order in the arena: each a shape and a per-tensor "
                    "quantized element (its storage is what the kernel keeps)",
                    "::llvm::SmallVector<::mlir::RankedTensorType>", "getStateTensorTypes">,
    InterfaceMethod<"The stored value every element of part `part` starts (and restarts) at: "
                    "TFLite-Micro's ResetVariableTensors, the zero point of an int8 part and 0 "
                    "for any other", "int64_t", "getStateInitialValue", (ins "unsigned":$part), [{}], [{
      auto t = $_op.getStateTensorTypes()[part];
      auto q = ::mlir::cast<::mlir::quant::UniformQuantizedType>(t.getElementType());
      return q.getStorageTypeIntegralWidth() == 8 ? q.getZeroPoint() : 0;
    }]>,
    InterfaceMethod<"Byte offset of part `part` within the state: after the parts before it, "
                    "at a multiple of its element size", "int64_t", "getStatePartOffset",
                    (ins "unsigned":$part), [{}], [{
      return ::edgec::edge::statePartOffsets($_op.getStateTensorTypes())[part];
    }]>,
    InterfaceMethod<"Bytes of the state (all its parts)", "int64_t", "getStateBytes", (ins), [{}], [{
      return ::edgec::edge::statePartOffsets($_op.getStateTensorTypes()).back();
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
