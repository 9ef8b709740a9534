#pragma once
// Google Benchmark registration at run time, from the cell matrix:
//  - cell/<id>: one full sampler run per iteration, with counters ms_per_eval,
//    evals, log_z and peak_bytes;
//  - likelihood/<family>/<instrument>/<precision>[/<key>:<value>...][/threads:<t>]/k:<k>:
//    one batch of k prior draws per iteration (time per evaluation over batch
//    sizes, settings such as inversion=dense|sparse, and thread counts);
//  - nss_step/<family>/<instrument>/<precision>/k:<k>: one NSS outer step at
//    the cell's default settings with chunk_size k (the same batch sizes).
// A MemoryManager reports the tracked peak of each benchmark's memory pass.
#include <map>
#include <span>
#include <string>
#include <vector>

namespace nslab {

class Likelihood;

struct BenchSelection {
  std::string cell_glob;                      // cells to run whole
  std::vector<std::string> likelihood_globs;  // "<family>/<instrument>/<precision>" to time per batch
  std::vector<std::size_t> batch_sizes;       // k for the likelihood and NSS-step benchmarks
  std::string nss_step_glob;                  // "<family>/<instrument>/<precision>" for one NSS outer step vs k
  // Likelihood benchmarks run for every combination of these settings
  // (key -> values, e.g. inversion -> {dense, sparse}) and thread counts;
  // a family that does not know a key is run without it.
  std::map<std::string, std::vector<std::string>> variations;
  std::vector<std::size_t> threads = {0};     // 0 = the default pool
};

// The default selection for a build: ci-sized cells at the preset's precision.
BenchSelection default_bench_selection(const std::string& precision);
// The i-th point of every likelihood benchmark's batch: a prior draw from
// its own random stream (`nslab eval --at bench:I` evaluates the same point).
void benchmark_point(const Likelihood& likelihood, std::size_t i, std::span<double> point);
// Registers the benchmarks; returns how many.
std::size_t register_benchmarks(const BenchSelection& selection);
// Installs the tracked-memory MemoryManager (call once, before running).
void install_memory_manager();

}  // namespace nslab
