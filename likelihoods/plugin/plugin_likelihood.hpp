#pragma once
// A user's likelihood from a shared library with the C ABI of
// nslab_plugin_v1.h. The library runs in a process of its own (a second
// nslab, started with plugin_channel::kHostArgument): a plugin that crashes,
// aborts or calls exit() ends that process, not the run, and nslab reports
// it (RunError naming the plugin and the signal or status) instead of dying
// silently or, after exit(0), with status 0 and no result. Batches travel
// through shared memory, a few microseconds per call. The library is
// validated when loaded: a missing file or symbol, another abi_version, or a
// malformed description is refused with a UsageError naming what is wrong.
#include <sys/types.h>

#include <memory>
#include <mutex>
#include <string>

#include "likelihoods/likelihood.hpp"

namespace nslab {

class PluginLikelihood final : public Likelihood {
 public:
  // `name`: the plugin's name in its cell id (plugin/NAME), for messages.
  static std::unique_ptr<PluginLikelihood> load(const std::string& path, const std::string& name);
  ~PluginLikelihood() override;
  std::size_t bytes_per_replica() const override { return bytes_per_replica_; }
  std::optional<double> reference_log_evidence() const override { return reference_log_evidence_; }

 private:
  struct Host;
  PluginLikelihood(std::unique_ptr<Host> host, std::vector<std::string> names, Prior prior);
  void do_evaluate(std::span<const double> points, std::span<double> log_l,
                   Workspace& workspace) const override;
  std::unique_ptr<Host> host_;
  std::size_t bytes_per_replica_ = 0;
  std::optional<double> reference_log_evidence_;
  mutable std::mutex mutex_;  // one batch at a time through the one host
};

}  // namespace nslab
