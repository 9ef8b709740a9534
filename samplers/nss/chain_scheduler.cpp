#include "samplers/nss/chain_scheduler.hpp"

#include <algorithm>

namespace nslab {

void run_chains(std::vector<SliceChain>& chains, std::size_t in_flight, BatchEvaluator& evaluator) {
  const std::size_t dim = evaluator.likelihood().dim();
  std::vector<std::size_t> active;
  std::size_t next_waiting = 0;
  std::vector<double> points, log_l;
  for (;;) {
    while (active.size() < in_flight && next_waiting < chains.size()) {
      const std::size_t index = next_waiting++;
      if (!chains[index].finished()) active.push_back(index);
    }
    if (active.empty()) return;
    points.resize(active.size() * dim);
    log_l.resize(active.size());
    for (std::size_t j = 0; j < active.size(); ++j) {
      const auto point = chains[active[j]].pending_point();
      std::copy(point.begin(), point.end(), points.begin() + j * dim);
    }
    evaluator.evaluate(points, log_l);
    for (std::size_t j = 0; j < active.size(); ++j) chains[active[j]].receive(log_l[j]);
    std::erase_if(active, [&](std::size_t index) { return chains[index].finished(); });
  }
}

}  // namespace nslab
