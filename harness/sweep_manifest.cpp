#include "harness/sweep_manifest.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <set>
#include <sstream>

#include "cells/cell_catalog.hpp"
#include "cells/settings.hpp"
#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "harness/device_info_cuda.hpp"
#include "harness/run_cell.hpp"
#include "harness/run_naming.hpp"

namespace nslab {
namespace {

namespace fs = std::filesystem;

bool is_glob(const std::string& pattern) { return pattern.find_first_of("*?[") != std::string::npos; }

std::vector<CellId> select_cells(const std::vector<std::string>& patterns) {
  if (patterns.empty()) throw UsageError("sweep: name the cells to sweep (globs over `nslab list`)");
  std::vector<CellId> cells;
  std::set<std::string> seen;
  const auto add = [&](const CellId& cell) {
    if (seen.insert(cell.str()).second) cells.push_back(cell);
  };
  for (const auto& pattern : patterns) {
    if (!is_glob(pattern)) {
      const CellId cell = CellId::parse(pattern);
      resolve_settings(cell, {});  // an unknown sampler, family or instrument says so here
      add(cell);
      continue;
    }
    std::size_t matched = 0;
    for (const auto& cell : all_cells())
      if (fnmatch(pattern.c_str(), cell.str().c_str(), 0) == 0) {
        add(cell);
        ++matched;
      }
    if (matched == 0) throw UsageError("no cell matches '" + pattern + "' (`nslab list` shows the cells)");
  }
  return cells;
}

// A manifest line is split on whitespace and '#' starts a comment there.
void check_manifest_token(const std::string& what, const std::string& text) {
  if (text.empty() || text.find_first_of(" \t\r\n#") != std::string::npos)
    throw UsageError(what + " '" + text + "' cannot go into a sweep manifest (it is empty or holds "
                     "a space or '#')");
}

// The device part of a result file name for a run on `backend`.
std::string device_part(const std::string& backend, const std::string& gpu_name) {
  if (backend != "cuda") return device_info_for_backend(backend).short_name;
  if (!gpu_name.empty()) return gpu_name;
  static const std::string here = [] {
    try {
      return cuda_device_info().short_name;
    } catch (const std::exception&) {
      return std::string("gpu");  // planned on a machine without one (a login node)
    }
  }();
  return here;
}

// Every combination of the given keys' values, the first key varying slowest.
std::vector<std::map<std::string, std::string>> combinations(
    const std::vector<std::pair<std::string, std::vector<std::string>>>& dimensions) {
  std::vector<std::map<std::string, std::string>> result(1);
  for (const auto& [key, values] : dimensions) {
    std::vector<std::map<std::string, std::string>> next;
    for (const auto& partial : result)
      for (const auto& value : values) {
        auto extended = partial;
        extended[key] = value;
        next.push_back(std::move(extended));
      }
    result = std::move(next);
  }
  return result;
}

std::string normal_absolute(const std::string& path) { return fs::absolute(path).lexically_normal().string(); }

std::string path_for_manifest(const std::string& path, const std::string& directory) {
  const fs::path absolute = normal_absolute(path);
  const fs::path relative = absolute.lexically_relative(normal_absolute(directory));
  if (relative.empty() || *relative.begin() == "..") return absolute.string();
  return relative.string();
}

std::vector<std::string> tokens_of(const std::string& line) {
  std::vector<std::string> tokens;
  std::istringstream words(line.substr(0, line.find('#')));
  for (std::string word; words >> word;) tokens.push_back(word);
  return tokens;
}

}  // namespace

std::string SweepManifest::resolve(const std::string& manifest_path) const {
  if (manifest_path.empty() || manifest_path.front() == '/' || directory.empty() || directory == ".")
    return manifest_path;
  return (fs::path(directory) / manifest_path).string();
}

const SweepRun& SweepManifest::run_with_id(std::size_t id) const {
  for (const auto& run : runs)
    if (run.id == id) return run;
  throw UsageError(path + ": no run has id " + std::to_string(id));
}

std::string settings_text(const std::map<std::string, std::string>& settings) {
  std::string text;
  for (const auto& [key, value] : settings) text += (text.empty() ? "" : " ") + key + "=" + value;
  return text;
}

std::pair<std::string, std::vector<std::string>> parse_vary(const std::string& text) {
  const auto [key, list] = parse_assignment(text);
  std::vector<std::string> values;
  std::stringstream parts(list);
  for (std::string value; std::getline(parts, value, ',');) values.push_back(value);
  if (values.empty() || std::any_of(values.begin(), values.end(), [](const auto& v) { return v.empty(); }))
    throw UsageError("--vary '" + text + "' needs key=v1,v2,... with no empty value");
  std::set<std::string> distinct(values.begin(), values.end());
  if (distinct.size() != values.size()) throw UsageError("--vary '" + text + "' lists a value twice");
  return {key, values};
}

SweepManifest plan_sweep(const SweepSelection& selection) {
  const std::vector<CellId> cells = select_cells(selection.cell_patterns);
  if (selection.seeds == 0 || selection.repeat == 0) throw UsageError("--seeds and --repeat must be at least 1");
  std::set<std::string> varied;
  for (const auto& [key, values] : selection.vary) {
    if (!varied.insert(key).second) throw UsageError("--vary " + key + " is given twice");
    if (selection.fixed.count(key)) throw UsageError("setting '" + key + "' is both varied and --set");
    if (key == "seed" && selection.seeds > 1) throw UsageError("--seeds and --vary seed=... both choose seeds: use one");
  }
  // Each key must be taken by at least one selected cell, or it is a typo.
  std::vector<std::string> keys;
  for (const auto& [key, values] : selection.vary) keys.push_back(key);
  for (const auto& [key, value] : selection.fixed) keys.push_back(key);
  for (const auto& key : keys) {
    const bool taken = std::any_of(cells.begin(), cells.end(),
                                   [&](const CellId& cell) { return resolve_settings(cell, {}).has(key); });
    if (!taken) {
      std::string known;
      const Settings first = resolve_settings(cells.front(), {});
      for (const auto& [name, value] : first.values())
        known += (known.empty() ? "" : " ") + name;
      throw UsageError("no selected cell takes setting '" + key + "' (settings of " + cells.front().str() + ": " +
                       known + ")");
    }
  }

  SweepManifest manifest;
  manifest.directory = ".";
  std::map<std::string, std::size_t> run_of_path;
  for (const CellId& cell : cells) {
    const Settings defaults = resolve_settings(cell, {});
    std::map<std::string, std::string> fixed;
    for (const auto& [key, value] : selection.fixed)
      if (defaults.has(key)) fixed[key] = value;
    std::vector<std::pair<std::string, std::vector<std::string>>> dimensions;
    for (const auto& dimension : selection.vary)
      if (defaults.has(dimension.first)) dimensions.push_back(dimension);
    if (selection.seeds > 1) {
      const std::uint64_t first = resolve_settings(cell, fixed).unsigned_integer("seed");
      std::vector<std::string> seeds;
      for (std::size_t i = 0; i < selection.seeds; ++i) seeds.push_back(std::to_string(first + i));
      dimensions.emplace_back("seed", seeds);
    }
    for (const auto& combination : combinations(dimensions)) {
      std::map<std::string, std::string> settings = fixed;
      settings.insert(combination.begin(), combination.end());
      for (const auto& [key, value] : settings) check_manifest_token("setting " + key + "=", value);
      const Settings resolved = resolve_settings(cell, settings);
      const std::string base = default_result_path(
          cell, device_part(resolved.text("backend"), selection.gpu_name), selection.results_root);
      for (std::size_t r = 1; r <= selection.repeat; ++r) {
        SweepRun run;
        run.id = manifest.runs.size();
        run.cell = cell;
        run.settings = settings;
        run.result_path = run_result_path(base, {combination, selection.repeat > 1 ? r : 0});
        run.checkpoint_path = checkpoint_path_for(run.result_path);
        check_manifest_token("result path", run.result_path);
        const auto [where, fresh] = run_of_path.emplace(normal_absolute(run.result_path), run.id);
        if (!fresh)
          throw UsageError("runs " + std::to_string(where->second) + " and " + std::to_string(run.id) +
                           " would both write " + run.result_path);
        manifest.runs.push_back(std::move(run));
      }
    }
  }
  return manifest;
}

std::string format_manifest(const SweepManifest& manifest, const std::string& directory,
                            const std::string& made_by) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& run : manifest.runs)
    rows.push_back({std::to_string(run.id), run.cell.str(),
                    path_for_manifest(manifest.resolve(run.result_path), directory),
                    path_for_manifest(manifest.resolve(run.checkpoint_path), directory),
                    settings_text(run.settings)});
  std::vector<std::size_t> width(4, 0);
  for (const auto& row : rows)
    for (std::size_t c = 0; c < width.size(); ++c) width[c] = std::max(width[c], row[c].size());
  std::string text =
      "# nslab sweep manifest: one run a line, fields separated by spaces:\n"
      "#   id  cell  result  checkpoint  [setting=value]...\n"
      "# Edit or delete lines as you like; ids must stay unique (they are the SLURM array\n"
      "# indices). Relative paths are relative to this file's folder. See docs/sweeps.md.\n"
      "# Made by: " + made_by + "\n" + kSweepManifestFormat + "\n";
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t c = 0; c < width.size(); ++c)
      line += c + 1 < width.size() ? row[c] + std::string(width[c] - row[c].size() + 2, ' ') : row[c];
    if (!row.back().empty()) line += "  " + row.back();
    text += line + "\n";
  }
  return text;
}

