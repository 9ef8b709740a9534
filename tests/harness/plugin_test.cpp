#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "core/atomic_file.hpp"
#include "support/nslab_process.hpp"
#include "support/result_files.hpp"

namespace nslab {
namespace {

namespace fs = std::filesystem;

const std::string kPlugins = std::string(NSLAB_BINARY_DIR) + "/plugins/";

TEST(Plugin, ExamplePluginRunsInNssAndNautilusWithItsEvidence) {
  const fs::path dir = nslab::testing::test_scratch_root() / "plugin";
  fs::create_directories(dir);
  for (const std::string sampler : {"nss", "nautilus"}) {
    const std::string out = dir / (sampler + ".json");
    ASSERT_EQ(testing::run_nslab({"run", sampler + "/plugin/example/-/fp64", "--quiet", "--set",
                                  "plugin=" + kPlugins + "libnslab_example_plugin.so", "--out", out}),
              0)
        << sampler;
    const auto result = nlohmann::json::parse(read_file(out));
    const double log_z = result["results"]["log_evidence"], error = result["results"]["log_evidence_error"];
    EXPECT_NEAR(log_z, -3 * std::log(2.0), 3 * error) << sampler;
    EXPECT_EQ(result["model_summary"]["parameter_names"], nlohmann::json({"x", "y", "z"}));
  }
}

TEST(Plugin, WrongAbiMissingFileAndMissingSettingExitTwo) {
  const fs::path dir = nslab::testing::test_scratch_root() / "plugin-refused";
  fs::create_directories(dir);
  const std::string out = dir / "result.json", log = dir / "log";
  auto says = [&](const std::string& words) {
    const std::string text = testing::read_text(log);
    return text.find(words) != std::string::npos ? ::testing::AssertionSuccess()
                                                 : ::testing::AssertionFailure() << text;
  };
  EXPECT_EQ(testing::run_nslab({"run", "nss/plugin/bad/-/fp64", "--quiet", "--set",
                                "plugin=" + kPlugins + "libnslab_wrong_abi_plugin.so", "--out", out}, log),
            2);
  EXPECT_TRUE(says("abi_version 2, this nslab speaks 1"));
  EXPECT_EQ(testing::run_nslab({"run", "nss/plugin/none/-/fp64", "--quiet", "--set",
                                "plugin=/nonexistent/libx.so", "--out", out}, log),
            2);
  EXPECT_TRUE(says("cannot load plugin /nonexistent/libx.so"));
  EXPECT_EQ(testing::run_nslab({"run", "nss/plugin/none/-/fp64", "--quiet", "--out", out}, log), 2);
  EXPECT_TRUE(says("--set plugin="));
  EXPECT_EQ(testing::run_nslab({"run", "nss/plugin/none/x/fp64", "--quiet", "--out", out}, log), 2);
  EXPECT_TRUE(says("'-' as their instrument"));
  EXPECT_FALSE(fs::exists(out));
}

}  // namespace
}  // namespace nslab
