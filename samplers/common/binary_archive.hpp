#pragma once
// A minimal binary archive for sampler checkpoints: doubles are stored as
// their bytes, so a resumed run continues from exactly the state it saved
// (text formats lose -inf and risk rounding). Layout: magic, format
// version, a fingerprint string, then the sampler's fields in order, then
// (sealed()) a CRC-32 of all of it, so a flipped bit or an overwritten
// record is refused rather than resumed into another run.
#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

#include "core/error.hpp"

namespace nslab {

class ArchiveWriter {
 public:
  template <class T>
  void write(const T& value) {
    static_assert(std::is_trivially_copyable_v<T>);
    const auto* bytes = reinterpret_cast<const char*>(&value);
    buffer_.append(bytes, sizeof(T));
  }
  template <class T>
  void write(const std::vector<T>& values) {
    write<std::uint64_t>(values.size());
    for (const T& value : values) write(value);
  }
  void write(const std::string& text) {
    write<std::uint64_t>(text.size());
    buffer_.append(text);
  }
  const std::string& bytes() const { return buffer_; }
  // The bytes followed by their CRC-32 (4 bytes, little-endian).
  std::string sealed() const;

 private:
  std::string buffer_;
};

class ArchiveReader {
 public:
  ArchiveReader(const std::string& bytes, std::string source)
      : bytes_(bytes), source_(std::move(source)), end_(bytes.size()) {}
  template <class T>
  void read(T& value) {
    static_assert(std::is_trivially_copyable_v<T>);
    need(sizeof(T));
    std::memcpy(&value, bytes_.data() + offset_, sizeof(T));
    offset_ += sizeof(T);
  }
  template <class T>
  void read(std::vector<T>& values) {
    std::uint64_t size = 0;
    read(size);
    if (size > end_) fail();
    values.resize(size);
    for (T& value : values) read(value);
  }
  void read(std::string& text) {
    std::uint64_t size = 0;
    read(size);
    need(size);
    text.assign(bytes_.data() + offset_, size);
    offset_ += size;
  }
  bool at_end() const { return offset_ == end_; }
  // Checks the CRC-32 that sealed() appended and stops reading before it;
  // throws UsageError naming the file when it does not match.
  void check_seal();

 private:
  void need(std::size_t size) {
    if (size > end_ || offset_ > end_ - size) fail();
  }
  [[noreturn]] void fail() const {
    throw UsageError("checkpoint " + source_ + " is truncated or corrupt; delete it to start afresh");
  }
  const std::string& bytes_;
  std::string source_;
  std::size_t end_;  // the seal's first byte once check_seal() has run
  std::size_t offset_ = 0;
};

// Refuses a checkpoint whose magic is not `expected` ("nslab.<kind>.checkpoint/N",
// `kind` names it for people): one line naming the file, and, for another
// format version of the same kind (an older nslab's), both versions.
void check_checkpoint_magic(const std::string& found, const std::string& expected, const std::string& kind,
                            const std::string& source);

}  // namespace nslab
