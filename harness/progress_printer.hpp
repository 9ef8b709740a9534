#pragma once
// The progress line of a long run on stderr: redrawn in place on a terminal,
// one line every few seconds otherwise, nothing with --quiet.
#include <chrono>
#include <string>

#include "cells/sampler_registry.hpp"

namespace nslab {

class ProgressPrinter {
 public:
  ProgressPrinter(std::string cell, bool quiet);
  ~ProgressPrinter();
  void report(const SamplerProgress& progress);

 private:
  std::string cell_;
  bool quiet_, terminal_;
  bool drew_ = false;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace nslab
