#include "likelihoods/plugin/plugin_channel.hpp"

#include <sys/socket.h>

#include <cerrno>

namespace nslab::plugin_channel {

bool send_message(int fd, const std::string& message) {
  const std::uint64_t size = message.size();
  const std::string framed = std::string(reinterpret_cast<const char*>(&size), sizeof(size)) + message;
  std::size_t sent = 0;
  while (sent < framed.size()) {
    const ssize_t n = ::send(fd, framed.data() + sent, framed.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

namespace {
bool receive_exactly(int fd, char* data, std::size_t size) {
  std::size_t received = 0;
  while (received < size) {
    const ssize_t n = ::recv(fd, data + received, size - received, 0);
    if (n < 0 && errno == EINTR) continue;  // a signal nslab handles between calls
    if (n <= 0) return false;
    received += static_cast<std::size_t>(n);
  }
  return true;
}
}  // namespace

bool receive_message(int fd, std::string& message) {
  std::uint64_t size = 0;
  if (!receive_exactly(fd, reinterpret_cast<char*>(&size), sizeof(size))) return false;
  if (size > kRegionBytes) return false;  // no message is this large: the stream is garbage
  message.resize(size);
  return receive_exactly(fd, message.data(), size);
}

}  // namespace nslab::plugin_channel
