#include "harness/run_naming.hpp"

#include <cstdio>

#include "core/error.hpp"

namespace nslab {
namespace {

bool safe_in_file_name(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '+' || c == '-';
}

std::string percent_encoded(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (safe_in_file_name(c)) {
      out += c;
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", static_cast<unsigned char>(c));
      out += hex;
    }
  }
  return out;
}

// Most file systems (ext4, xfs, btrfs, NFS, Lustre) cap one name at 255 bytes.
constexpr std::size_t kLongestFileName = 255;

}  // namespace

std::string run_result_path(const std::string& base, const RunVariant& variant) {
  if (variant.settings.empty() && variant.repeat == 0) return base;
  const std::string extension = ".json";
  const bool has_extension =
      base.size() > extension.size() && base.compare(base.size() - extension.size(), extension.size(), extension) == 0;
  std::string stem = has_extension ? base.substr(0, base.size() - extension.size()) : base;
  for (const auto& [key, value] : variant.settings) {
    if (key == "repeat") throw UsageError("'repeat' cannot be a setting name: it names repetitions");
    // Appended piece by piece: GCC 12's -Wrestrict misfires on "," + string (bug 105329).
    stem.append(",").append(percent_encoded(key)).append("=").append(percent_encoded(value));
  }
  if (variant.repeat > 0) stem += ",repeat=" + std::to_string(variant.repeat);
  const std::string path = stem + extension;
  const std::size_t slash = path.rfind('/');
  const std::size_t name_length = slash == std::string::npos ? path.size() : path.size() - slash - 1;
  if (name_length > kLongestFileName)
    throw UsageError("the result file name for these settings would be " + std::to_string(name_length) +
                     " characters, more than the " + std::to_string(kLongestFileName) +
                     " a file system allows: vary fewer settings at once");
  return path;
}

std::string checkpoint_path_for(const std::string& result_path) { return result_path + ".checkpoint"; }

std::string failure_record_path_for(const std::string& result_path) { return result_path + ".failed"; }

std::string running_marker_path_for(const std::string& result_path) { return result_path + ".running"; }

std::string run_log_path_for(const std::string& result_path) { return result_path + ".log"; }

}  // namespace nslab
