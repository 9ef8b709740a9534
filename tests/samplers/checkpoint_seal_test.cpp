// Every single flipped bit of a sealed archive is refused.
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.hpp"
#include "samplers/common/binary_archive.hpp"

namespace nslab {
namespace {

TEST(CheckpointSeal, EveryFlippedBitAndEveryTruncationIsRefused) {
  ArchiveWriter writer;
  writer.write(std::string("magic"));
  writer.write(std::vector<double>{1.0, -INFINITY, 3.5});
  writer.write<std::uint32_t>(7);
  const std::string sealed = writer.sealed();
  ASSERT_EQ(sealed.size(), writer.bytes().size() + 4);
  {
    ArchiveReader reader(sealed, "intact");
    reader.check_seal();
    std::string magic;
    std::vector<double> values;
    std::uint32_t count = 0;
    reader.read(magic);
    reader.read(values);
    reader.read(count);
    EXPECT_TRUE(reader.at_end());
    EXPECT_EQ(values[1], -INFINITY);
    EXPECT_EQ(count, 7u);
  }
  for (std::size_t byte = 0; byte < sealed.size(); ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string damaged = sealed;
      damaged[byte] = static_cast<char>(damaged[byte] ^ (1 << bit));
      ArchiveReader reader(damaged, "damaged");
      EXPECT_THROW(reader.check_seal(), UsageError) << "byte " << byte << " bit " << bit;
    }
  }
  for (std::size_t size = 0; size < sealed.size(); ++size) {
    const std::string cut = sealed.substr(0, size);
    ArchiveReader reader(cut, "cut");
    EXPECT_THROW(reader.check_seal(), UsageError) << "cut to " << size;
  }
}

}  // namespace
}  // namespace nslab
