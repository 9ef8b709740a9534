#pragma once
// Runs many slice chains with at most `in_flight` likelihood evaluations per
// batch, keeping every slot busy: when a chain finishes, its slot goes to the
// next waiting chain (a lockstep batch would waste calls on finished lanes).
#include <vector>

#include "samplers/common/batch_evaluator.hpp"
#include "samplers/nss/slice_chain.hpp"

namespace nslab {

void run_chains(std::vector<SliceChain>& chains, std::size_t in_flight, BatchEvaluator& evaluator);

}  // namespace nslab
