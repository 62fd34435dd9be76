// Host test harness support: .npy reading/writing, arguments, timing.
// Used only by the generated <name>_main.cpp; never by the model itself.
#pragma once

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace edgec::harness {

inline void fail(const char *what, long value = 0) {
  fprintf(stderr, "harness: error: %s%s", what, value ? "" : "\n");
  if (value)
    fprintf(stderr, " %ld\n", value);
}

/// <main> IN0.npy ... [-o DIR] [--bench N] [--float-api]
struct Args {
  std::vector<const char *> inputs;
  std::string outDir = ".";
  int bench = 0;
  bool floatApi = false; ///< run a quantized model through <name>_run_float
  bool ok = true;

  Args(int argc, char **argv, int numInputs) {
    for (int i = 1; i < argc; ++i) {
      if (!strcmp(argv[i], "-o") && i + 1 < argc)
        outDir = argv[++i];
      else if (!strcmp(argv[i], "--bench") && i + 1 < argc)
        bench = atoi(argv[++i]);
      else if (!strcmp(argv[i], "--float-api"))
        floatApi = true;
      else
        inputs.push_back(argv[i]);
    }
    if ((int)inputs.size() != numInputs) {
      fprintf(stderr, "usage: %s INPUT.npy x%d [-o DIR] [--bench N] [--float-api]\nharness: error: expected %d input file(s), got %zu\n",
              argv[0], numInputs, numInputs, inputs.size());
      ok = false;
    }
  }
  std::string outputPath(int k) const { return outDir + "/out_" + std::to_string(k) + ".npy"; }
  /// The raw integers of a quantized output, beside the dequantized floats.
  std::string rawOutputPath(int k) const {
    return outDir + "/out_" + std::to_string(k) + ".q.npy";
  }
};

template <typename T> struct Buffer {
  std::unique_ptr<T[]> storage;
  T *data;
  int64_t size;
  explicit Buffer(int64_t n) : storage(new T[n > 0 ? n : 1]()), data(storage.get()), size(n) {}

  bool load(const char *path, const char *descr, const int64_t *shape, size_t rank) {
    FILE *f = fopen(path, "rb");
    if (!f) {
      fprintf(stderr, "harness: error: cannot open '%s'\n", path);
      return false;
    }
    unsigned char pre[10];
    bool good = fread(pre, 1, 10, f) == 10 && !memcmp(pre, "\x93NUMPY", 6);
    size_t hlen = good ? (pre[6] == 1 ? pre[8] | (pre[9] << 8) : 0) : 0;
    if (good && pre[6] != 1) {
      unsigned char more[2];
      good = fread(more, 1, 2, f) == 2;
      hlen = pre[8] | (pre[9] << 8) | (more[0] << 16) | ((size_t)more[1] << 24);
    }
    std::string h(hlen, ' ');
    good = good && fread(&h[0], 1, hlen, f) == hlen;
    if (!good) {
      fprintf(stderr, "harness: error: '%s' is not a .npy file\n", path);
      fclose(f);
      return false;
    }
    bool f64 = !strcmp(descr, "<f4") && h.find("'<f8'") != std::string::npos;
    if (!f64 && h.find(std::string("'") + descr + "'") == std::string::npos) {
      fprintf(stderr, "harness: error: '%s' has the wrong dtype (expected %s): %s\n", path, descr, h.c_str());
      fclose(f);
      return false;
    }
    std::string want = "(";
    for (size_t k = 0; k < rank; ++k)
      want += std::to_string(shape[k]) + (rank == 1 ? ",)" : k + 1 < rank ? ", " : ")");
    if (rank == 0)
      want += ")";
    if (h.find("'shape': " + want) == std::string::npos) {
      fprintf(stderr, "harness: error: '%s' has the wrong shape (expected %s): %s\n", path, want.c_str(), h.c_str());
      fclose(f);
      return false;
    }
    bool read;
    if (f64) {
      std::vector<double> tmp(size);
      read = fread(tmp.data(), 8, size, f) == (size_t)size;
      for (int64_t i = 0; i < size; ++i)
        data[i] = (T)tmp[i];
    } else {
      read = fread(data, sizeof(T), size, f) == (size_t)size;
    }
    fclose(f);
    if (!read)
      fprintf(stderr, "harness: error: '%s' is truncated\n", path);
    return read;
  }

  bool save(const std::string &path, const char *descr, const int64_t *shape, size_t rank) const {
    std::string s = "(";
    for (size_t k = 0; k < rank; ++k)
      s += std::to_string(shape[k]) + (rank == 1 ? "," : k + 1 < rank ? ", " : "");
    s += ")";
    std::string h = std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': " + s + ", }";
    h.append((64 - (10 + h.size() + 1) % 64) % 64, ' ');
    h += '\n';
    FILE *f = fopen(path.c_str(), "wb");
    if (!f) {
      fprintf(stderr, "harness: error: cannot write '%s'\n", path.c_str());
      return false;
    }
    unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (unsigned char)(h.size() & 0xff),
                             (unsigned char)(h.size() >> 8)};
    bool good = fwrite(pre, 1, 10, f) == 10 && fwrite(h.data(), 1, h.size(), f) == h.size() &&
                fwrite(data, sizeof(T), size, f) == (size_t)size;
    good = (fclose(f) == 0) && good;
    if (!good)
      fprintf(stderr, "harness: error: writing '%s' failed\n", path.c_str());
    return good;
  }
};

/// Runs `run` `n` times after a warm-up and prints the median and minimum
/// latency in microseconds: "latency_us median=… min=… runs=…".
template <typename F> void benchmark(F &&run, int n) {
  for (int i = 0; i < std::min(n, 10); ++i)
    run();
  std::vector<double> us;
  for (int i = 0; i < n; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    run();
    auto t1 = std::chrono::steady_clock::now();
    us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
  }
  std::sort(us.begin(), us.end());
  printf("latency_us median=%.2f min=%.2f runs=%d\n", us[us.size() / 2], us[0], n);
}

} // namespace edgec::harness
