#pragma once
// What a sweep run is expected to cost, for the time and memory a SLURM task
// asks for: its wall time from earlier result files of the same cell and
// backend, its working memory from the memory model (fixed overhead + k x
// bytes per replica, k the widest batch its settings allow).
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/sweep_manifest.hpp"

namespace nslab {

struct RunEstimate {
  std::string backend;                          // cpu | cuda
  std::optional<double> earlier_wall_s;         // longest earlier run of the cell on this backend [s]
  std::optional<double> earlier_peak_rss_bytes; // largest host peak of those runs [bytes]
  std::optional<double> predicted_peak_bytes;   // memory model at the widest batch [bytes]
  std::string model_note;                       // why there is no model, or what k it took
};

class SweepEstimator {
 public:
  // Reads every nslab result file under `folders` (others are ignored).
  explicit SweepEstimator(const std::vector<std::string>& folders);
  RunEstimate estimate(const SweepRun& run);
  std::size_t earlier_results() const { return earlier_results_; }

 private:
  struct Earlier {
    double wall_s = 0, peak_rss_bytes = 0;
  };
  std::map<std::string, Earlier> earlier_;  // by cell and backend
  std::map<std::string, std::pair<std::size_t, std::size_t>> models_;  // likelihood key -> bytes/replica, fixed
  std::size_t earlier_results_ = 0;
};

}  // namespace nslab
