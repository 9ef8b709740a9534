#include "core/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.hpp"

namespace nslab {
namespace {

// What is at `path` when it is not a regular file ("a folder", ...), else "".
std::string non_regular_kind(const std::string& path, std::string* link_target = nullptr) {
  struct stat status {};
  if (::lstat(path.c_str(), &status) != 0) return {};  // nothing there (or unreadable: open says)
  if (S_ISREG(status.st_mode)) return {};
  if (S_ISDIR(status.st_mode)) return "a folder";
  if (S_ISLNK(status.st_mode)) {
    if (link_target) {
      std::error_code error;
      *link_target = std::filesystem::read_symlink(path, error).string();
    }
    return "a symbolic link";
  }
  if (S_ISCHR(status.st_mode)) return "a character device";
  if (S_ISBLK(status.st_mode)) return "a block device";
  if (S_ISFIFO(status.st_mode)) return "a FIFO";
  if (S_ISSOCK(status.st_mode)) return "a socket";
  return "not a regular file";
}

}  // namespace

void check_output_file(const std::string& path, const std::string& what) {
  namespace fs = std::filesystem;
  std::string link_target;
  const std::string kind = non_regular_kind(path, &link_target);
  if (kind == "a folder")
    throw UsageError(what + " " + path + " is a folder; give a file name, e.g. " +
                     (fs::path(path) / "result.json").string());
  if (kind == "a symbolic link")
    throw UsageError(what + " " + path + " is a symbolic link (to " + link_target +
                     "); give the file itself, which nslab replaces by renaming a new file over it");
  if (!kind.empty())
    throw UsageError(what + " " + path + " is " + kind +
                     ", not a regular file; nslab writes a new file and renames it over the path");
  const fs::path parent = fs::path(path).parent_path();
  if (parent.empty()) return;
  std::error_code error;
  fs::create_directories(parent, error);
  if (error || !fs::is_directory(parent))
    throw UsageError("cannot create the folder of " + what + " " + path + ": " +
                     (error ? error.message() : "a file is in the way"));
}

void write_file_atomically(const std::string& path, const std::string& content) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  std::error_code error;
  if (target.has_parent_path()) fs::create_directories(target.parent_path(), error);
  if (const std::string kind = non_regular_kind(path); !kind.empty())
    throw RunError("will not replace " + path + ": it is " + kind + ", not a regular file");
  // O_EXCL | O_NOFOLLOW: never write through a link or into a file someone
  // else made at the temporary name. One left by a dead process of this pid
  // is removed once.
  const std::string temporary = path + ".tmp." + std::to_string(::getpid());
  const int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
  int fd = ::open(temporary.c_str(), flags, 0644);
  if (fd < 0 && errno == EEXIST && ::unlink(temporary.c_str()) == 0) fd = ::open(temporary.c_str(), flags, 0644);
  if (fd < 0) throw RunError("cannot write " + temporary + ": " + std::strerror(errno));
  std::size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0) {
      const int saved = errno;
      ::close(fd);
      ::unlink(temporary.c_str());
      throw RunError("cannot write " + temporary + ": " + std::strerror(saved));
    }
    written += static_cast<std::size_t>(n);
  }
  const bool synced = ::fsync(fd) == 0;
  const int sync_error = errno;
  if (::close(fd) != 0 || !synced) {  // a full disk may show only here
    const int saved = synced ? errno : sync_error;
    ::unlink(temporary.c_str());
    throw RunError("cannot flush " + temporary + ": " + std::strerror(saved));
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    const int saved = errno;
    ::unlink(temporary.c_str());
    throw RunError("cannot rename " + temporary + " to " + path + ": " + std::strerror(saved));
  }
  // The rename itself lives in the folder: flush it too, so a crash right
  // after a checkpoint or result is written cannot lose it.
  const std::string folder = target.has_parent_path() ? target.parent_path().string() : ".";
  if (const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError("cannot read " + path);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

}  // namespace nslab