SweepManifest parse_manifest(const std::string& text, const std::string& path, const std::string& directory) {
  SweepManifest manifest;
  manifest.path = path;
  manifest.directory = directory;
  std::istringstream lines(text);
  bool format_seen = false;
  std::map<std::size_t, std::size_t> line_of_id;
  std::map<std::string, std::size_t> line_of_file;
  std::size_t number = 0;
  for (std::string line; std::getline(lines, line);) {
    ++number;
    const std::vector<std::string> tokens = tokens_of(line);
    if (tokens.empty()) continue;
    const std::string where = path + ":" + std::to_string(number) + ": ";
    if (!format_seen) {
      if (tokens.size() != 1 || tokens[0] != kSweepManifestFormat)
        throw UsageError(path + " is not an nslab sweep manifest (its first line that is not a comment must be '" +
                         std::string(kSweepManifestFormat) + "'; `nslab sweep CELLS... --write FILE` makes one)");
      format_seen = true;
      continue;
    }
    if (tokens.size() < 4)
      throw UsageError(where + "a run line needs id, cell, result and checkpoint, then setting=value...");
    try {
      SweepRun run;
      const auto [end, error] = std::from_chars(tokens[0].data(), tokens[0].data() + tokens[0].size(), run.id);
      if (error != std::errc() || end != tokens[0].data() + tokens[0].size())
        throw UsageError("'" + tokens[0] + "' is not a run id (a whole number)");
      run.cell = CellId::parse(tokens[1]);
      run.result_path = tokens[2];
      run.checkpoint_path = tokens[3];
      for (std::size_t i = 4; i < tokens.size(); ++i) {
        const auto [key, value] = parse_assignment(tokens[i]);
        if (!run.settings.emplace(key, value).second) throw UsageError("setting '" + key + "' is given twice");
      }
      resolve_settings(run.cell, run.settings);  // unknown cells and settings say so here
      if (const auto [at, fresh] = line_of_id.emplace(run.id, number); !fresh)
        throw UsageError("id " + tokens[0] + " is also on line " + std::to_string(at->second));
      for (const std::string& file : {run.result_path, run.checkpoint_path})
        if (const auto [at, fresh] = line_of_file.emplace(normal_absolute(manifest.resolve(file)), number); !fresh)
          throw UsageError(file + " is also named on line " + std::to_string(at->second));
      manifest.runs.push_back(std::move(run));
    } catch (const UsageError& error) {
      throw UsageError(where + error.what());
    }
  }
  if (!format_seen)
    throw UsageError(path + " is not an nslab sweep manifest (no '" + std::string(kSweepManifestFormat) + "' line)");
  if (manifest.runs.empty()) throw UsageError(path + " has no runs");
  return manifest;
}

SweepManifest read_manifest(const std::string& path) {
  if (!fs::is_regular_file(path)) throw UsageError("sweep manifest " + path + " is not a file");
  const std::string directory = fs::path(path).parent_path().string();
  return parse_manifest(read_file(path), path, directory.empty() ? "." : directory);
}

}  // namespace nslab
