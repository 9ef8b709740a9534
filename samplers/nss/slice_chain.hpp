#pragma once
// One NSS inner chain: num_inner_steps constrained hit-and-run slice steps
// from a start particle (docs/nss.md), written as a state machine that asks for
// one likelihood value at a time. The scheduler batches the requests of many
// chains; since every random draw is keyed by (step, slot, inner step, draw),
// a chain's path does not depend on which chains share its batches.
#include <cstdint>
#include <span>
#include <vector>

#include <Eigen/Dense>

#include "likelihoods/prior.hpp"

namespace nslab {

// What all chains of one outer step share.
struct SliceStepContext {
  const Prior* prior = nullptr;
  Eigen::MatrixXd cholesky_lower;  // L with L L^T = C, the live covariance
  double threshold = 0.0;          // L0
  std::uint64_t seed = 0;
  std::uint32_t outer_step = 0;
  int num_inner_steps = 5;
  int max_steps = 10;
  int max_shrinkage = 100;
};

class SliceChain {
 public:
  SliceChain(const SliceStepContext& context, std::uint32_t slot, std::span<const double> start,
             double start_log_l);

  bool finished() const { return phase_ == Phase::kFinished; }
  // The point whose likelihood the chain needs next (only while !finished()).
  std::span<const double> pending_point() const { return probe_; }
  void receive(double log_l);

  std::span<const double> position() const { return position_; }
  double log_l() const { return log_l_; }
  // Probes made; each is one likelihood evaluation.
  std::size_t probes() const { return probes_; }

 private:
  enum class Phase { kStepLeft, kStepRight, kShrink, kFinished };

  void begin_inner_step();
  // Moves to the next probe, or finishes the chain.
  void proceed();
  void on_probe_result(bool in_slice, double probe_log_l);
  void set_probe(double t);
  bool prior_admits_probe() const;
  void end_inner_step();

  const SliceStepContext& context_;
  std::uint32_t slot_;
  std::vector<double> position_, direction_, probe_;
  double log_l_;
  double log_slice_ = 0.0;
  double left_ = 0.0, right_ = 0.0, probe_t_ = 0.0;
  int steps_left_ = 0, steps_right_ = 0;
  int inner_step_ = 0;
  std::uint32_t shrink_draw_ = 0;
  Phase phase_ = Phase::kStepLeft;
  std::size_t probes_ = 0;
};

}  // namespace nslab
