// The sampler kinds as cells use them: defaults, progress reports and the
// result coming through SamplerKind::run.
#include <gtest/gtest.h>

#include <cmath>

#include "cells/cell_catalog.hpp"
#include "cells/sampler_registry.hpp"
#include "core/error.hpp"
#include "likelihoods/analytic/gaussian.hpp"

namespace nslab {
namespace {

TEST(SamplerKinds, NautilusSettingsProgressAndErrorEstimateComeThroughTheCell) {
  const CellId cell = CellId::parse("nautilus/analytic/gaussian/d2/fp64");
  const Settings settings = resolve_settings(cell, {{"n_eff", "200"}, {"n_networks", "2"}});
  EXPECT_EQ(settings.text("n_live"), "200");
  EXPECT_EQ(settings.text("n_batch"), "100");
  GaussianLikelihood<double> likelihood(2);
  std::vector<SamplerProgress> reports;
  RunControl control;
  control.progress = [&](const SamplerProgress& progress) { reports.push_back(progress); };
  const SamplerResult result = sampler_kind("nautilus").run(likelihood, settings, control);
  ASSERT_FALSE(reports.empty());
  for (std::size_t i = 0; i < reports.size(); ++i) {
    EXPECT_EQ(reports[i].iteration, i + 1);
    EXPECT_EQ(reports[i].likelihood_evals, (i + 1) * 100);
    EXPECT_LE(reports[i].log_z_remaining, 0.0);
  }
  EXPECT_EQ(reports.back().log_z, result.log_evidence);
  EXPECT_LE(result.diagnostics.at("log_f_live_at_exploration_end"), std::log(0.01));
  EXPECT_DOUBLE_EQ(result.log_evidence_error, 1.0 / std::sqrt(result.diagnostics.at("n_eff")));
  EXPECT_NE(result.log_evidence_error_method.find("N_eff"), std::string::npos);
  EXPECT_EQ(result.diagnostics.at("last_bound_networks"), 2.0);

  EXPECT_THROW(sampler_kind("nautilus").run(likelihood, resolve_settings(cell, {{"n_batch", "auto"}}), control),
               UsageError);
  EXPECT_THROW(resolve_settings(cell, {{"n_lives", "3"}}), UsageError);
}

}  // namespace
}  // namespace nslab
