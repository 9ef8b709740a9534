#pragma once
#include <string>

namespace nslab {

// Writes `content` to a temporary file beside `path`, flushes it, then
// renames it over `path`: a reader sees the old file or the new one, never a
// half-written one. Creates missing parent folders. Refuses (RunError) to
// replace anything at `path` but a regular file: the rename would otherwise
// swap a folder's name, a symbolic link or a device node for a JSON file.
void write_file_atomically(const std::string& path, const std::string& content);

// Checks, before any work, that write_file_atomically(path) can succeed:
// creates the parent folders and refuses (UsageError) a path that is a
// folder, a symbolic link, a device, a FIFO or a socket. `what` names the
// path in the message ("--out", "the checkpoint"). Whether the folder is
// writable is found by creating a file in it (see OutputLock).
void check_output_file(const std::string& path, const std::string& what);

// Reads a whole file; throws UsageError naming the path when it cannot.
std::string read_file(const std::string& path);

}  // namespace nslab
