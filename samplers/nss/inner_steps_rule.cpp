#include "samplers/nss/inner_steps_rule.hpp"

#include <algorithm>

namespace nslab {

std::size_t auto_num_inner_steps(std::size_t dim) { return std::max<std::size_t>(5, 3 * dim); }

}  // namespace nslab
