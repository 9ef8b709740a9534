/* An example nslab likelihood plugin in plain C: a 3-D isotropic Gaussian
 * (sigma 0.1, centred at 0.2) in the box [-1, 1]^3. The box holds all but
 * ~1e-15 of its mass, so log Z = -3 log 2. Build as a shared library and run
 *   nslab run nss/plugin/example/-/fp64 --set plugin=path/libnslab_example_plugin.so
 * Built a second time with NSLAB_PLUGIN_SLEEP_US defined, it is the same
 * likelihood made deliberately slower (it sleeps that long per point): the
 * "slowed build" that nslab compare's tests must find SLOWER. */
#include <math.h>
#ifdef NSLAB_PLUGIN_SLEEP_US
#include <time.h>
#endif

#include "likelihoods/plugin/nslab_plugin_v1.h"

static const char* const kNames[3] = {"x", "y", "z"};
static const double kLower[3] = {-1.0, -1.0, -1.0};
static const double kUpper[3] = {1.0, 1.0, 1.0};

static void log_likelihood(const double* points, int n, double* out) {
#ifdef NSLAB_PLUGIN_SLEEP_US
  const long pause_ns = 1000L * NSLAB_PLUGIN_SLEEP_US * n;
  const struct timespec pause = {pause_ns / 1000000000L, pause_ns % 1000000000L};
  nanosleep(&pause, NULL);
#endif
  const double sigma = 0.1, centre = 0.2;
  const double log_norm = -1.5 * log(2.0 * M_PI * sigma * sigma);
  for (int i = 0; i < n; ++i) {
    double r2 = 0.0;
    for (int k = 0; k < 3; ++k) {
      const double d = points[3 * i + k] - centre;
      r2 += d * d;
    }
    out[i] = log_norm - 0.5 * r2 / (sigma * sigma);
  }
}

const nslab_plugin_v1* nslab_plugin_v1_get(void) {
  static nslab_plugin_v1 plugin;
  plugin.abi_version = 1;
  plugin.dim = 3;
  plugin.parameter_names = kNames;
  plugin.lower = kLower;
  plugin.upper = kUpper;
  plugin.reference_log_evidence = -3.0 * log(2.0);
  plugin.bytes_per_replica = 0;
  plugin.log_likelihood = log_likelihood;
  return &plugin;
}
