// The comparison figures: row labels laid out to fit (never cut), unfinished
// runs left out unless asked for and hollow when shown, anchors ringed.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

#include "core/atomic_file.hpp"
#include "harness/compare/result_fixtures.hpp"
#include "support/nslab_process.hpp"
#include "harness/plots/dot_plot.hpp"
#include "harness/plots/svg_text.hpp"

namespace nslab {
namespace {

namespace fs = std::filesystem;

double frame_left(const std::string& svg) {
  std::smatch m;
  EXPECT_TRUE(std::regex_search(svg, m, std::regex("<rect x=\"([0-9.]+)\" y=\"48\"")));
  return std::stod(m[1]);
}

TEST(DotPlot, LabelsFitLeftOfThePlotWhateverTheirLength) {
  const std::string long_label = "af-nautilus · NVIDIA A100 80GB PCIe · k=100 · anchor · stopped by max_wall_s";
  DotPlot plot{"t", "x", false, {{long_label, "af-nautilus", "a100", {{1.0, 0.1, false, true}}},
                                 {"nss · cpu · k=all", "nss", "cpu", {{2.0, 0.0, true, false}}}}, {}, "", {}};
  const std::string svg = render_dot_plot_svg(plot);
  EXPECT_GE(frame_left(svg), text_width(long_label));
  EXPECT_EQ(svg.find("rotate("), std::string::npos);          // no slanted labels
  EXPECT_NE(svg.find("fill=\"white\""), std::string::npos);   // the hollow (unfinished) marker
  EXPECT_NE(svg.find("r=\"8.5\""), std::string::npos);        // the anchor's ring
  plot.rows.resize(1);
  plot.rows[0].label = "short";
  EXPECT_LT(frame_left(render_dot_plot_svg(plot)), 100);
}

TEST(DotPlot, PlotLeavesUnfinishedRunsOutUnlessAsked) {
  const fs::path dir = testing::scratch_dir("plots");
  testing::FakeRun finished, smoke;
  smoke.sampler = "nautilus";
  smoke.stopped_by = "max_evals";
  testing::write_fake(dir / "in/finished.json", finished);
  testing::write_fake(dir / "in/smoke.json", smoke);
  ASSERT_EQ(testing::run_nslab({"plot", (dir / "in").string(), "--out", (dir / "out").string()}), 0);
  const std::string svg = read_file((dir / "out/log_z_analytic_gaussian_d5_fp64.svg").string());
  EXPECT_EQ(svg.find("nautilus · cpu"), std::string::npos);
  EXPECT_NE(svg.find("1 run stopped by a budget left out"), std::string::npos);
  ASSERT_EQ(testing::run_nslab({"plot", (dir / "in").string(), "--out", (dir / "all").string(),
                                "--include-unfinished"}),
            0);
  const std::string all = read_file((dir / "all/log_z_analytic_gaussian_d5_fp64.svg").string());
  EXPECT_NE(all.find("nautilus · cpu · k=all · stopped by max_evals"), std::string::npos);
  EXPECT_NE(all.find("not finished (budget)"), std::string::npos);
}

}  // namespace
}  // namespace nslab
