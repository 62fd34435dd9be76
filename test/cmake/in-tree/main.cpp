// Runs the float digits MLP generated at build time on the first held-out
// digit (a 7) and prints its class.
#include "in_tree_digits.h"

#include <cstdio>

static const unsigned char kDigit[64] = {
    0, 0, 2, 13, 16, 9, 0, 0, 0, 0, 12, 12, 7, 16, 3, 0, 0, 1, 14, 3, 0, 16,
    4, 0, 0, 0, 0, 4, 10, 16, 6, 0, 0, 0, 0, 13, 16, 16, 9, 0, 0, 0, 0, 5,
    13, 1, 0, 0, 0, 0, 0, 11, 9, 0, 0, 0, 0, 0, 1, 16, 4, 0, 0, 0,
};

int main() {
  float x[IN_TREE_DIGITS_INPUT_0_SIZE], y[IN_TREE_DIGITS_OUTPUT_0_SIZE];
  for (int i = 0; i < IN_TREE_DIGITS_INPUT_0_SIZE; ++i)
    x[i] = kDigit[i] / 16.0f;
  if (in_tree_digits_run(x, y) != 0)
    return 1;
  int best = 0;
  for (int k = 1; k < IN_TREE_DIGITS_OUTPUT_0_SIZE; ++k)
    if (y[k] > y[best])
      best = k;
  std::printf("in-tree model: digit %d\n", best);
  return 0;
}
