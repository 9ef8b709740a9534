// The memory model: peak = fixed + k x bytes_per_replica, the largest k in a
// budget, byte sizes as people write them, and batch_key=auto resolved from
// both (docs/design.md, "The memory model").
#include <gtest/gtest.h>

#include <limits>

#include "cells/cell_catalog.hpp"
#include "cells/memory_model.hpp"
#include "cells/sampler_registry.hpp"
#include "core/error.hpp"

namespace nslab {
namespace {

TEST(MemoryModel, LargestKIsTheLastKWhosePredictedPeakFits) {
  const MemoryModel model{1000, 500};
  EXPECT_EQ(model.predicted_peak(8), 8500u);
  EXPECT_EQ(model.largest_k(8500, 99), 8u);  // exactly at the budget fits
  EXPECT_EQ(model.largest_k(8499, 99), 7u);
  EXPECT_EQ(model.largest_k(1499, 99), 0u);  // not even one replica
  EXPECT_EQ(model.largest_k(499, 99), 0u);   // not even the fixed data
  // Nothing per replica: any k fits once the fixed data do.
  EXPECT_EQ((MemoryModel{0, 500}).largest_k(500, 99), 99u);
  EXPECT_EQ((MemoryModel{0, 500}).largest_k(499, 99), 0u);
}

TEST(MemoryModel, ByteSizesReadAsWritten) {
  EXPECT_EQ(parse_byte_size("80GiB"), 80ull << 30);
  EXPECT_EQ(parse_byte_size("512MiB"), 512ull << 20);
  EXPECT_EQ(parse_byte_size("4 KiB"), 4096u);
  EXPECT_EQ(parse_byte_size("15.5 GB"), 15'500'000'000ull);
  EXPECT_EQ(parse_byte_size("2kB"), 2000u);
  EXPECT_EQ(parse_byte_size("1e9"), 1'000'000'000u);
  EXPECT_EQ(parse_byte_size("100"), 100u);
  EXPECT_EQ(parse_byte_size("7B"), 7u);
  for (const char* bad : {"lots", "", "5 XB", "3 gib", "-1GiB", "inf", "nan"})
    EXPECT_THROW(parse_byte_size(bad), UsageError) << bad;
}

TEST(MemoryModel, AutoTakesTheLargestKInNinetyPercentOfWhatIsFreeCappedByWhatIsUseful) {
  const MemoryModel model{1000, 500};
  Settings settings(std::map<std::string, std::string>{{"chunk_size", "auto"}});
  // 90% of 10,000 bytes is 9,000: (9,000 - 500) / 1,000 = 8 replicas fit.
  const std::string note = resolve_auto_batch(settings, "chunk_size", model, 10000, 100);
  EXPECT_EQ(settings.text("chunk_size"), "8");
  EXPECT_NE(note.find("chunk_size=auto resolved to 8"), std::string::npos) << note;
  settings.set("chunk_size", "auto");
  resolve_auto_batch(settings, "chunk_size", model, 10000, 5);
  EXPECT_EQ(settings.text("chunk_size"), "5");  // no more than are ever in flight
  // A value that is not auto is left alone, and says nothing.
  EXPECT_EQ(resolve_auto_batch(settings, "chunk_size", model, 10000, 5), "");
  EXPECT_EQ(settings.text("chunk_size"), "5");
  Settings tight(std::map<std::string, std::string>{{"n_batch", "auto"}});
  EXPECT_THROW(resolve_auto_batch(tight, "n_batch", model, 1600, 100), OutOfDeviceMemory);
  EXPECT_EQ(tight.text("n_batch"), "auto");
}

TEST(MemoryModel, EachSamplerNamesTheMostPointsItEverHasInFlight) {
  const CellId nss = CellId::parse("nss/analytic/gaussian/d2/fp64");
  EXPECT_EQ(sampler_kind("nss").largest_useful_batch(resolve_settings(nss, {})), 200u);  // n_live
  EXPECT_EQ(sampler_kind("nss").largest_useful_batch(
                resolve_settings(nss, {{"n_live", "40"}, {"num_delete", "30"}})),
            40u);
  const CellId nautilus = CellId::parse("nautilus/analytic/gaussian/d2/fp64");
  EXPECT_EQ(sampler_kind("nautilus").largest_useful_batch(resolve_settings(nautilus, {})), 100u);
  EXPECT_EQ(sampler_kind("nss").batch_key, "chunk_size");
  EXPECT_EQ(sampler_kind("nautilus").batch_key, "n_batch");
}

}  // namespace
}  // namespace nslab
