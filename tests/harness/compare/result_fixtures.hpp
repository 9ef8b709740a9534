#pragma once
// Small nslab.result/1 documents for the compare and calibrate tests: just
// the fields those commands read, with the values a test chooses.
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/atomic_file.hpp"
#include "support/result_files.hpp"

namespace nslab::testing {

struct FakeRun {
  std::string sampler = "nss", model = "gaussian", instrument = "d5";
  int seed = 1;
  int num_inner_steps = 10;
  int threads = 1;
  double log_z = -6.93, log_z_error = 0.27, max_log_l = 7.8;
  std::vector<double> mean = {0.0, 0.1}, sd = {0.05, 0.08};
  double ms_per_eval = 0.002, wall_s = 0.3;
  double peak_bytes = 65536;
  std::string peak_source = "tracked";
  std::string stopped_by = "termination";
  double reference_log_z = -6.931471805599453;
};

inline nlohmann::json fake_result(const FakeRun& r) {
  return {{"schema", "nslab.result/1"},
          {"cell", r.sampler + "/analytic/" + r.model + "/" + r.instrument + "/fp64"},
          {"sampler", r.sampler}, {"dataset", "analytic"}, {"model", r.model}, {"instrument", r.instrument},
          {"precision", "fp64"},
          {"config", {{"seed", r.seed}, {"num_inner_steps", r.num_inner_steps}, {"n_live", 200},
                      {"threads", r.threads}, {"backend", "cpu"}}},
          {"model_summary", {{"parameter_names", {"x0", "x1"}}}},
          {"results", {{"log_evidence", r.log_z}, {"log_evidence_error", r.log_z_error},
                       {"max_log_likelihood", r.max_log_l}, {"posterior_mean", r.mean}, {"posterior_std", r.sd},
                       {"stopped_by", r.stopped_by}, {"reference_log_evidence", r.reference_log_z}}},
          {"performance", {{"likelihood_evals", 100000}, {"time_per_eval_ms", r.ms_per_eval},
                           {"total_wall_s", r.wall_s}, {"sampler_wall_s", r.wall_s}}},
          {"memory", {{"peak_device_bytes", r.peak_bytes}, {"peak_device_source", r.peak_source}}},
          {"device", {{"backend", "cpu"}, {"name", "test CPU"}, {"short_name", "cpu"}}},
          {"build", {{"git_sha", "test"}}}};
}

inline std::string write_fake(const std::filesystem::path& path, const FakeRun& run) {
  write_file_atomically(path.string(), fake_result(run).dump(2));
  return path.string();
}

}  // namespace nslab::testing
