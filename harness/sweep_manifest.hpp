#pragma once
// A sweep manifest: one line per run (its id, cell, result path, checkpoint
// path and settings), made from a selection of cells and settings, written
// as text a person can read and edit, and read back with every line checked
// before anything runs. Format and rules: docs/sweeps.md.
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "cells/cell_id.hpp"

namespace nslab {

inline constexpr const char* kSweepManifestFormat = "nslab.sweep/1";

struct SweepRun {
  std::size_t id = 0;  // the SLURM array index; unique in a manifest
  CellId cell;
  std::string result_path;      // as written in the manifest
  std::string checkpoint_path;  // as written in the manifest
  std::map<std::string, std::string> settings;  // the `--set` overrides of this run
};

struct SweepManifest {
  std::string path;       // where it was read from ("" when not from a file)
  std::string directory;  // relative paths in it are relative to this folder
  std::vector<SweepRun> runs;
  // A path from the manifest, made usable from the current directory.
  std::string resolve(const std::string& manifest_path) const;
  const SweepRun& run_with_id(std::size_t id) const;  // UsageError if none
};

// What `nslab sweep SELECTION... --vary ...` asks for.
struct SweepSelection {
  std::vector<std::string> cell_patterns;  // shell globs over `nslab list`, or literal ids
  std::vector<std::pair<std::string, std::vector<std::string>>> vary;  // key, values (in order)
  std::map<std::string, std::string> fixed;  // --set: the same for every run
  std::size_t seeds = 1;    // > 1: seed, seed+1, ... from each cell's seed setting
  std::size_t repeat = 1;   // > 1: each run R times (same seed)
  std::string results_root = "results";
  std::string gpu_name;     // device part of cuda runs' file names ("" : this machine's GPU or "gpu")
};

// Expands the selection into runs (ids 0, 1, ...) with result paths from
// harness/run_naming.hpp. A --vary or --set key applies to the cells that
// take it; throws UsageError for a pattern that matches no cell, a key that
// no selected cell takes, a value a manifest cannot hold, or two runs that
// would write one file.
SweepManifest plan_sweep(const SweepSelection& selection);

// "--vary chunk_size=1,10,50" -> {"chunk_size", {"1", "10", "50"}}; UsageError.
std::pair<std::string, std::vector<std::string>> parse_vary(const std::string& text);

// The manifest's text; paths are written relative to `directory` where they
// lie inside it. `made_by` goes into a comment (the command that made it).
std::string format_manifest(const SweepManifest& manifest, const std::string& directory,
                            const std::string& made_by);

// Reads and checks a whole manifest; throws UsageError naming the file and
// line of the first fault (not a manifest, a short line, an unknown cell or
// setting, a duplicate id or result path).
SweepManifest read_manifest(const std::string& path);
SweepManifest parse_manifest(const std::string& text, const std::string& path,
                             const std::string& directory);

// "chunk_size=10 seed=43" (how a manifest line and the status show settings).
std::string settings_text(const std::map<std::string, std::string>& settings);

}  // namespace nslab
