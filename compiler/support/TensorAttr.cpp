//===- TensorAttr.cpp - constants between MLIR attributes and Tensors ------===//
//
// The one conversion between the IR's constant attributes (dense, splat,
// dense_resource) and host Tensors, for every library that reads or writes
// constants: importer, passes, evaluator, code generator.
//
//===----------------------------------------------------------------------===//

#include "edgec/Support/TensorAttr.h"
#include "edgec/Support/Names.h"

#include <cctype>
#include "edgec/IR/EdgeOps.h"

#include "mlir/IR/DialectResourceBlobManager.h"

using namespace mlir;

namespace edgec {

DType dtypeOf(Type t) {
  if (auto q = dyn_cast<mlir::quant::QuantizedType>(t))
    t = q.getStorageType();
  if (t.isF32()) return DType::F32;
  if (t.isF16()) return DType::F16;
  if (t.isBF16()) return DType::BF16;
  if (t.isFloat8E4M3FN()) return DType::F8E4M3FN;
  if (t.isFloat8E4M3FNUZ()) return DType::F8E4M3FNUZ;
  if (t.isFloat8E5M2()) return DType::F8E5M2;
  if (t.isFloat8E5M2FNUZ()) return DType::F8E5M2FNUZ;
  if (t.isInteger(4)) return t.isUnsignedInteger() ? DType::U4 : DType::I4;
  if (t.isInteger(2)) return t.isUnsignedInteger() ? DType::U2 : DType::I2;
  if (t.isInteger(64)) return t.isUnsignedInteger() ? DType::U64 : DType::I64;
  if (t.isInteger(32)) return t.isUnsignedInteger() ? DType::U32 : DType::I32;
  if (t.isInteger(16)) return t.isUnsignedInteger() ? DType::U16 : DType::I16;
  if (t.isInteger(8)) return t.isUnsignedInteger() ? DType::U8 : DType::I8;
  if (t.isInteger(1)) return DType::Bool;
  return DType::F32;
}

Type mlirTypeOf(MLIRContext *ctx, DType t) {
  Builder b(ctx);
  switch (t) {
  case DType::F32: return b.getF32Type();
  case DType::F16: return b.getF16Type();
  case DType::I64: return b.getI64Type();
  case DType::I32: return b.getI32Type();
  case DType::I16: return b.getIntegerType(16);
  case DType::I8: return b.getIntegerType(8);
  case DType::U8: return b.getIntegerType(8, false);
  case DType::U16: return b.getIntegerType(16, false);
  case DType::U32: return b.getIntegerType(32, false);
  case DType::U64: return b.getIntegerType(64, false);
  case DType::Bool: return b.getI1Type();
  case DType::BF16: return b.getBF16Type();
  case DType::F8E4M3FN: return b.getFloat8E4M3FNType();
  case DType::F8E4M3FNUZ: return b.getFloat8E4M3FNUZType();
  case DType::F8E5M2: return b.getFloat8E5M2Type();
  case DType::F8E5M2FNUZ: return b.getFloat8E5M2FNUZType();
  case DType::I4: return b.getIntegerType(4);
  case DType::U4: return b.getIntegerType(4, false);
  case DType::I2: return b.getIntegerType(2);
  case DType::U2: return b.getIntegerType(2, false);
  }
  return b.getF32Type();
}

bool isNarrowFloatType(Type t) {
  return t.isF16() || t.isBF16() || t.isFloat8E4M3FN() || t.isFloat8E4M3FNUZ() ||
         t.isFloat8E5M2() || t.isFloat8E5M2FNUZ();
}

bool isSubByteIntegerType(Type t) { return t.isInteger(4) || t.isInteger(2); }

Value materializeConstant(OpBuilder &b, Location loc, const Tensor &t, StringRef blobName,
                          Type resultElement) {
  constexpr size_t kInlineConstantBytes = 256;
  auto type = RankedTensorType::get(t.shape, mlirTypeOf(b.getContext(), t.dtype));
  std::vector<char> bytes = t.bytes();
  ElementsAttr attr;
  if (t.dtype == DType::Bool) {
    SmallVector<bool> bits(t.i.begin(), t.i.end());
    attr = DenseElementsAttr::get(type, ArrayRef<bool>(bits));
  } else if (bytes.size() <= kInlineConstantBytes) {
    attr = DenseElementsAttr::getFromRawBuffer(type, ArrayRef<char>(bytes));
  } else {
    auto blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(ArrayRef<char>(bytes), 16);
    // The key is printed bare in the IR: a name that is not an MLIR bare
    // identifier (TFLite's "conv/weights/read") would not parse back.
    auto bare = [](StringRef n) {
      return !n.empty() && (std::isalpha((unsigned char)n[0]) || n[0] == '_') &&
             llvm::all_of(n, [](char ch) {
               return std::isalnum((unsigned char)ch) || ch == '_' || ch == '$' || ch == '.' ||
                      ch == '-';
             });
    };
    std::string key = bare(blobName) ? blobName.str() : sanitizeIdentifier(blobName.str(), "blob");
    attr = DenseResourceElementsAttr::get(type, key, std::move(blob));
  }
  if (resultElement)
    type = RankedTensorType::get(t.shape, resultElement);
  return b.create<edge::ConstantOp>(loc, type, attr);
}

Tensor tensorFromAttr(ElementsAttr attr) {
  auto type = cast<ShapedType>(attr.getType());
  std::vector<int64_t> shape(type.getShape().begin(), type.getShape().end());
  std::vector<char> bytes = constantBytes(attr);
  DType dt = dtypeOf(type.getElementType());
  if ((int64_t)bytes.size() != type.getNumElements() * (int64_t)dtypeSize(dt))
    return Tensor::zeros(dt, shape);
  return Tensor::fromBytes(dt, shape, bytes.data());
}

} // namespace edgec
