// Runs the int8 keyword-spotting model once on a stored input and prints the
// top class over semihosting. The arena is a static array whose size the
// generated header gives at compile time: the RAM the model needs is known
// before the firmware is flashed.
#include "input.h"
#include "kws.h"

#include <stdio.h>

static uint8_t arena[KWS_ARENA_SIZE] __attribute__((aligned(16)));

int main() {
  static_assert(sizeof(kMfcc) / sizeof(kMfcc[0]) == KWS_INPUT_0_SIZE, "input size");
  int8_t input[KWS_INPUT_0_SIZE];
  for (int i = 0; i < KWS_INPUT_0_SIZE; ++i) {
    // Quantize as the header says (round half away from zero, saturate).
    float v = kMfcc[i] / KWS_INPUT_0_SCALE;
    long q = (long)(v < 0 ? v - 0.5f : v + 0.5f) + KWS_INPUT_0_ZERO_POINT;
    input[i] = (int8_t)(q < -128 ? -128 : (q > 127 ? 127 : q));
  }
  int8_t scores[KWS_OUTPUT_0_SIZE];
  int status = kws_run_with_arena(arena, input, scores);
  if (status != 0) {
    printf("kws_run_with_arena failed: %d\n", status);
    return 1;
  }
  int best = 0;
  for (int k = 1; k < KWS_OUTPUT_0_SIZE; ++k)
    if (scores[k] > scores[best])
      best = k;
  printf("keyword: %d (score %d, arena %d bytes)\n", best, scores[best], KWS_ARENA_SIZE);
  return 0;
}
