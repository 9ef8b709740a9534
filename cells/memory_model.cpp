#include "cells/memory_model.hpp"

#include <cctype>
#include <cmath>

#include "core/error.hpp"

namespace nslab {

std::size_t MemoryModel::largest_k(std::size_t budget_bytes, std::size_t unbounded) const {
  if (budget_bytes < fixed_overhead_bytes) return 0;
  if (bytes_per_replica == 0) return unbounded;
  return (budget_bytes - fixed_overhead_bytes) / bytes_per_replica;
}

std::string resolve_auto_batch(Settings& settings, const std::string& batch_key,
                               const MemoryModel& model, std::size_t available_bytes,
                               std::size_t largest_useful) {
  if (!settings.has(batch_key) || settings.text(batch_key) != "auto") return {};
  const auto budget = static_cast<std::size_t>(kAutoBudgetFraction * static_cast<double>(available_bytes));
  const std::size_t fits = model.largest_k(budget, largest_useful);
  if (fits == 0)
    throw OutOfDeviceMemory(batch_key + "=auto: not even one replica fits: " +
                            std::to_string(model.predicted_peak(1)) + " bytes needed, " +
                            std::to_string(budget) + " bytes in the budget");
  const std::size_t k = std::min(fits, largest_useful);
  settings.set(batch_key, std::to_string(k));
  return batch_key + "=auto resolved to " + std::to_string(k) + " (" + std::to_string(fits) +
         " fit in " + std::to_string(budget) + " bytes = " +
         std::to_string(static_cast<int>(kAutoBudgetFraction * 100)) + "% of the " +
         std::to_string(available_bytes) + " available; at most " + std::to_string(largest_useful) +
         " are ever in flight)";
}

std::size_t parse_byte_size(const std::string& text) {
  std::size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::logic_error&) {
    throw UsageError("'" + text + "' is not a size like 80GiB, 512MiB or 1e9");
  }
  std::string unit = text.substr(used);
  unit.erase(0, unit.find_first_not_of(' '));
  double scale = 1;
  if (unit.empty() || unit == "B") scale = 1;
  else if (unit == "KiB") scale = 1024.0;
  else if (unit == "MiB") scale = 1024.0 * 1024;
  else if (unit == "GiB") scale = 1024.0 * 1024 * 1024;
  else if (unit == "TiB") scale = 1024.0 * 1024 * 1024 * 1024;
  else if (unit == "kB" || unit == "KB") scale = 1e3;
  else if (unit == "MB") scale = 1e6;
  else if (unit == "GB") scale = 1e9;
  else if (unit == "TB") scale = 1e12;
  else throw UsageError("unknown size unit '" + unit + "' in '" + text + "' (use B, KiB, MiB, GiB, MB, GB)");
  if (!(value >= 0) || !std::isfinite(value)) throw UsageError("'" + text + "' is not a size");
  if (value * scale >= 18446744073709551615.0)
    throw UsageError("'" + text + "' is out of range (sizes up to 16 EiB)");
  return static_cast<std::size_t>(value * scale);
}

}  // namespace nslab
