#include "harness/progress_printer.hpp"

#include <unistd.h>

#include <cstdio>

#include "core/memory_meter.hpp"

namespace nslab {

ProgressPrinter::ProgressPrinter(std::string cell, bool quiet)
    : cell_(std::move(cell)), quiet_(quiet), terminal_(::isatty(STDERR_FILENO) != 0),
      last_(std::chrono::steady_clock::now()) {}

ProgressPrinter::~ProgressPrinter() {
  if (drew_ && terminal_) std::fputc('\n', stderr);
}

void ProgressPrinter::report(const SamplerProgress& progress) {
  if (quiet_) return;
  const auto now = std::chrono::steady_clock::now();
  const double since = std::chrono::duration<double>(now - last_).count();
  if (since < (terminal_ ? 0.2 : 5.0)) return;
  last_ = now;
  const double ms_per_eval =
      progress.likelihood_evals ? 1000.0 * progress.elapsed_wall_s / progress.likelihood_evals : 0.0;
  const double peak_mb =
      (host_memory_meter().peak_bytes() + device_memory_meter().peak_bytes()) / 1048576.0;
  std::fprintf(stderr, "%s%s step %zu  evals %zu  %.3f ms/eval  logZ %.3f  remaining %.3f  peak %.1f MiB%s",
               terminal_ ? "\r" : "", cell_.c_str(), progress.iteration, progress.likelihood_evals,
               ms_per_eval, progress.log_z, progress.log_z_remaining, peak_mb,
               terminal_ ? "\033[K" : "\n");
  std::fflush(stderr);
  drew_ = true;
}

}  // namespace nslab
