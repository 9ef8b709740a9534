#include "harness/compare/compare_report.hpp"

#include <cmath>
#include <cstdio>
#include <set>
#include <sstream>

#include "core/error.hpp"
#include "harness/result_tables.hpp"

namespace nslab {
namespace {

using Json = nlohmann::ordered_json;

std::string fmt(const std::optional<double>& value, const char* format) {
  if (!value || !std::isfinite(*value)) return "-";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, format, *value);
  return buffer;
}

std::string runs_text(const SideSummary& side) {
  return std::to_string(side.runs) + (side.runs == 1 ? " run" : " runs") + ", " + std::to_string(side.seeds) +
         (side.seeds == 1 ? " seed" : " seeds");
}

std::string pair_name(const CompareReport& report, std::size_t i) {
  const GroupPair& pair = report.pairing.pairs[i];
  return report.pairing.baseline[pair.baseline].cell + " vs " + report.pairing.candidate[pair.candidate].cell;
}

const Gate* gate_named(const Correctness& correctness, const std::string& name) {
  for (const auto& gate : correctness.gates)
    if (gate.name == name) return &gate;
  return nullptr;
}

std::string gate_cell(const Correctness& c, const std::string& name, const char* format) {
  const Gate* gate = gate_named(c, name);
  if (!gate || !gate->value) return "-";
  return fmt(gate->value, format) + (gate->pass ? "" : " ✗");
}

std::string worst_parameter(const Gate* gate) {
  if (!gate || !gate->value) return "";
  const auto at = gate->note.find("worst ");
  if (at == std::string::npos) return "";
  return " (" + gate->note.substr(at + 6, gate->note.find(';') - at - 6) + ")";
}

std::string speed_cells_verdict(const SpeedComparison& s) {
  return s.verdict == "UNSURE" || s.verdict == "SAME" ? s.verdict + " (" + s.reason + ")" : s.verdict;
}

Json optional_number(const std::optional<double>& value) {
  return value && std::isfinite(*value) ? Json(*value) : Json(nullptr);
}

Json side_json(const RunGroup& group, const SideSummary& side) {
  Json paths = Json::array();
  for (const auto& run : group.runs) paths.push_back(run.row.path);
  return {{"cell", group.cell},
          {"configuration", group.configuration},
          {"runs", side.runs},
          {"seeds", side.seeds},
          {"paths", paths},
          {"log_evidence", optional_number(side.log_z)},
          {"log_evidence_sigma", optional_number(side.log_z_sigma)},
          {"sigma_source", side.sigma_source},
          {"max_log_likelihood", optional_number(side.max_log_l)},
          {"ms_per_eval", side.ms_per_eval},
          {"wall_s", side.wall_s},
          {"peak_bytes", optional_number(side.peak_bytes)},
          {"peak_source", side.peak_source},
          {"notes", side.notes}};
}

Json speed_json(const SpeedComparison& s) {
  Json out = {{"baseline_runs", s.baseline_runs},
              {"candidate_runs", s.candidate_runs},
              {"baseline_median", optional_number(s.baseline_median)},
              {"candidate_median", optional_number(s.candidate_median)},
              {"ratio", optional_number(s.ratio)},
              {"verdict", s.verdict},
              {"reason", s.reason}};
  if (s.test) {
    out["u"] = s.test->u_first;
    out["p"] = s.test->p_two_sided;
    out["test_method"] = s.test->method;
    out["smallest_possible_p"] = s.test->smallest_possible_p;
  }
  return out;
}

}  // namespace

CompareReport build_compare_report(std::vector<std::string> baseline_paths, std::vector<std::string> candidate_paths,
                                   Pairing pairing, const CompareGates& gates) {
  CompareReport report{std::move(baseline_paths), std::move(candidate_paths), gates, std::move(pairing), {}};
  for (const GroupPair& pair : report.pairing.pairs)
    report.verdicts.push_back(
        judge_pair(report.pairing.baseline[pair.baseline], report.pairing.candidate[pair.candidate], gates));
  return report;
}

