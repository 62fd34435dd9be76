#include "edgec/Support/Npy.h"
#include "edgec/Support/Files.h"
#include "edgec/harness/npy_header.h"

#include <cstring>
#include <fstream>
#include <sstream>

namespace edgec {

namespace {
bool parseDescr(const std::string &d, DType &t, bool &isF64) {
  isF64 = false;
  if (d == "<f4") t = DType::F32;
  else if (d == "<f8") { t = DType::F32; isF64 = true; }
  else if (d == "<f2") t = DType::F16;
  else if (d == "<i8") t = DType::I64;
  else if (d == "<i4") t = DType::I32;
  else if (d == "<i2") t = DType::I16;
  else if (d == "|i1") t = DType::I8;
  else if (d == "|u1") t = DType::U8;
  else if (d == "<u2") t = DType::U16;
  else if (d == "<u4") t = DType::U32;
  else if (d == "<u8") t = DType::U64;
  else if (d == "|b1") t = DType::Bool;
  else return false;
  return true;
}

const char *descrOf(DType t) {
  switch (t) {
  case DType::F32: return "<f4";
  case DType::F16: return "<f2";
  case DType::I64: return "<i8";
  case DType::I32: return "<i4";
  case DType::I16: return "<i2";
  case DType::I8: return "|i1";
  case DType::U8: return "|u1";
  case DType::U16: return "<u2";
  case DType::U32: return "<u4";
  case DType::U64: return "<u8";
  case DType::Bool: return "|b1";
  // No NumPy dtype of their own.
  case DType::BF16:
  case DType::F8E4M3FN:
  case DType::F8E4M3FNUZ:
  case DType::F8E5M2:
  case DType::F8E5M2FNUZ:
  case DType::I4:
  case DType::U4:
  case DType::I2:
  case DType::U2: return "";
  }
  return "";
}

} // namespace

bool parseNpy(const std::string &bytes, const std::string &path, Tensor &out,
              std::string &error) {
  std::istringstream in(bytes);
  char magic[8];
  if (!in.read(magic, 8) || std::memcmp(magic, "\x93NUMPY", 6) != 0) {
    error = "'" + path + "' is not a .npy file (bad magic)";
    return false;
  }
  if (magic[6] < 1 || magic[6] > 3) {
    error = "'" + path + "': unsupported .npy version " + std::to_string((int)magic[6]);
    return false;
  }
  uint32_t hlen = 0;
  if (magic[6] == 1) {
    unsigned char b[2];
    if (!in.read((char *)b, 2)) { error = "'" + path + "': truncated header"; return false; }
    hlen = b[0] | (b[1] << 8);
  } else {
    unsigned char b[4];
    if (!in.read((char *)b, 4)) { error = "'" + path + "': truncated header"; return false; }
    hlen = b[0] | (b[1] << 8) | (b[2] << 16) | ((uint32_t)b[3] << 24);
  }
  if (hlen > (1u << 20)) { error = "'" + path + "': header too large"; return false; }
  std::string h(hlen, '\0');
  if (!in.read(h.data(), hlen)) { error = "'" + path + "': truncated header"; return false; }
  // The same parser as the generated harness's (edgec/harness/npy_header.h).
  harness::NpyHeader hd;
  if (!harness::parseNpyHeader(h.c_str(), hd)) {
    error = "'" + path + "': malformed .npy header '" + h.substr(0, 200) + "'";
    return false;
  }
  DType t;
  bool f64;
  if (!parseDescr(hd.descr, t, f64)) {
    error = "'" + path + "': unsupported dtype '" + std::string(hd.descr) + "' (expected float32/64, int8/16/32/64, uint8/16/32/64 or bool, little-endian)";
    return false;
  }
  if (hd.fortran == 1 && !harness::orderIrrelevant(hd)) {
    error = "'" + path + "': Fortran-order arrays are not supported; save with np.ascontiguousarray";
    return false;
  }
  std::vector<int64_t> shape(hd.shape, hd.shape + hd.rank);
  size_t esize = f64 ? 8 : dtypeSize(t);
  // Checked product: (2^62, 4) must be "too large", not wrap to nothing.
  uint64_t n = 1;
  for (int64_t d : shape) {
    if (d != 0 && n > (1ull << 34) / esize / (uint64_t)d) {
      error = "'" + path + "': array of shape " + shapeToString(shape) + " is too large (over 16 GiB)";
      return false;
    }
    n *= (uint64_t)d;
  }
  if (n * esize > (1ull << 34)) {
    error = "'" + path + "': array of shape " + shapeToString(shape) + " is too large (over 16 GiB)";
    return false;
  }
  // The data's size is known before anything is allocated: a header that
  // claims gigabytes over a few bytes of data costs nothing (fuzz finding).
  uint64_t need = n * esize, at = (uint64_t)in.tellg(), have = bytes.size() - at;
  if (have < need) {
    error = "'" + path + "': data is truncated (" + std::to_string(have) + " bytes, shape " +
            shapeToString(shape) + " needs " + std::to_string(need) + ")";
    return false;
  }
  if (have > need) {
    error = "'" + path + "': bytes after the data of shape " + shapeToString(shape);
    return false;
  }
  const char *data = bytes.data() + at;
  if (f64) {
    out = Tensor::zeros(DType::F32, shape);
    for (uint64_t k = 0; k < n; ++k) {
      double d;
      std::memcpy(&d, data + 8 * k, 8);
      out.f[k] = (float)d;
    }
  } else {
    out = Tensor::fromBytes(t, shape, data);
  }
  return true;
}

bool readNpy(const std::string &path, Tensor &out, std::string &error) {
  std::string bytes;
  return files::readWholeFile(path, bytes, error) && parseNpy(bytes, path, out, error);
}

std::string npyBytes(const Tensor &stored) {
  const Tensor t = toCarrier(stored); // bfloat16 as float32, int4 as int8, ...
  std::string shape = "(";
  for (int64_t d : t.shape) shape += std::to_string(d) + ", ";
  if (t.shape.size() > 1) shape.resize(shape.size() - 2);
  else if (t.shape.size() == 1) shape.resize(shape.size() - 1);
  shape += ")";
  std::string h = std::string("{'descr': '") + descrOf(t.dtype) + "', 'fortran_order': False, 'shape': " + shape + ", }";
  size_t total = 10 + h.size() + 1;
  h.append((64 - total % 64) % 64, ' ');
  h += '\n';
  std::string out("\x93NUMPY\x01\x00", 8);
  out += (char)(h.size() & 0xff);
  out += (char)(h.size() >> 8);
  out += h;
  std::vector<char> b = t.bytes();
  out.append(b.data(), b.size());
  return out;
}

bool writeNpy(const std::string &path, const Tensor &t, std::string &error) {
  std::string bytes = npyBytes(t);
  std::ofstream o(path, std::ios::binary);
  if (!o) { error = "cannot write '" + path + "'"; return false; }
  o.write(bytes.data(), bytes.size());
  if (!o) { error = "write to '" + path + "' failed"; return false; }
  return true;
}

} // namespace edgec
