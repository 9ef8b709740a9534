#pragma once
// The device memory of one init-only NSS run (max_evals = n_live) in batches
// k wide on a device likelihood made inside the measuring window: what the
// memory tests of every device likelihood compare with their model,
// peak = fixed + k x bytes_per_replica (docs/gpu.md).
#include <gtest/gtest.h>

#include <cstddef>
#include <functional>
#include <memory>

#include "core/memory_meter.hpp"
#include "harness/cupti_peak_memory.hpp"
#include "likelihoods/likelihood.hpp"
#include "samplers/nss/nss_sampler.hpp"

namespace nslab::gpu_test {

struct InitRunPeak {
  std::size_t fixed = 0;              // tracked device bytes the likelihood holds once made
  std::size_t tracked = 0;            // tracked peak during the run, above the bytes before it was made
  std::size_t bytes_per_replica = 0;  // what the likelihood declares
  DevicePeak cupti;                   // CUPTI's peak over the run (or the tracked one, saying why)
};

inline InitRunPeak init_run_peak(const std::function<std::unique_ptr<Likelihood>()>& make, std::size_t k,
                                 std::size_t n_live) {
  MemoryMeter& meter = device_memory_meter();
  const std::size_t before = meter.current_bytes();
  DevicePeakMonitor monitor(true);
  const std::unique_ptr<Likelihood> likelihood = make();
  InitRunPeak out;
  out.fixed = meter.current_bytes() - before;
  out.bytes_per_replica = likelihood->bytes_per_replica();
  meter.reset_peak();
  monitor.begin_window();
  NssSettings settings;
  settings.n_live = n_live;
  settings.num_delete = n_live / 2;
  settings.chunk_size = k;
  settings.max_evals = n_live;
  const SamplerResult result = NssSampler(*likelihood, settings).run();
  EXPECT_EQ(result.counters.largest_batch, k);
  out.tracked = meter.peak_bytes() - before;
  out.cupti = monitor.finish(out.tracked);
  return out;
}

}  // namespace nslab::gpu_test
