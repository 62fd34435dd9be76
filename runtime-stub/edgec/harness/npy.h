// Test harness support: .npy reading/writing, arguments, timing, and the
// markers around one inference that `edgec verify` counts instructions
// between. Used only by the generated <name>_main.cpp; never by the model.
//
// Only the C library is used (stdio, stdlib, string), so the same harness
// builds for the host and, over semihosting, for bare-metal targets whose
// toolchain has no C++ library.
#pragma once

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edgec/harness/npy_header.h"

#if defined(__linux__) || defined(__APPLE__)
#define EDGEC_HARNESS_TIMING 1
#include <time.h>
#endif

// One inference runs between these two calls. They are not inlined and store
// different values, so no optimisation merges or removes them; the emulator's
// instruction counter watches their addresses.
extern "C" {
volatile int edgec_region_marker;
__attribute__((noinline)) void edgec_region_begin(void) { edgec_region_marker = 1; }
__attribute__((noinline)) void edgec_region_end(void) { edgec_region_marker = 2; }
// Layer tracing (edgec verify --per-layer) calls this when it has saved a
// layer's output: the counter measures each layer from here to the next
// layer's trace call, leaving the tracing itself out.
__attribute__((noinline)) void edgec_trace_resume(void) { edgec_region_marker = 3; }
}

namespace edgec::harness {

/// Where the harness writes its messages: stderr unless set (the fuzz target
/// silences them). Constant-initialised, so no guard variable on bare metal.
inline FILE *error_out = nullptr;
inline FILE *errorOut() { return error_out ? error_out : stderr; }

inline void fail(const char *what, long value = 0) {
  if (value)
    fprintf(errorOut(), "harness: error: %s %ld\n", what, value);
  else
    fprintf(errorOut(), "harness: error: %s\n", what);
}

/// A file path built in place (no allocation).
struct Path {
  char text[1024];
  operator const char *() const { return text; }
};

/// <main> IN0.npy ... [-o DIR] [--bench N] [--float-api]
struct Args {
  const char **inputs = nullptr; ///< argc entries: no fixed limit on inputs
  int numInputs = 0;
  const char *outDir = ".";
  int bench = 0;
  /// Runs of the model on the same inputs, outputs of the last: a model
  /// with state (SVDF) carries it from one to the next.
  int repeat = 1;
  bool floatApi = false; ///< run a quantized model through <name>_run_float
  bool ok = true;

