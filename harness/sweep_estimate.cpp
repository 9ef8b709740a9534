#include "harness/sweep_estimate.hpp"

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "cells/cell_catalog.hpp"
#include "cells/likelihood_registry.hpp"
#include "cells/memory_model.hpp"
#include "cells/sampler_registry.hpp"

namespace nslab {
namespace {

namespace fs = std::filesystem;

std::string earlier_key(const std::string& cell, const std::string& backend) { return cell + " " + backend; }

// The widest batch a run with these settings has in flight: the batch knob,
// or the sampler's largest useful batch when it is unset or auto.
std::size_t widest_batch(const SamplerKind& sampler, const Settings& settings) {
  const std::string& k = settings.has(sampler.batch_key) ? settings.text(sampler.batch_key) : "none";
  if (k != "none" && k != "auto") return settings.count(sampler.batch_key);
  return sampler.largest_useful_batch(settings);  // every sampler sets it
}

}  // namespace

SweepEstimator::SweepEstimator(const std::vector<std::string>& folders) {
  for (const auto& folder : folders) {
    std::error_code error;
    if (!fs::is_directory(folder, error)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(folder, error)) {
      if (!entry.is_regular_file() || entry.path().extension() != ".json") continue;
      std::ifstream in(entry.path());
      const auto document = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
      if (!document.is_object() || document.value("schema", "") != "nslab.result/1") continue;
      try {
        const std::string key = earlier_key(document.at("cell").get<std::string>(),
                                            document.at("config").at("backend").get<std::string>());
        Earlier& earlier = earlier_[key];
        earlier.wall_s = std::max(earlier.wall_s, document.at("performance").at("total_wall_s").get<double>());
        earlier.peak_rss_bytes =
            std::max(earlier.peak_rss_bytes, document.at("memory").value("peak_rss_bytes", 0.0));
        ++earlier_results_;
      } catch (const nlohmann::json::exception&) {
        // A result file of an older layout: it tells nothing about cost.
      }
    }
  }
}

RunEstimate SweepEstimator::estimate(const SweepRun& run) {
  const Settings settings = resolve_settings(run.cell, run.settings);
  RunEstimate estimate;
  estimate.backend = settings.text("backend");
  if (const auto found = earlier_.find(earlier_key(run.cell.str(), estimate.backend)); found != earlier_.end()) {
    estimate.earlier_wall_s = found->second.wall_s;
    if (found->second.peak_rss_bytes > 0) estimate.earlier_peak_rss_bytes = found->second.peak_rss_bytes;
  }
  // The likelihood's size depends on its own settings and the backend, not the sampler's.
  const LikelihoodFamily& family = likelihood_family(run.cell.family());
  std::string key = run.cell.str() + " backend=" + estimate.backend;
  for (const auto& [name, value] : family.defaults) key += " " + name + "=" + settings.text(name);
  auto model = models_.find(key);
  if (model == models_.end()) {
    try {
      const auto likelihood = family.make(run.cell, settings);
      model = models_.emplace(key, std::pair{likelihood->bytes_per_replica(),
                                             likelihood->workspace_allocator().meter().current_bytes()})
                  .first;
    } catch (const std::exception& error) {
      // e.g. backend=cuda planned on a login node without a GPU
      estimate.model_note = std::string("no memory model here: ") + error.what();
      return estimate;
    }
  }
  const SamplerKind& sampler = sampler_kind(run.cell.sampler);
  const std::size_t k = widest_batch(sampler, settings);
  const MemoryModel memory{model->second.first, model->second.second};
  estimate.predicted_peak_bytes = static_cast<double>(memory.predicted_peak(k));
  estimate.model_note = sampler.batch_key + " " + std::to_string(k);
  return estimate;
}

}  // namespace nslab
