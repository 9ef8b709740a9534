// What may stand at an output path, and one writer per output.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/output_lock.hpp"
#include "support/result_files.hpp"

namespace nslab {
namespace {

namespace fs = std::filesystem;

TEST(OutputFiles, OnlyARegularFileOrNothingMayStandAtAnOutput) {
  const fs::path dir = testing::scratch_dir("kinds");
  EXPECT_NO_THROW(check_output_file(dir / "new" / "deeper" / "r.json", "--out"));
  EXPECT_TRUE(fs::is_directory(dir / "new" / "deeper")) << "the folders are made first";
  write_file_atomically(dir / "old.json", "old\n");
  EXPECT_NO_THROW(check_output_file(dir / "old.json", "--out"));
  EXPECT_THROW(check_output_file(dir.string(), "--out"), UsageError);
  fs::create_symlink(dir / "old.json", dir / "link.json");
  EXPECT_THROW(check_output_file(dir / "link.json", "--out"), UsageError);
  fs::create_symlink(dir / "nowhere.json", dir / "dangling.json");
  EXPECT_THROW(check_output_file(dir / "dangling.json", "--out"), UsageError);
  ASSERT_EQ(mkfifo((dir / "fifo").c_str(), 0644), 0);
  EXPECT_THROW(check_output_file(dir / "fifo", "--out"), UsageError);
  write_file_atomically(dir / "file", "x");
  EXPECT_THROW(check_output_file(dir / "file" / "r.json", "--out"), UsageError) << "a file where a folder must be";
}

TEST(OutputFiles, TheAtomicWriteNeverReplacesALinkOrAFolder) {
  const fs::path dir = testing::scratch_dir("replace");
  write_file_atomically(dir / "target.json", "keep\n");
  fs::create_symlink(dir / "target.json", dir / "link.json");
  EXPECT_THROW(write_file_atomically(dir / "link.json", "new\n"), RunError);
  EXPECT_TRUE(fs::is_symlink(dir / "link.json"));
  EXPECT_EQ(read_file(dir / "target.json"), "keep\n");
  fs::create_directories(dir / "folder");
  EXPECT_THROW(write_file_atomically(dir / "folder", "new\n"), RunError);
  EXPECT_TRUE(fs::is_directory(dir / "folder"));
  // A link planted at the temporary name is not written through.
  fs::create_symlink(dir / "target.json", dir / ("r.json.tmp." + std::to_string(getpid())));
  write_file_atomically(dir / "r.json", "result\n");
  EXPECT_EQ(read_file(dir / "r.json"), "result\n");
  EXPECT_EQ(read_file(dir / "target.json"), "keep\n");
}

TEST(OutputFiles, OneLockPerOutputAndItGoesWithItsHolder) {
  const fs::path dir = testing::scratch_dir("lock");
  const std::string out = dir / "r.json";
  {
    const OutputLock first(out);
    EXPECT_TRUE(fs::exists(out + ".lock"));
    try {
      const OutputLock second(out);
      ADD_FAILURE() << "a second lock on one output was granted";
    } catch (const UsageError& error) {
      EXPECT_NE(std::string(error.what()).find("pid " + std::to_string(getpid())), std::string::npos) << error.what();
    }
  }
  EXPECT_FALSE(fs::exists(out + ".lock"));
  EXPECT_NO_THROW(OutputLock{out});
}

}  // namespace
}  // namespace nslab
