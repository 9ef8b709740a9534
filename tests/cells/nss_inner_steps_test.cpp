// num_inner_steps=auto: the calibrated rule (docs/compare.md), which cells
// take it by default, and that a run records the length it used.
#include <gtest/gtest.h>

#include "cells/cell_catalog.hpp"
#include "cells/likelihood_registry.hpp"
#include "cells/sampler_nss.hpp"
#include "harness/run_cell.hpp"
#include "samplers/nss/inner_steps_rule.hpp"

namespace nslab {
namespace {

std::size_t resolved_inner_steps(const std::string& cell, const std::map<std::string, std::string>& overrides = {}) {
  const CellId id = CellId::parse(cell);
  const Settings settings = resolve_settings(id, overrides);
  return nss_settings_from(settings, make_likelihood(id, settings)->dim()).num_inner_steps;
}

TEST(NssInnerSteps, AutoIsThreeTimesTheDimensionNeverBelowFive) {
  EXPECT_EQ(auto_num_inner_steps(1), 5u);
  EXPECT_EQ(auto_num_inner_steps(2), 6u);
  EXPECT_EQ(auto_num_inner_steps(5), 15u);
  EXPECT_EQ(auto_num_inner_steps(10), 30u);
  EXPECT_EQ(auto_num_inner_steps(15), 45u);
}

TEST(NssInnerSteps, AnalyticCellsTakeAutoImagingCellsKeepAfNssFive) {
  EXPECT_EQ(resolve_settings(CellId::parse("nss/analytic/gaussian/d10/fp64"), {}).text("num_inner_steps"), "auto");
  EXPECT_EQ(resolved_inner_steps("nss/analytic/gaussian/d10/fp64"), 30u);
  EXPECT_EQ(resolved_inner_steps("nss/analytic/mixture/d5/fp64"), 15u);
  EXPECT_EQ(resolved_inner_steps("nss/analytic/gaussian/d10/fp64", {{"num_inner_steps", "5"}}), 5u);
  EXPECT_EQ(resolve_settings(CellId::parse("nss/imaging/mge/ci/fp64"), {}).text("num_inner_steps"), "5");
  EXPECT_EQ(resolve_settings(CellId::parse("nss/synthetic/mapping/ci/fp64"), {}).text("num_inner_steps"), "5");
}

TEST(NssInnerSteps, ARunRecordsTheLengthItUsed) {
  RunOptions options;
  options.quiet = true;
  options.overrides = {{"threads", "1"}, {"n_live", "50"}, {"num_delete", "10"}};
  const CellRun run = run_cell(CellId::parse("nss/analytic/gaussian/d2/fp64"), options);
  EXPECT_EQ(run.result.diagnostics.at("num_inner_steps"), 6.0);
}

}  // namespace
}  // namespace nslab
