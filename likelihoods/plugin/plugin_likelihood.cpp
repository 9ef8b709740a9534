#include "likelihoods/plugin/plugin_likelihood.hpp"

#include <dlfcn.h>

#include <cmath>

#include "core/error.hpp"
#include "core/thread_pool.hpp"

namespace nslab {

std::unique_ptr<PluginLikelihood> PluginLikelihood::load(const std::string& path) {
  if (path.empty()) throw UsageError("plugin cells need --set plugin=path/libNAME.so");
  // A path without a slash would make dlopen search the library path; a user
  // naming a file means that file.
  const std::string file = path.find('/') == std::string::npos ? "./" + path : path;
  void* handle = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) throw UsageError("cannot load plugin " + path + ": " + dlerror());
  auto refuse = [&](const std::string& why) {
    dlclose(handle);
    throw UsageError("plugin " + path + " refused: " + why);
  };
  using Getter = const nslab_plugin_v1* (*)();
  auto get = reinterpret_cast<Getter>(dlsym(handle, "nslab_plugin_v1_get"));
  if (get == nullptr) refuse("it does not export nslab_plugin_v1_get");
  const nslab_plugin_v1* plugin = get();
  if (plugin == nullptr) refuse("nslab_plugin_v1_get returned NULL");
  if (plugin->abi_version != 1)
    refuse("abi_version " + std::to_string(plugin->abi_version) + ", this nslab speaks 1");
  if (plugin->dim < 1 || plugin->dim > 10000) refuse("dim " + std::to_string(plugin->dim));
  if (!plugin->parameter_names || !plugin->lower || !plugin->upper || !plugin->log_likelihood)
    refuse("a NULL pointer in its description");
  std::vector<std::string> names;
  std::vector<ParameterPrior> priors;
  for (int i = 0; i < plugin->dim; ++i) {
    if (plugin->parameter_names[i] == nullptr) refuse("parameter " + std::to_string(i) + " has no name");
    if (!(std::isfinite(plugin->lower[i]) && std::isfinite(plugin->upper[i]) &&
          plugin->lower[i] < plugin->upper[i]))
      refuse("parameter " + std::string(plugin->parameter_names[i]) + " has bounds [" +
             std::to_string(plugin->lower[i]) + ", " + std::to_string(plugin->upper[i]) + "]");
    names.emplace_back(plugin->parameter_names[i]);
    priors.push_back(ParameterPrior::uniform(plugin->lower[i], plugin->upper[i]));
  }
  return std::unique_ptr<PluginLikelihood>(
      new PluginLikelihood(handle, plugin, std::move(names), Prior(std::move(priors))));
}

PluginLikelihood::PluginLikelihood(void* handle, const nslab_plugin_v1* plugin,
                                   std::vector<std::string> names, Prior prior)
    : Likelihood(std::move(names), std::move(prior)), handle_(handle), plugin_(plugin) {}

PluginLikelihood::~PluginLikelihood() { dlclose(handle_); }

std::optional<double> PluginLikelihood::reference_log_evidence() const {
  if (std::isnan(plugin_->reference_log_evidence)) return std::nullopt;
  return plugin_->reference_log_evidence;
}

void PluginLikelihood::do_evaluate(std::span<const double> points, std::span<double> log_l,
                                   Workspace&) const {
  // The plugin promises thread safety: split the batch over the pool in
  // contiguous parts (a point's value cannot depend on which part it is in).
  ThreadPool& pool = default_thread_pool();
  const std::size_t parts = std::min(pool.size(), log_l.size());
  const std::size_t d = dim();
  pool.parallel_for(parts, [&](std::size_t part) {
    const std::size_t begin = log_l.size() * part / parts, end = log_l.size() * (part + 1) / parts;
    plugin_->log_likelihood(points.data() + begin * d, static_cast<int>(end - begin), log_l.data() + begin);
  });
}

}  // namespace nslab
