#pragma once
// Particles as NSS keeps them: positions (count x dim, row-major, physical
// parameters), log-likelihood and the threshold each was born above.
#include <cstddef>
#include <span>
#include <vector>

namespace nslab {

struct ParticleSet {
  std::size_t dim = 0;
  std::vector<double> positions;
  std::vector<double> log_l;
  std::vector<double> log_l_birth;  // -inf for the initial prior draws

  std::size_t size() const { return log_l.size(); }
  std::span<const double> position(std::size_t i) const { return {positions.data() + i * dim, dim}; }
  std::span<double> position(std::size_t i) { return {positions.data() + i * dim, dim}; }
  void push_back(std::span<const double> position, double log_l_value, double birth) {
    positions.insert(positions.end(), position.begin(), position.end());
    log_l.push_back(log_l_value);
    log_l_birth.push_back(birth);
  }
};

}  // namespace nslab
