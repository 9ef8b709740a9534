#pragma once
#include <string>

namespace nslab {

// Writes `content` to a temporary file beside `path`, flushes it, then
// renames it over `path`: a reader sees the old file or the new one, never a
// half-written one. Creates missing parent folders. Throws RunError.
void write_file_atomically(const std::string& path, const std::string& content);

// Reads a whole file; throws UsageError naming the path when it cannot.
std::string read_file(const std::string& path);

}  // namespace nslab
