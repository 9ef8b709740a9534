#pragma once
// Where the files of one run live, when a cell is run more than once (a sweep
// over settings, several seeds, repetitions of one seed). One scheme for every
// command that writes several runs (`nslab sweep`, repetitions for `nslab
// compare`), so their result files sit side by side and never collide:
//
//   <single-run path without .json>[,<key>=<value>]...[,repeat=<r>].json
//   results/nss/analytic/gaussian/d5/cpu_fp64,chunk_size=10,seed=43,repeat=2.json
//
// The comma-separated key=value list follows Hydra's multirun override names.
// Keys come in sorted order, so the same run always gets the same name;
// values are percent-encoded where a character could not appear in a file
// name unambiguously (anything but letters, digits and . _ + -), so two
// different values never give one name. A run's checkpoint and failure record
// sit beside its result file (docs/sweeps.md).
#include <cstddef>
#include <map>
#include <string>

namespace nslab {

// The settings that tell a run apart from its siblings (e.g. {chunk_size: 10,
// seed: 43}) and which repetition of them it is (0: the only one).
struct RunVariant {
  std::map<std::string, std::string> settings;
  std::size_t repeat = 0;
};

// `base` is the path a single run would have (ending in .json); the variant's
// name goes before the extension. An empty variant returns `base` unchanged.
// Throws UsageError if the file name would be longer than a file system allows.
std::string run_result_path(const std::string& base, const RunVariant& variant);

// The files beside a result file.
std::string checkpoint_path_for(const std::string& result_path);      // <result>.checkpoint
std::string failure_record_path_for(const std::string& result_path);  // <result>.failed (JSON)
std::string running_marker_path_for(const std::string& result_path);  // <result>.running (JSON)
std::string run_log_path_for(const std::string& result_path);         // <result>.log

}  // namespace nslab
