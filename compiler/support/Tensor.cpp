#include "edgec/Support/Tensor.h"

#include <cstring>

namespace edgec {

const char *dtypeName(DType t) {
  switch (t) {
  case DType::F32: return "float32";
  case DType::I64: return "int64";
  case DType::I32: return "int32";
  case DType::I16: return "int16";
  case DType::I8: return "int8";
  case DType::U8: return "uint8";
  case DType::U16: return "uint16";
  case DType::U32: return "uint32";
  case DType::U64: return "uint64";
  case DType::Bool: return "bool";
  }
  return "?";
}

size_t dtypeSize(DType t) {
  switch (t) {
  case DType::F32: case DType::I32: case DType::U32: return 4;
  case DType::I64: case DType::U64: return 8;
  case DType::I16: case DType::U16: return 2;
  case DType::I8: case DType::U8: case DType::Bool: return 1;
  }
  return 1;
}

bool isUnsigned(DType t) {
  return t == DType::U8 || t == DType::U16 || t == DType::U32 || t == DType::U64;
}

int64_t wrapInteger(DType t, int64_t v) {
  switch (t) {
  case DType::I32: return (int32_t)v;
  case DType::I16: return (int16_t)v;
  case DType::I8: return (int8_t)v;
  case DType::U8: return (uint8_t)v;
  case DType::U16: return (uint16_t)v;
  case DType::U32: return (uint32_t)v;
  case DType::Bool: return v != 0;
  default: return v;
  }
}

int64_t product(const std::vector<int64_t> &shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

std::string shapeToString(const std::vector<int64_t> &shape) {
  std::string s;
  for (size_t k = 0; k < shape.size(); ++k)
    s += (k ? "x" : "") + std::to_string(shape[k]);
  return shape.empty() ? "scalar" : s;
}

Tensor Tensor::zeros(DType t, std::vector<int64_t> shape) {
  Tensor r;
  r.dtype = t;
  r.shape = std::move(shape);
  if (t == DType::F32)
    r.f.assign(product(r.shape), 0.f);
  else
    r.i.assign(product(r.shape), 0);
  return r;
}

int64_t Tensor::numElements() const { return product(shape); }

std::vector<char> Tensor::bytes() const {
  int64_t n = numElements();
  std::vector<char> out(n * dtypeSize(dtype));
  for (int64_t k = 0; k < n; ++k) {
    char *p = out.data() + k * dtypeSize(dtype);
    switch (dtype) {
    case DType::F32: std::memcpy(p, &f[k], 4); break;
    case DType::I64: std::memcpy(p, &i[k], 8); break;
    case DType::I32: { int32_t v = (int32_t)i[k]; std::memcpy(p, &v, 4); break; }
    case DType::I16: case DType::U16: { int16_t v = (int16_t)i[k]; std::memcpy(p, &v, 2); break; }
    case DType::U32: { uint32_t v = (uint32_t)i[k]; std::memcpy(p, &v, 4); break; }
    case DType::U64: std::memcpy(p, &i[k], 8); break;
    case DType::I8: case DType::U8: case DType::Bool: *p = (char)i[k]; break;
    }
  }
  return out;
}

Tensor Tensor::fromBytes(DType t, std::vector<int64_t> shape, const char *data) {
  Tensor r = zeros(t, std::move(shape));
  int64_t n = r.numElements();
  for (int64_t k = 0; k < n; ++k) {
    const char *p = data + k * dtypeSize(t);
    switch (t) {
    case DType::F32: std::memcpy(&r.f[k], p, 4); break;
    case DType::I64: std::memcpy(&r.i[k], p, 8); break;
    case DType::I32: { int32_t v; std::memcpy(&v, p, 4); r.i[k] = v; break; }
    case DType::I16: { int16_t v; std::memcpy(&v, p, 2); r.i[k] = v; break; }
    case DType::I8: r.i[k] = (int8_t)*p; break;
    case DType::U8: r.i[k] = (uint8_t)*p; break;
    case DType::U16: { uint16_t v; std::memcpy(&v, p, 2); r.i[k] = v; break; }
    case DType::U32: { uint32_t v; std::memcpy(&v, p, 4); r.i[k] = v; break; }
    case DType::U64: std::memcpy(&r.i[k], p, 8); break;
    case DType::Bool: r.i[k] = *p ? 1 : 0; break;
    }
  }
  return r;
}

} // namespace edgec
