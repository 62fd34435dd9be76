#include "edgec/Support/Tensor.h"
#include "edgec/narrow_types.h"

#include <cmath>
#include <cstring>

namespace edgec {

const char *dtypeName(DType t) {
  switch (t) {
  case DType::F32: return "float32";
  case DType::F16: return "float16";
  case DType::I64: return "int64";
  case DType::I32: return "int32";
  case DType::I16: return "int16";
  case DType::I8: return "int8";
  case DType::U8: return "uint8";
  case DType::U16: return "uint16";
  case DType::U32: return "uint32";
  case DType::U64: return "uint64";
  case DType::Bool: return "bool";
  case DType::BF16: return "bfloat16";
  case DType::F8E4M3FN: return "float8e4m3fn";
  case DType::F8E4M3FNUZ: return "float8e4m3fnuz";
  case DType::F8E5M2: return "float8e5m2";
  case DType::F8E5M2FNUZ: return "float8e5m2fnuz";
  case DType::I4: return "int4";
  case DType::U4: return "uint4";
  case DType::I2: return "int2";
  case DType::U2: return "uint2";
  }
  return "?";
}

size_t dtypeSize(DType t) {
  switch (t) {
  case DType::F32: case DType::I32: case DType::U32: return 4;
  case DType::I64: case DType::U64: return 8;
  case DType::I16: case DType::U16: case DType::F16: case DType::BF16: return 2;
  case DType::I8: case DType::U8: case DType::Bool: return 1;
  case DType::F8E4M3FN: case DType::F8E4M3FNUZ: case DType::F8E5M2: case DType::F8E5M2FNUZ:
  case DType::I4: case DType::U4: case DType::I2: case DType::U2: return 1; // one per byte
  }
  return 1;
}

bool isNarrowFloat(DType t) {
  switch (t) {
  case DType::F16: case DType::BF16: case DType::F8E4M3FN: case DType::F8E4M3FNUZ:
  case DType::F8E5M2: case DType::F8E5M2FNUZ: return true;
  default: return false;
  }
}

uint32_t narrowFloatBits(DType t, float f, bool saturate) {
  switch (t) {
  case DType::F16: return floatToHalf(f);
  case DType::BF16: return float_to_narrow<Bf16Format>(f, false);
  case DType::F8E4M3FN: return float_to_narrow<F8E4M3FNFormat>(f, saturate);
  case DType::F8E4M3FNUZ: return float_to_narrow<F8E4M3FNUZFormat>(f, saturate);
  case DType::F8E5M2: return float_to_narrow<F8E5M2Format>(f, saturate);
  case DType::F8E5M2FNUZ: return float_to_narrow<F8E5M2FNUZFormat>(f, saturate);
  default: return 0;
  }
}

float narrowFloatValue(DType t, uint32_t bits) {
  switch (t) {
  case DType::F16: return halfToFloat((uint16_t)bits);
  case DType::BF16: return narrow_to_float<Bf16Format>(bits);
  case DType::F8E4M3FN: return narrow_to_float<F8E4M3FNFormat>(bits);
  case DType::F8E4M3FNUZ: return narrow_to_float<F8E4M3FNUZFormat>(bits);
  case DType::F8E5M2: return narrow_to_float<F8E5M2Format>(bits);
  case DType::F8E5M2FNUZ: return narrow_to_float<F8E5M2FNUZFormat>(bits);
  default: return 0.f;
  }
}

float halfToFloat(uint16_t h) {
  uint32_t sign = (uint32_t)(h & 0x8000) << 16, exp = (h >> 10) & 0x1f, man = h & 0x3ff, bits;
  if (exp == 0x1f) {
    bits = sign | 0x7f800000 | (man << 13); // infinity or NaN
  } else if (exp != 0) {
    bits = sign | ((exp + 112) << 23) | (man << 13);
  } else if (man == 0) {
    bits = sign;
  } else { // subnormal: normalize
    int shift = 0;
    while (!(man & 0x400)) {
      man <<= 1;
      ++shift;
    }
    bits = sign | ((uint32_t)(113 - shift) << 23) | ((man & 0x3ff) << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

uint16_t floatToHalf(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  uint16_t sign = (uint16_t)((x >> 16) & 0x8000);
  uint32_t exp = (x >> 23) & 0xff, man = x & 0x7fffff;
  if (exp == 0xff) // infinity, or NaN kept quiet
    return sign | 0x7c00 | (man ? 0x200 | (uint16_t)(man >> 13) : 0);
  int32_t e = (int32_t)exp - 127 + 15;
  if (e >= 0x1f)
    return sign | 0x7c00; // overflow
  if (e <= 0) {           // subnormal half, or zero
    if (e < -10)
      return sign;
    man |= 0x800000;
    uint32_t shift = (uint32_t)(14 - e);
    uint32_t half = man >> shift, rest = man & ((1u << shift) - 1), mid = 1u << (shift - 1);
    if (rest > mid || (rest == mid && (half & 1)))
      ++half;
    return sign | (uint16_t)half;
  }
  uint32_t half = ((uint32_t)e << 10) | (man >> 13), rest = man & 0x1fff;
  if (rest > 0x1000 || (rest == 0x1000 && (half & 1)))
    ++half; // may carry into the exponent, up to infinity: still correct
  return sign | (uint16_t)half;
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
  case DType::I4: return wrap_sub_byte<int4>(v).value;
  case DType::U4: return wrap_sub_byte<uint4>(v).value;
  case DType::I2: return wrap_sub_byte<int2>(v).value;
  case DType::U2: return wrap_sub_byte<uint2>(v).value;
  default: return v;
  }
}

DType npyCarrier(DType t) {
  switch (t) {
  case DType::BF16: case DType::F8E4M3FN: case DType::F8E4M3FNUZ: case DType::F8E5M2:
  case DType::F8E5M2FNUZ: return DType::F32;
  case DType::I4: case DType::I2: return DType::I8;
  case DType::U4: case DType::U2: return DType::U8;
  default: return t;
  }
}

std::optional<Tensor> fromCarrier(const Tensor &carrier, DType t, std::string &why) {
  if (carrier.dtype == t)
    return carrier;
  if (carrier.dtype != npyCarrier(t) || npyCarrier(t) == t) {
    why = std::string("expects ") + dtypeName(t) + ", got " + dtypeName(carrier.dtype);
    return std::nullopt;
  }
  Tensor r = Tensor::zeros(t, carrier.shape);
  for (int64_t k = 0; k < r.numElements(); ++k) {
    if (r.isFloat()) {
      r.f[k] = roundToNarrow(t, carrier.f[k]);
    } else if (wrapInteger(t, carrier.i[k]) != carrier.i[k]) {
      why = std::string("element ") + std::to_string(k) + " = " + std::to_string(carrier.i[k]) +
            " is out of " + dtypeName(t) + "'s range";
      return std::nullopt;
    } else {
      r.i[k] = carrier.i[k];
    }
  }
  return r;
}

Tensor toCarrier(const Tensor &t) {
  DType c = npyCarrier(t.dtype);
  if (c == t.dtype)
    return t;
  Tensor r = t;
  r.dtype = c;
  return r;
}

int64_t product(const std::vector<int64_t> &shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

Tensor transposed(const Tensor &t, const std::vector<int64_t> &perm,
                  const std::vector<int64_t> &reversed) {
  const size_t rank = t.shape.size();
  std::vector<int64_t> outShape(rank), inStrides(rank, 1);
  for (size_t k = rank; k-- > 1;)
    inStrides[k - 1] = inStrides[k] * t.shape[k];
  std::vector<int64_t> strides(rank); // input stride of each output axis
  for (size_t k = 0; k < rank; ++k) {
    outShape[k] = t.shape[perm[k]];
    strides[k] = inStrides[perm[k]];
  }
  int64_t src = 0;
  for (int64_t k : reversed) {
    src += strides[k] * (outShape[k] - 1);
    strides[k] = -strides[k];
  }
  Tensor r = Tensor::zeros(t.dtype, outShape);
  std::vector<int64_t> idx(rank, 0);
  for (int64_t dst = 0, n = r.numElements(); dst < n; ++dst) {
    if (r.isFloat())
      r.f[dst] = t.f[src];
    else
      r.i[dst] = t.i[src];
    // The next output index, row-major, and its source offset.
    for (size_t k = rank; k-- > 0;) {
      src += strides[k];
      if (++idx[k] < outShape[k])
        break;
      src -= strides[k] * outShape[k];
      idx[k] = 0;
    }
  }
  return r;
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
  if (t == DType::F32 || isNarrowFloat(t))
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
    case DType::F16: { uint16_t h = floatToHalf(f[k]); std::memcpy(p, &h, 2); break; }
    case DType::I64: std::memcpy(p, &i[k], 8); break;
    case DType::I32: { int32_t v = (int32_t)i[k]; std::memcpy(p, &v, 4); break; }
    case DType::I16: case DType::U16: { int16_t v = (int16_t)i[k]; std::memcpy(p, &v, 2); break; }
    case DType::U32: { uint32_t v = (uint32_t)i[k]; std::memcpy(p, &v, 4); break; }
    case DType::U64: std::memcpy(p, &i[k], 8); break;
    case DType::I8: case DType::U8: case DType::Bool: *p = (char)i[k]; break;
    case DType::BF16: { uint16_t h = (uint16_t)narrowFloatBits(dtype, f[k]); std::memcpy(p, &h, 2); break; }
    case DType::F8E4M3FN: case DType::F8E4M3FNUZ: case DType::F8E5M2: case DType::F8E5M2FNUZ:
      *p = (char)narrowFloatBits(dtype, f[k]);
      break;
    // The low bits only: an MLIR i4 / ui4 constant reads a byte as 4 bits.
    case DType::I4: case DType::U4: *p = (char)(i[k] & 0xf); break;
    case DType::I2: case DType::U2: *p = (char)(i[k] & 0x3); break;
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
    case DType::F16: { uint16_t h; std::memcpy(&h, p, 2); r.f[k] = halfToFloat(h); break; }
    case DType::I64: std::memcpy(&r.i[k], p, 8); break;
    case DType::I32: { int32_t v; std::memcpy(&v, p, 4); r.i[k] = v; break; }
    case DType::I16: { int16_t v; std::memcpy(&v, p, 2); r.i[k] = v; break; }
    case DType::I8: r.i[k] = (int8_t)*p; break;
    case DType::U8: r.i[k] = (uint8_t)*p; break;
    case DType::U16: { uint16_t v; std::memcpy(&v, p, 2); r.i[k] = v; break; }
    case DType::U32: { uint32_t v; std::memcpy(&v, p, 4); r.i[k] = v; break; }
    case DType::U64: std::memcpy(&r.i[k], p, 8); break;
    case DType::Bool: r.i[k] = *p ? 1 : 0; break;
    case DType::BF16: { uint16_t h; std::memcpy(&h, p, 2); r.f[k] = narrowFloatValue(t, h); break; }
    case DType::F8E4M3FN: case DType::F8E4M3FNUZ: case DType::F8E5M2: case DType::F8E5M2FNUZ:
      r.f[k] = narrowFloatValue(t, (uint8_t)*p);
      break;
    case DType::I4: case DType::U4: case DType::I2: case DType::U2:
      r.i[k] = wrapInteger(t, (uint8_t)*p);
      break;
    }
  }
  return r;
}

NonFinite countNonFinite(const Tensor &t) {
  NonFinite r;
  if (t.isFloat())
    for (float v : t.f) {
      r.nan += std::isnan(v);
      r.inf += std::isinf(v);
    }
  return r;
}

} // namespace edgec
