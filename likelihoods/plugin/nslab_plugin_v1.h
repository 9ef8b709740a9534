/* The C ABI of an nslab likelihood plugin, version 1 (docs/extending.md).
 * A plugin is a shared library exporting nslab_plugin_v1_get with C linkage;
 * it needs no other nslab header. Run it with
 *   nslab run nss/plugin/NAME/-/fp64 --set plugin=path/libNAME.so */
#ifndef NSLAB_PLUGIN_V1_H
#define NSLAB_PLUGIN_V1_H

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  int abi_version;                      /* 1 */
  int dim;                              /* number of parameters */
  const char* const* parameter_names;   /* dim names */
  const double* lower;                  /* uniform prior box, dim values */
  const double* upper;
  double reference_log_evidence;        /* NaN when unknown */
  unsigned long long bytes_per_replica; /* 0 when negligible */
  /* n points, row-major n x dim, into out[n]; must be thread-safe */
  void (*log_likelihood)(const double* points, int n, double* out);
} nslab_plugin_v1;

const nslab_plugin_v1* nslab_plugin_v1_get(void);

#ifdef __cplusplus
}
#endif

#endif