FailOn parse_fail_on(const std::string& text) {
  FailOn fail_on;
  std::stringstream words(text);
  for (std::string word; std::getline(words, word, ',');) {
    if (word == "incorrect") fail_on.incorrect = true;
    else if (word == "slower") fail_on.slower = true;
    else if (word == "memory") fail_on.memory = true;
    else if (!word.empty())
      throw UsageError("--fail-on takes incorrect, slower and memory (comma-separated), not '" + word + "'");
  }
  return fail_on;
}

std::string correctness_word(const Correctness& correctness) {
  std::string failed;
  bool any_checked = false;
  for (const auto& gate : correctness.gates) {
    any_checked = any_checked || gate.value.has_value();
    if (!gate.pass) failed += (failed.empty() ? "" : ", ") + gate.name;
  }
  if (!failed.empty()) return "INCORRECT (" + failed + ")";
  return any_checked ? "correct" : "not checked";
}

std::vector<std::string> failed_gates(const CompareReport& report, const FailOn& fail_on) {
  std::vector<std::string> lines;
  for (std::size_t i = 0; i < report.verdicts.size(); ++i) {
    const PairVerdict& v = report.verdicts[i];
    const std::string name = "pair " + std::to_string(i + 1) + " " + pair_name(report, i) + ": ";
    if (fail_on.incorrect && !v.correctness.pass()) lines.push_back(name + correctness_word(v.correctness));
    if (fail_on.slower && v.performance == "SLOWER")
      lines.push_back(name + "SLOWER (ms/eval ×" + fmt(v.ms_per_eval.ratio, "%.3g") + ", wall ×" +
                      fmt(v.wall.ratio, "%.3g") + ")");
    if (fail_on.memory && v.memory.verdict == "LARGER")
      lines.push_back(name + "peak memory LARGER (×" + fmt(v.memory.ratio, "%.4f") + ")");
  }
  return lines;
}

