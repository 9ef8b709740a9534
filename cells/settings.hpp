#pragma once
// A cell's settings: every key it accepts with its value as text, defaults
// filled in and `--set k=v` overrides applied. Typed getters turn a bad value
// into a UsageError that names the key.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace nslab {

class Settings {
 public:
  Settings() = default;
  explicit Settings(std::map<std::string, std::string> values) : values_(std::move(values)) {}

  bool has(const std::string& key) const { return values_.count(key) != 0; }
  const std::string& text(const std::string& key) const;
  std::int64_t integer(const std::string& key) const;
  std::size_t count(const std::string& key) const;  // a non-negative integer
  double real(const std::string& key) const;
  bool boolean(const std::string& key) const;
  std::uint64_t unsigned_integer(const std::string& key) const;

  void set(const std::string& key, const std::string& value) { values_[key] = value; }
  const std::map<std::string, std::string>& values() const { return values_; }

 private:
  std::map<std::string, std::string> values_;
};

// Parses "key=value" (from --set); throws UsageError when there is no '='.
std::pair<std::string, std::string> parse_assignment(const std::string& text);
// Many of them; a key given twice is refused (which one was meant?).
std::map<std::string, std::string> parse_assignments(const std::vector<std::string>& texts);

}  // namespace nslab
