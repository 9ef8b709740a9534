#include "samplers/common/run_stop.hpp"

#include <cstdio>

#include "core/error.hpp"

namespace nslab {

void fail_budget_in_initial_population(const std::string& budget, double limit,
                                       const EvaluationCounters& counters, double elapsed_s) {
  char spent[160];
  std::snprintf(spent, sizeof spent, "%s=%g was spent during the initial population (%zu likelihood "
                "evaluations in %.2f s)", budget.c_str(), limit, counters.likelihood_evals, elapsed_s);
  throw RunError(std::string(spent) + ", before there was any estimate to report; raise " + budget +
                 (budget == "max_evals" ? " above n_live" : "") + " or lower n_live");
}

void check_some_value_finite(const EvaluationCounters& counters, bool run_over) {
  const std::size_t evals = counters.likelihood_evals;
  if (evals == 0 || counters.non_finite_log_likelihoods < evals) return;
  if (!run_over && evals < kValuesToJudge) return;
  throw RunError("every one of the " + std::to_string(evals) +
                 " likelihood values so far was NaN or +inf: the likelihood fails everywhere the "
                 "sampler looked, so there is no result. Check the likelihood and its prior ranges");
}

}  // namespace nslab