std::string render_compare_markdown(const CompareReport& report) {
  const CompareGates& g = report.gates;
  std::ostringstream out;
  auto list = [](const std::vector<std::string>& paths) {
    std::string text;
    for (const auto& path : paths) text += (text.empty() ? "`" : ", `") + path + "`";
    return text;
  };
  char gates_text[1024];  // the text is 454-562 bytes with its numbers
  std::snprintf(gates_text, sizeof gates_text,
                "Gates: |Δ log Z| ≤ %g σ (σ of each side's mean log Z: the scatter over seeds from 3 seeds up, "
                "never below the reported errors; else the reported errors), |Δ max log L| ≤ %g nats, posterior "
                "mean shift ≤ %g baseline σ, σ ratio in [%g, %g]. Speed: Hodges–Lehmann ratio candidate / "
                "baseline and the two-sided Mann–Whitney U test over the runs: SAME within ±%g %%, SLOWER / "
                "FASTER beyond ±%g %% with p < %g, else UNSURE. Memory: peak may grow by %g %%.",
                g.log_z_sigma, g.max_log_l_nats, g.mean_shift_sigma, g.sd_ratio_low, g.sd_ratio_high,
                100 * g.same_within, 100 * g.min_effect, g.alpha, 100 * g.memory_tolerance);
  out << "# nslab compare\n\nBaseline: " << list(report.baseline_paths) << ". Candidate: "
      << list(report.candidate_paths) << ". Runs paired by " << to_string(report.pairing.match)
      << " (`--match " << to_string(report.pairing.match) << "`): " << report.pairing.pairs.size()
      << (report.pairing.pairs.size() == 1 ? " pair" : " pairs") << ", " << report.pairing.unpaired.size()
      << " unpaired, " << report.pairing.left_out.size() << " runs left out.\n\n"
      << gates_text << "\n\n";

  Table verdicts{"Verdicts", {"#", "baseline", "candidate", "runs", "correctness", "performance", "memory"}, {}};
  Table correctness{"Correctness",
                    {"#", "log Z baseline", "log Z candidate", "Δ log Z", "σ", "Δ / σ", "Δ max log L",
                     "worst mean shift / σ", "worst σ ratio", "verdict"},
                    {}};
  Table performance{"Performance",
                    {"#", "ms/eval baseline", "candidate", "ratio", "p", "verdict", "wall baseline", "candidate",
                     "ratio", "p", "verdict", "peak memory", "ratio"},
                    {}};
  std::vector<Table> parameters;
  for (std::size_t i = 0; i < report.verdicts.size(); ++i) {
    const PairVerdict& v = report.verdicts[i];
    const GroupPair& pair = report.pairing.pairs[i];
    const std::string n = std::to_string(i + 1);
    verdicts.rows.push_back({n, report.pairing.baseline[pair.baseline].cell,
                             report.pairing.candidate[pair.candidate].cell,
                             runs_text(v.baseline) + " / " + runs_text(v.candidate), correctness_word(v.correctness),
                             v.performance, v.memory.verdict});
    const Correctness& c = v.correctness;
    auto sigma_text = [&]() {
      if (!c.sigma) return std::string("-");
      return fmt(c.sigma, "%.3g") + " (" + v.baseline.sigma_source + " / " + v.candidate.sigma_source + ")";
    };
    auto with_error = [](const SideSummary& s) {
      return fmt(s.log_z, "%.3f") + (s.log_z_sigma ? " ± " + fmt(s.log_z_sigma, "%.3f") : "");
    };
    correctness.rows.push_back({n, with_error(v.baseline), with_error(v.candidate), fmt(c.delta_log_z, "%+.3f"),
                                sigma_text(), gate_cell(c, "log Z", "%.2f"),
                                fmt(c.delta_max_log_l, "%+.3f") +
                                    (gate_named(c, "max log L") && !gate_named(c, "max log L")->pass ? " ✗" : ""),
                                gate_cell(c, "posterior mean shift", "%.3f") +
                                    worst_parameter(gate_named(c, "posterior mean shift")),
                                gate_cell(c, "posterior σ ratio", "%.3f") +
                                    worst_parameter(gate_named(c, "posterior σ ratio")),
                                correctness_word(c)});
    auto p_text = [](const SpeedComparison& s) { return s.test ? fmt(s.test->p_two_sided, "%.2g") : "-"; };
    performance.rows.push_back(
        {n, fmt(v.ms_per_eval.baseline_median, "%.4g"), fmt(v.ms_per_eval.candidate_median, "%.4g"),
         fmt(v.ms_per_eval.ratio, "%.3f"), p_text(v.ms_per_eval), speed_cells_verdict(v.ms_per_eval),
         fmt(v.wall.baseline_median, "%.4g") + " s", fmt(v.wall.candidate_median, "%.4g") + " s",
         fmt(v.wall.ratio, "%.3f"), p_text(v.wall), speed_cells_verdict(v.wall),
         format_bytes(v.baseline.peak_bytes) + " → " + format_bytes(v.candidate.peak_bytes),
         fmt(v.memory.ratio, "%.4f") + " " + v.memory.verdict +
             (v.memory.verdict == "not compared" ? " (" + v.memory.reason + ")" : "")});
    if (!c.parameters.empty()) {
      Table table{"Pair " + n + " parameters (matched by " + c.parameters_matched_by + ")",
                  {"parameter", "baseline mean ± σ", "candidate mean ± σ", "shift / σ", "σ ratio"},
                  {}};
      for (const auto& p : c.parameters)
        table.rows.push_back({p.name, fmt(p.baseline_mean, "%.5g") + " ± " + fmt(p.baseline_sd, "%.3g"),
                              fmt(p.candidate_mean, "%.5g") + " ± " + fmt(p.candidate_sd, "%.3g"),
                              fmt(p.shift_sigma, "%.3f") + (p.shift_sigma > g.mean_shift_sigma ? " ✗" : ""),
                              fmt(p.sd_ratio, "%.3f") +
                                  (p.sd_ratio < g.sd_ratio_low || p.sd_ratio > g.sd_ratio_high ? " ✗" : "")});
      parameters.push_back(std::move(table));
    }
  }
  out << render_markdown({verdicts, correctness}) << render_markdown({performance})
      << "UNSURE with few runs: the U test needs 2 runs a side at least, and 5 a side before p can fall below "
         "0.01 (`nslab run --repeat`); SAME needs runs enough for the test to reach alpha too.\n\n";

  Table differences{"Settings that differ within pairs", {"#", "setting", "baseline", "candidate"}, {}};
  for (std::size_t i = 0; i < report.pairing.pairs.size(); ++i)
    for (const auto& d : report.pairing.pairs[i].differences)
      differences.rows.push_back({std::to_string(i + 1), d.key, d.baseline, d.candidate});
  if (!differences.rows.empty()) out << render_markdown({differences});
  if (!parameters.empty()) out << render_markdown(parameters);

  Table unpaired{"Unpaired", {"side", "cell", "runs", "why"}, {}};
  for (const auto& u : report.pairing.unpaired) {
    const RunGroup& group = (u.side == "baseline" ? report.pairing.baseline : report.pairing.candidate)[u.group];
    unpaired.rows.push_back({u.side, group.cell, std::to_string(group.runs.size()), u.reason});
  }
  Table left_out{"Left out", {"side", "file", "why"}, {}};
  for (const auto& l : report.pairing.left_out) left_out.rows.push_back({l.side, l.path, l.reason});
  if (!unpaired.rows.empty()) out << render_markdown({unpaired});
  if (!left_out.rows.empty()) out << render_markdown({left_out});

  // Each group's notes once, however many pairs it is in.
  std::string notes;
  std::set<std::pair<std::string, std::size_t>> noted;
  for (std::size_t i = 0; i < report.verdicts.size(); ++i) {
    const GroupPair& pair = report.pairing.pairs[i];
    for (const bool baseline : {true, false}) {
      const SideSummary& side = baseline ? report.verdicts[i].baseline : report.verdicts[i].candidate;
      const std::size_t group = baseline ? pair.baseline : pair.candidate;
      if (side.notes.empty() || !noted.insert({baseline ? "baseline" : "candidate", group}).second) continue;
      const RunGroup& runs = (baseline ? report.pairing.baseline : report.pairing.candidate)[group];
      for (const auto& note : side.notes)
        notes += "- " + runs.cell + " (" + (baseline ? "baseline" : "candidate") + "): " + note + "\n";
    }
  }
  if (!notes.empty()) out << "### Notes\n\n" << notes << "\n";
  return out.str();
}