  Args(int argc, char **argv, int expected) {
    inputs = static_cast<const char **>(calloc(argc > 0 ? (size_t)argc : 1, sizeof(char *)));
    if (!inputs) {
      fail("out of memory for the argument list");
      ok = false;
      return;
    }
    for (int i = 1; i < argc; ++i) {
      if (!strcmp(argv[i], "-o") && i + 1 < argc)
        outDir = argv[++i];
      else if (!strcmp(argv[i], "--bench") && i + 1 < argc)
        bench = atoi(argv[++i]);
      else if (!strcmp(argv[i], "--repeat") && i + 1 < argc)
        repeat = atoi(argv[++i]);
      else if (!strcmp(argv[i], "--float-api"))
        floatApi = true;
      else
        inputs[numInputs++] = argv[i];
    }
    if (repeat < 1) {
      fprintf(errorOut(), "harness: error: --repeat takes a count of at least 1\n");
      ok = false;
    }
    if (numInputs != expected) {
      fprintf(errorOut(),
              "usage: %s INPUT.npy x%d [-o DIR] [--bench N] [--repeat N] [--float-api]\n"
              "harness: error: expected %d input file(s), got %d\n",
              argc > 0 ? argv[0] : "main", expected, expected, numInputs);
      ok = false;
    }
  }
  ~Args() { free(inputs); }
  Args(const Args &) = delete;
  Args &operator=(const Args &) = delete;
  Path outputPath(int k) const { return path(k, ""); }
  /// The raw integers of a quantized output, beside the dequantized floats.
  Path rawOutputPath(int k) const { return path(k, ".q"); }

private:
  Path path(int k, const char *suffix) const {
    Path p;
    snprintf(p.text, sizeof p.text, "%s/out_%d%s.npy", outDir, k, suffix);
    return p;
  }
};

/// "(1, 3, 4)", "(5,)" or "()".
inline void formatShape(char *out, size_t cap, const int64_t *shape, size_t rank, bool spaced) {
  size_t n = (size_t)snprintf(out, cap, "(");
  for (size_t k = 0; k < rank && n < cap; ++k)
    n += (size_t)snprintf(out + n, cap - n, "%lld%s", (long long)shape[k],
                          rank == 1 ? "," : k + 1 < rank ? (spaced ? ", " : ",") : "");
  if (n < cap)
    snprintf(out + n, cap - n, ")");
}

template <typename T> struct Buffer {
  T *data;
  int64_t size;
  explicit Buffer(int64_t n)
      : data(static_cast<T *>(calloc(n > 0 ? (size_t)n : 1, sizeof(T)))), size(n) {}
  ~Buffer() { free(data); }
  Buffer(const Buffer &) = delete;
  Buffer &operator=(const Buffer &) = delete;

  bool load(const char *path, const char *descr, const int64_t *shape, size_t rank) {
    if (!data) {
      fprintf(errorOut(), "harness: error: out of memory for '%s'\n", path);
      return false;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
      fprintf(errorOut(), "harness: error: cannot open '%s'\n", path);
      return false;
    }
    return loadFrom(f, path, descr, shape, rank);
  }

  /// load() on an open file, which it closes (the fuzz target's entry).
  bool loadFrom(FILE *f, const char *path, const char *descr, const int64_t *shape, size_t rank) {
    unsigned char pre[12];
    bool good = fread(pre, 1, 10, f) == 10 && !memcmp(pre, "\x93NUMPY", 6) && pre[6] >= 1 &&
                pre[6] <= 3; // versions 1.0, 2.0, 3.0, as edgec's reader
    size_t hlen = 0;
    if (good && pre[6] == 1)
      hlen = pre[8] | (pre[9] << 8);
    else if (good) {
      good = fread(pre + 10, 1, 2, f) == 2;
      hlen = pre[8] | (pre[9] << 8) | ((size_t)pre[10] << 16) | ((size_t)pre[11] << 24);
    }
    char *h = good && hlen <= (1u << 20) ? static_cast<char *>(calloc(hlen + 1, 1)) : nullptr;
    good = h && fread(h, 1, hlen, f) == hlen;
    if (!good) {
      fprintf(errorOut(), "harness: error: '%s' is not a .npy file\n", path);
      free(h);
      fclose(f);
      return false;
    }
    // dtype, memory order and shape must be exactly the model's: a
    // Fortran-order array read as C order would scramble the input.
    NpyHeader hd;
    bool ok = parseNpyHeader(h, hd);
    if (!ok)
      fprintf(errorOut(), "harness: error: '%s' has a malformed .npy header: %s\n", path, h);
    bool f64 = ok && !strcmp(descr, "<f4") && !strcmp(hd.descr, "<f8");
    if (ok && !f64 && strcmp(hd.descr, descr)) {
      fprintf(errorOut(), "harness: error: '%s' has dtype '%s', the model expects '%s'\n", path,
              hd.descr, descr);
      ok = false;
    }
    if (ok && hd.fortran == 1 && !orderIrrelevant(hd)) {
      fprintf(errorOut(), "harness: error: '%s' is in Fortran order; save it with "
                      "np.ascontiguousarray\n", path);
      ok = false;
    }
    bool sameShape = ok && hd.rank == (int)rank;
    for (size_t k = 0; sameShape && k < rank; ++k)
      sameShape = hd.shape[k] == shape[k];
    if (ok && !sameShape) {
      char got[200], expect[200];
      formatShape(got, sizeof got, hd.shape, (size_t)(hd.rank > 0 ? hd.rank : 0), true);
      formatShape(expect, sizeof expect, shape, rank, true);
      fprintf(errorOut(), "harness: error: '%s' has shape %s, the model expects %s\n", path, got,
              expect);
      ok = false;
    }
    free(h);
    if (!ok) {
      fclose(f);
      return false;
    }
    bool read = true;
    if (f64) {
      for (int64_t i = 0; i < size && read; ++i) {
        double v;
        read = fread(&v, 8, 1, f) == 1;
        data[i] = (T)v;
      }
    } else {
      read = fread(data, sizeof(T), (size_t)size, f) == (size_t)size;
    }
    bool extra = read && fgetc(f) != EOF;
    fclose(f);
    if (!read)
      fprintf(errorOut(), "harness: error: '%s' is truncated\n", path);
    else if (extra)
      fprintf(errorOut(), "harness: error: '%s' has bytes after its data\n", path);
    return read && !extra;
  }

  bool save(const char *path, const char *descr, const int64_t *shape, size_t rank) const {
    char shapeText[200], h[320];
    formatShape(shapeText, sizeof shapeText, shape, rank, true);
    int len = snprintf(h, sizeof h, "{'descr': '%s', 'fortran_order': False, 'shape': %s, }",
                       descr, shapeText);
    int pad = (64 - (10 + len + 1) % 64) % 64;
    for (int i = 0; i < pad && len + 1 < (int)sizeof h; ++i)
      h[len++] = ' ';
    h[len++] = '\n';
    FILE *f = fopen(path, "wb");
    if (!f) {
      fprintf(errorOut(), "harness: error: cannot write '%s'\n", path);
      return false;
    }
    unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (unsigned char)(len & 0xff),
                             (unsigned char)(len >> 8)};
    bool good = fwrite(pre, 1, 10, f) == 10 && fwrite(h, 1, (size_t)len, f) == (size_t)len &&
                fwrite(data, sizeof(T), (size_t)size, f) == (size_t)size;
    good = (fclose(f) == 0) && good;
    if (!good)
      fprintf(errorOut(), "harness: error: writing '%s' failed\n", path);
    return good;
  }
};

/// Runs `run` `n` times after a warm-up and prints the median and minimum
/// latency in microseconds: "latency_us median=… min=… runs=…". Without a
/// clock (bare metal) it only runs; count instructions with `edgec verify`.
template <typename F> void benchmark(F &&run, int n) {
#ifdef EDGEC_HARNESS_TIMING
  for (int i = 0; i < (n < 10 ? n : 10); ++i)
    run();
  double *us = static_cast<double *>(calloc((size_t)n, sizeof(double)));
  if (!us)
    return;
  for (int i = 0; i < n; ++i) {
    timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    run();
    clock_gettime(CLOCK_MONOTONIC, &t1);
    us[i] = (double)(t1.tv_sec - t0.tv_sec) * 1e6 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e3;
  }
  qsort(us, (size_t)n, sizeof(double), [](const void *a, const void *b) {
    double x = *static_cast<const double *>(a), y = *static_cast<const double *>(b);
    return (x > y) - (x < y);
  });
  printf("latency_us median=%.2f min=%.2f runs=%d\n", us[n / 2], us[0], n);
  free(us);
#else
  for (int i = 0; i < n; ++i)
    run();
#endif
}

} // namespace edgec::harness
