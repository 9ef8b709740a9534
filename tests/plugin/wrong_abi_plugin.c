/* A plugin that speaks another ABI version: nslab must refuse it. */
#include "likelihoods/plugin/nslab_plugin_v1.h"

const nslab_plugin_v1* nslab_plugin_v1_get(void) {
  static nslab_plugin_v1 plugin;
  plugin.abi_version = 2;
  return &plugin;
}