std::string render_compare_csv(const CompareReport& report) {
  std::ostringstream out;
  auto quote = [](const std::string& text) {
    if (text.find_first_of(",\"\n") == std::string::npos) return text;
    std::string quoted = "\"";
    for (char ch : text) quoted += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    return quoted + "\"";
  };
  auto num = [](const std::optional<double>& value) { return fmt(value, "%.17g") == "-" ? "" : fmt(value, "%.17g"); };
  out << "pair,status,baseline_cell,candidate_cell,baseline_runs,baseline_seeds,candidate_runs,candidate_seeds,"
         "delta_log_evidence,sigma,delta_log_evidence_sigma,delta_max_log_likelihood,worst_mean_shift_sigma,"
         "worst_sd_ratio,correctness,ms_per_eval_ratio,ms_per_eval_p,ms_per_eval_verdict,wall_ratio,wall_p,"
         "wall_verdict,performance,peak_memory_ratio,memory,why\n";
  for (std::size_t i = 0; i < report.verdicts.size(); ++i) {
    const PairVerdict& v = report.verdicts[i];
    const GroupPair& pair = report.pairing.pairs[i];
    const Correctness& c = v.correctness;
    auto gate_value = [&](const std::string& name) {
      const Gate* gate = gate_named(c, name);
      return gate ? num(gate->value) : std::string();
    };
    auto p = [&](const SpeedComparison& s) { return s.test ? num(s.test->p_two_sided) : std::string(); };
    out << i + 1 << ",paired," << quote(report.pairing.baseline[pair.baseline].cell) << ','
        << quote(report.pairing.candidate[pair.candidate].cell) << ',' << v.baseline.runs << ',' << v.baseline.seeds
        << ',' << v.candidate.runs << ',' << v.candidate.seeds << ',' << num(c.delta_log_z) << ',' << num(c.sigma)
        << ',' << num(c.delta_log_z_sigma) << ',' << num(c.delta_max_log_l) << ','
        << gate_value("posterior mean shift") << ',' << gate_value("posterior σ ratio") << ','
        << quote(correctness_word(c)) << ',' << num(v.ms_per_eval.ratio) << ',' << p(v.ms_per_eval) << ','
        << v.ms_per_eval.verdict << ',' << num(v.wall.ratio) << ',' << p(v.wall) << ',' << v.wall.verdict << ','
        << v.performance << ',' << num(v.memory.ratio) << ',' << quote(v.memory.verdict) << ",\n";
  }
  for (const auto& u : report.pairing.unpaired) {
    const RunGroup& group = (u.side == "baseline" ? report.pairing.baseline : report.pairing.candidate)[u.group];
    out << ",unpaired " << u.side << ',' << (u.side == "baseline" ? quote(group.cell) : "") << ','
        << (u.side == "candidate" ? quote(group.cell) : "") << ",,,,,,,,,,,,,,,,,,,,," << quote(u.reason) << '\n';
  }
  return out.str();
}

