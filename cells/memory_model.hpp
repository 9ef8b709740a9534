#pragma once
// The memory model (docs/design.md, "The memory model"): a run's peak working memory is
//   fixed overhead + k x bytes_per_replica,
// k = chunk_size (NSS) or n_batch (Nautilus). It predicts the peak for any k,
// finds the largest k that fits a budget, and resolves chunk_size=auto and
// n_batch=auto before a run.
#include <cstddef>
#include <string>

#include "cells/cell_id.hpp"
#include "cells/settings.hpp"
#include "likelihoods/likelihood.hpp"

namespace nslab {

struct MemoryModel {
  std::size_t bytes_per_replica = 0;     // [bytes]
  std::size_t fixed_overhead_bytes = 0;  // [bytes] what the likelihood keeps all run
  std::size_t predicted_peak(std::size_t k) const { return fixed_overhead_bytes + k * bytes_per_replica; }
  // Largest k with predicted_peak(k) <= budget (0 if not even one fits;
  // `unbounded` when bytes_per_replica is 0).
  std::size_t largest_k(std::size_t budget_bytes, std::size_t unbounded) const;
};

// The share of the available memory that auto batch sizes may plan to use:
// the rest is headroom for what the model does not count (allocator slack,
// other processes).
inline constexpr double kAutoBudgetFraction = 0.9;

// If settings[batch_key] is "auto", replaces it with the largest k that fits
// kAutoBudgetFraction of the likelihood's available memory, capped at
// `largest_useful` (beyond it nothing more is in flight). Returns a note
// saying what it chose and why, or "" if nothing was auto.
std::string resolve_auto_batch(Settings& settings, const std::string& batch_key,
                               const MemoryModel& model, std::size_t available_bytes,
                               std::size_t largest_useful);

// "80GiB", "15.5 GB", "512MiB", "1e9" to bytes; throws UsageError.
std::size_t parse_byte_size(const std::string& text);

}  // namespace nslab
