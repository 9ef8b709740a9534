/* Plugins that misbehave, for tests/harness/lifecycle_test: built once per
 * FAULT (see CMakeLists.txt). Each is the example plugin's 3-D Gaussian in
 * [-1, 1]^3 except for its fault:
 *   segv, abort  -- the first likelihood call dereferences NULL / aborts
 *   ctor_crash   -- a library constructor dereferences NULL while it loads
 *   exit0        -- the first likelihood call calls exit(0)
 *   nan, inf     -- every value is NaN / +inf
 *   slow         -- each point takes 2 ms (for budgets checked per call) */
#include <math.h>
#include <stdlib.h>
#include <time.h>

#include "likelihoods/plugin/nslab_plugin_v1.h"

#define FAULT_segv 1
#define FAULT_abort 2
#define FAULT_ctor_crash 3
#define FAULT_exit0 4
#define FAULT_nan 5
#define FAULT_inf 6
#define FAULT_slow 7
#define CONCAT(a, b) a##b
#define FAULT_ID(name) CONCAT(FAULT_, name)
#define THIS_FAULT FAULT_ID(FAULT)

static const char* const kNames[3] = {"x", "y", "z"};
static const double kLower[3] = {-1.0, -1.0, -1.0};
static const double kUpper[3] = {1.0, 1.0, 1.0};

#if THIS_FAULT == FAULT_ctor_crash
__attribute__((constructor)) static void crash_while_loading(void) {
  volatile int* volatile nowhere = 0; /* both volatile: the compiler keeps the store */
  *nowhere = 1;
}
#endif

static void log_likelihood(const double* points, int n, double* out) {
#if THIS_FAULT == FAULT_segv
  volatile int* volatile nowhere = 0; /* both volatile: the compiler keeps the store */
  *nowhere = n;
#elif THIS_FAULT == FAULT_abort
  abort();
#elif THIS_FAULT == FAULT_exit0
  exit(0);
#endif
  for (int i = 0; i < n; ++i) {
#if THIS_FAULT == FAULT_slow
    const struct timespec pause = {0, 2000000};
    nanosleep(&pause, 0);
#endif
    double r2 = 0.0;
    for (int k = 0; k < 3; ++k) {
      const double d = points[3 * i + k] - 0.2;
      r2 += d * d;
    }
    out[i] = -1.5 * log(2.0 * M_PI * 0.01) - 0.5 * r2 / 0.01;
#if THIS_FAULT == FAULT_nan
    out[i] = NAN;
#elif THIS_FAULT == FAULT_inf
    out[i] = INFINITY;
#endif
  }
}

/* abi_version, dim, names, lower, upper, reference log Z (unknown),
 * bytes per replica, log_likelihood */
static const nslab_plugin_v1 kPlugin = {1, 3, kNames, kLower, kUpper, NAN, 0, log_likelihood};

const nslab_plugin_v1* nslab_plugin_v1_get(void) { return &kPlugin; }