Json compare_report_json(const CompareReport& report) {
  const CompareGates& g = report.gates;
  Json pairs = Json::array();
  for (std::size_t i = 0; i < report.verdicts.size(); ++i) {
    const PairVerdict& v = report.verdicts[i];
    const GroupPair& pair = report.pairing.pairs[i];
    Json differences = Json::array();
    for (const auto& d : pair.differences)
      differences.push_back({{"setting", d.key}, {"baseline", d.baseline}, {"candidate", d.candidate}});
    Json gates = Json::array();
    for (const auto& gate : v.correctness.gates)
      gates.push_back({{"gate", gate.name}, {"value", optional_number(gate.value)}, {"pass", gate.pass},
                       {"note", gate.note}});
    Json parameters = Json::array();
    for (const auto& p : v.correctness.parameters)
      parameters.push_back({{"name", p.name}, {"baseline_mean", p.baseline_mean}, {"candidate_mean", p.candidate_mean},
                            {"baseline_sd", p.baseline_sd}, {"candidate_sd", p.candidate_sd},
                            {"shift_sigma", p.shift_sigma}, {"sd_ratio", p.sd_ratio}});
    pairs.push_back(
        {{"pair", i + 1},
         {"baseline", side_json(report.pairing.baseline[pair.baseline], v.baseline)},
         {"candidate", side_json(report.pairing.candidate[pair.candidate], v.candidate)},
         {"settings_that_differ", differences},
         {"correctness",
          {{"verdict", correctness_word(v.correctness)},
           {"delta_log_evidence", optional_number(v.correctness.delta_log_z)},
           {"sigma", optional_number(v.correctness.sigma)},
           {"delta_log_evidence_sigma", optional_number(v.correctness.delta_log_z_sigma)},
           {"delta_max_log_likelihood", optional_number(v.correctness.delta_max_log_l)},
           {"parameters_matched_by", v.correctness.parameters_matched_by},
           {"parameters", parameters},
           {"gates", gates}}},
         {"performance",
          {{"verdict", v.performance}, {"ms_per_eval", speed_json(v.ms_per_eval)}, {"wall", speed_json(v.wall)}}},
         {"memory",
          {{"verdict", v.memory.verdict}, {"ratio", optional_number(v.memory.ratio)}, {"reason", v.memory.reason}}}});
  }
  Json unpaired = Json::array();
  for (const auto& u : report.pairing.unpaired) {
    const RunGroup& group = (u.side == "baseline" ? report.pairing.baseline : report.pairing.candidate)[u.group];
    Json paths = Json::array();
    for (const auto& run : group.runs) paths.push_back(run.row.path);
    unpaired.push_back({{"side", u.side}, {"cell", group.cell}, {"paths", paths}, {"why", u.reason}});
  }
  Json left_out = Json::array();
  for (const auto& l : report.pairing.left_out) left_out.push_back({{"side", l.side}, {"path", l.path}, {"why", l.reason}});
  return {{"schema", "nslab.compare/1"},
          {"baseline", report.baseline_paths},
          {"candidate", report.candidate_paths},
          {"match", to_string(report.pairing.match)},
          {"gates",
           {{"log_z_sigma", g.log_z_sigma}, {"max_log_l_nats", g.max_log_l_nats},
            {"mean_shift_sigma", g.mean_shift_sigma}, {"sd_ratio", {g.sd_ratio_low, g.sd_ratio_high}},
            {"alpha", g.alpha}, {"min_effect", g.min_effect}, {"same_within", g.same_within},
            {"memory_tolerance", g.memory_tolerance}}},
          {"pairs", pairs},
          {"unpaired", unpaired},
          {"left_out", left_out}};
}

}  // namespace nslab
