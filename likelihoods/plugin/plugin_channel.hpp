#pragma once
// The channel between nslab and the process that hosts a plugin
// (plugin_host.cpp): a Unix socket for small messages and a shared memory
// region for the batches. Messages are length-prefixed byte strings; a
// failed read means the other side is gone.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>

namespace nslab::plugin_channel {

// The host's command line: argv[1] is this marker, argv[2] the library.
inline constexpr const char kHostArgument[] = "__nslab_plugin_host";
// The host finds the socket and the shared region at these descriptors.
inline constexpr int kSocketFd = 3;
inline constexpr int kRegionFd = 4;
// The host's status when the plugin called exit() (an atexit handler ends
// the host with it, before static destructors run among live threads).
inline constexpr int kPluginCalledExit = 213;
// The shared region's size; a batch larger than it goes in pieces.
inline constexpr std::size_t kRegionBytes = std::size_t{64} << 20;

// Whole messages over a stream socket; false when the peer is gone.
bool send_message(int fd, const std::string& message);
bool receive_message(int fd, std::string& message);

// Builds and reads a message field by field (numbers as their bytes: both
// ends are the same binary on the same machine).
class MessageWriter {
 public:
  template <class T>
  MessageWriter& put(const T& value) {
    static_assert(std::is_trivially_copyable_v<T>);
    bytes_.append(reinterpret_cast<const char*>(&value), sizeof(T));
    return *this;
  }
  MessageWriter& put(const std::string& text) {
    put<std::uint64_t>(text.size());
    bytes_ += text;
    return *this;
  }
  const std::string& bytes() const { return bytes_; }

 private:
  std::string bytes_;
};

class MessageReader {
 public:
  explicit MessageReader(const std::string& bytes) : bytes_(bytes) {}
  // False once a read ran past the end (the message was malformed).
  bool ok() const { return ok_; }
  template <class T>
  T get() {
    static_assert(std::is_trivially_copyable_v<T>);
    T value{};
    if (!take(sizeof(T))) return value;
    std::memcpy(&value, bytes_.data() + offset_ - sizeof(T), sizeof(T));
    return value;
  }
  std::string text() {
    const auto size = get<std::uint64_t>();
    if (!take(size)) return {};
    return bytes_.substr(offset_ - size, size);
  }

 private:
  bool take(std::size_t size) {
    if (!ok_ || size > bytes_.size() - offset_) return ok_ = false;
    offset_ += size;
    return true;
  }
  const std::string& bytes_;
  std::size_t offset_ = 0;
  bool ok_ = true;
};

// The host's main (nslab's main calls it when argv[1] is kHostArgument);
// it ends the process itself.
[[noreturn]] void plugin_host_main(int argc, char** argv);

}  // namespace nslab::plugin_channel
