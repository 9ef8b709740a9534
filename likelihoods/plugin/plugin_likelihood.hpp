#pragma once
// A user's likelihood from a shared library with the C ABI of
// nslab_plugin_v1.h. The library is validated when loaded: a missing file or
// symbol, another abi_version, or a malformed description is refused with a
// UsageError naming what is wrong.
#include <memory>
#include <string>

#include "likelihoods/likelihood.hpp"
#include "likelihoods/plugin/nslab_plugin_v1.h"

namespace nslab {

class PluginLikelihood final : public Likelihood {
 public:
  static std::unique_ptr<PluginLikelihood> load(const std::string& path);
  ~PluginLikelihood() override;
  std::size_t bytes_per_replica() const override { return aligned_bytes(plugin_->bytes_per_replica); }
  std::optional<double> reference_log_evidence() const override;

 private:
  PluginLikelihood(void* handle, const nslab_plugin_v1* plugin, std::vector<std::string> names, Prior prior);
  void do_evaluate(std::span<const double> points, std::span<double> log_l,
                   Workspace& workspace) const override;
  void* handle_;
  const nslab_plugin_v1* plugin_;
};

}  // namespace nslab
