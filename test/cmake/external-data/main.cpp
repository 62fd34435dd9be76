// Prints y = x + w for x = 0: the weights the library was built with.
#include "ext.h"

#include <cstdio>

int main() {
  float x[4] = {0, 0, 0, 0}, y[4];
  if (ext_run(x, y) != 0)
    return 1;
  std::printf("%g %g %g %g\n", y[0], y[1], y[2], y[3]);
  return 0;
}
