#include "core/output_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "core/error.hpp"

namespace nslab {
namespace {

std::string holder_of(int fd) {
  char text[32] = {};
  const ssize_t n = ::pread(fd, text, sizeof(text) - 1, 0);
  std::string pid = n > 0 ? std::string(text, static_cast<std::size_t>(n)) : "";
  while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
  return pid.empty() ? "another nslab run" : "another nslab run (pid " + pid + ")";
}

}  // namespace

OutputLock::OutputLock(const std::string& output_path) : lock_path_(output_path + ".lock") {
  // A holder unlinks the file before it lets go, so a lock taken on a file
  // that is no longer at the path is stale: try again on the new one.
  for (;;) {
    fd_ = ::open(lock_path_.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd_ < 0)
      throw UsageError("cannot create the lock file " + lock_path_ + ": " + std::strerror(errno) +
                       " (is the folder writable?)");
    struct stat opened {};
    if (::fstat(fd_, &opened) != 0 || !S_ISREG(opened.st_mode)) {
      ::close(fd_);
      throw UsageError(lock_path_ + " is not a regular file; remove it");
    }
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      const int saved = errno;
      const std::string holder = saved == EWOULDBLOCK ? holder_of(fd_) : "";
      ::close(fd_);
      if (saved == EWOULDBLOCK)
        throw UsageError(holder + " is writing " + output_path + " (it holds " + lock_path_ +
                         "); wait for it to finish or give another --out");
      throw UsageError("cannot lock " + lock_path_ + ": " + std::strerror(saved));
    }
    struct stat at_path {};
    if (::stat(lock_path_.c_str(), &at_path) == 0 && at_path.st_dev == opened.st_dev &&
        at_path.st_ino == opened.st_ino)
      break;
    ::close(fd_);
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  const bool recorded = ::ftruncate(fd_, 0) == 0 &&
                        ::pwrite(fd_, pid.data(), pid.size(), 0) == static_cast<ssize_t>(pid.size());
  (void)recorded;  // without the pid the lock still holds; a refusal just says less
}

OutputLock::~OutputLock() {
  ::unlink(lock_path_.c_str());
  ::close(fd_);
}

}  // namespace nslab
