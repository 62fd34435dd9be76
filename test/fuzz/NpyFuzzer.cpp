//===- NpyFuzzer.cpp - libFuzzer target over the .npy and .npz readers -----===//
//
// The same bytes go to edgec's reader (edgec::parseNpy) and to the generated
// harness's (edgec::harness::Buffer::loadFrom over fmemopen). Both use one
// header parser; they must also agree: a file one accepts for a shape and
// dtype, the other accepts with the same values. They also go to the .npz
// reader (edgec::parseNpz, libzip over the bytes, every entry through
// parseNpy), which must reject with a reason or return arrays.
//
//===----------------------------------------------------------------------===//

#include "edgec/Support/Npy.h"
#include "edgec/harness/npy.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string bytes(reinterpret_cast<const char *>(data), size);
  edgec::Tensor t;
  std::string error;
  bool compilerOk = edgec::parseNpy(bytes, "fuzz.npy", t, error);
  if (!compilerOk && error.empty())
    __builtin_trap(); // a rejection always says why

  {
    std::vector<std::pair<std::string, edgec::Tensor>> arrays;
    std::string npzError;
    bool npzOk = edgec::parseNpz(bytes, "fuzz.npz", 1 << 20, arrays, npzError);
    if (npzOk == !npzError.empty() || (npzOk && arrays.empty()))
      __builtin_trap();
  }

  // The harness reads what the compiler read, as the model would declare it.
  if (!compilerOk || t.dtype != edgec::DType::F32 || t.shape.size() > 8 ||
      t.numElements() > (1 << 16))
    return 0;
  int64_t shape[8];
  for (size_t k = 0; k < t.shape.size(); ++k)
    shape[k] = t.shape[k];
  FILE *f = fmemopen(const_cast<char *>(bytes.data()), bytes.size(), "rb");
  if (!f)
    return 0;
  static FILE *quiet = fopen("/dev/null", "w");
  edgec::harness::error_out = quiet;
  edgec::harness::Buffer<float> buffer(t.numElements());
  bool harnessOk = buffer.loadFrom(f, "fuzz.npy", "<f4", shape, t.shape.size());
  // float64 files are narrowed by both; the values must agree bit for bit.
  if (!harnessOk)
    __builtin_trap();
  if (t.numElements() && std::memcmp(buffer.data, t.f.data(), t.numElements() * 4) != 0)
    __builtin_trap();
  return 0;
}
