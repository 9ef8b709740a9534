#include "samplers/common/binary_archive.hpp"

#include <zlib.h>

namespace nslab {
namespace {
constexpr std::size_t kSealBytes = 4;

std::uint32_t crc32_of(const char* data, std::size_t size) {
  return static_cast<std::uint32_t>(
      crc32_z(crc32_z(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(data), size));
}
}  // namespace

std::string ArchiveWriter::sealed() const {
  const std::uint32_t crc = crc32_of(buffer_.data(), buffer_.size());
  std::string out = buffer_;
  for (std::size_t i = 0; i < kSealBytes; ++i) out.push_back(static_cast<char>((crc >> (8 * i)) & 0xff));
  return out;
}

void ArchiveReader::check_seal() {
  if (end_ < kSealBytes) fail();
  const std::size_t body = end_ - kSealBytes;
  std::uint32_t stored = 0;
  for (std::size_t i = 0; i < kSealBytes; ++i)
    stored |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes_[body + i])) << (8 * i);
  if (stored != crc32_of(bytes_.data(), body))
    throw UsageError("checkpoint " + source_ +
                     " fails its checksum (a changed or partly copied file); delete it to start afresh");
  end_ = body;
  if (offset_ > end_) fail();
}

void check_checkpoint_magic(const std::string& found, const std::string& expected, const std::string& kind,
                            const std::string& source) {
  if (found == expected) return;
  const std::string family = expected.substr(0, expected.rfind('/') + 1);
  if (found.rfind(family, 0) == 0)
    throw UsageError("checkpoint " + source + " is format " + found + ", this nslab reads " + expected +
                     " only; delete it or rerun without --resume");
  throw UsageError(source + " is not " + kind + " checkpoint of this nslab");
}

}  // namespace nslab
