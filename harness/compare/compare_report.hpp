#pragma once
// `nslab compare`'s report: the pairing, each pair's figures and verdicts,
// rendered as Markdown, CSV or JSON, and which chosen gates failed.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/compare/pair_verdicts.hpp"

namespace nslab {

struct CompareReport {
  std::vector<std::string> baseline_paths, candidate_paths;
  CompareGates gates;
  Pairing pairing;
  std::vector<PairVerdict> verdicts;  // one per pairing.pairs, same order
};

CompareReport build_compare_report(std::vector<std::string> baseline_paths, std::vector<std::string> candidate_paths,
                                   Pairing pairing, const CompareGates& gates);

struct FailOn {
  bool incorrect = false, slower = false, memory = false;
};
// "incorrect,slower,memory" in any subset; UsageError for another word.
FailOn parse_fail_on(const std::string& text);

// One line per failed chosen gate, e.g. "pair 2 nss/... vs nautilus/...: INCORRECT (log Z 13.9 σ)".
std::vector<std::string> failed_gates(const CompareReport& report, const FailOn& fail_on);

// "correct", "INCORRECT (log Z, max log L)" or "not checked".
std::string correctness_word(const Correctness& correctness);

std::string render_compare_markdown(const CompareReport& report);
std::string render_compare_csv(const CompareReport& report);
nlohmann::ordered_json compare_report_json(const CompareReport& report);

}  // namespace nslab
