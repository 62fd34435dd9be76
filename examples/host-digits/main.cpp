// Classifies one stored 8x8 digit with the int8 model edgec generated, through
// its integer entry point: quantize the input with the header's parameters,
// run, take the largest output (no dequantization needed for argmax).
#include "digits.h"

#include <cmath>
#include <cstdio>

// The first held-out digit of models/digits_test_x.npy (a 7), in sklearn's
// 0..16 intensity scale.
static const unsigned char kDigit[64] = {
    0, 0, 2,  13, 16, 9,  0, 0,  //
    0, 0, 12, 12, 7,  16, 3, 0,  //
    0, 1, 14, 3,  0,  16, 4, 0,  //
    0, 0, 0,  4,  10, 16, 6, 0,  //
    0, 0, 0,  13, 16, 16, 9, 0,  //
    0, 0, 0,  5,  13, 1,  0, 0,  //
    0, 0, 0,  11, 9,  0,  0, 0,  //
    0, 0, 1,  16, 4,  0,  0, 0,
};

int main() {
  int8_t input[DIGITS_INPUT_0_SIZE];
  for (int i = 0; i < DIGITS_INPUT_0_SIZE; ++i) {
    long q = std::lround(kDigit[i] / 16.0f / DIGITS_INPUT_0_SCALE) + DIGITS_INPUT_0_ZERO_POINT;
    input[i] = static_cast<int8_t>(q < -128 ? -128 : (q > 127 ? 127 : q));
  }
  int8_t scores[DIGITS_OUTPUT_0_SIZE];
  static uint8_t arena[DIGITS_ARENA_SIZE] __attribute__((aligned(16)));
  if (int status = digits_run_with_arena(arena, input, scores); status != 0) {
    std::fprintf(stderr, "digits_run_with_arena failed: %d\n", status);
    return 1;
  }
  int best = 0;
  for (int k = 1; k < DIGITS_OUTPUT_0_SIZE; ++k)
    if (scores[k] > scores[best])
      best = k;
  std::printf("digit: %d (arena %d bytes)\n", best, DIGITS_ARENA_SIZE);
  return 0;
}
