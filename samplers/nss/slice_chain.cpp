#include "samplers/nss/slice_chain.hpp"

#include <cmath>

#include "core/random_stream.hpp"

namespace nslab {

SliceChain::SliceChain(const SliceStepContext& context, std::uint32_t slot,
                       std::span<const double> start, double start_log_l)
    : context_(context), slot_(slot), position_(start.begin(), start.end()),
      direction_(start.size()), probe_(start.size()), log_l_(start_log_l) {
  begin_inner_step();
  proceed();
}

void SliceChain::begin_inner_step() {
  if (inner_step_ >= context_.num_inner_steps) {
    phase_ = Phase::kFinished;
    return;
  }
  const auto stream = [&](RandomPurpose purpose) {
    return RandomStream(context_.seed, purpose, context_.outer_step, slot_,
                        static_cast<std::uint32_t>(inner_step_));
  };
  // Direction d = 2 L z / |z|: Mahalanobis length exactly 2 under C.
  const RandomStream direction_stream = stream(RandomPurpose::kDirection);
  const Eigen::Index dim = static_cast<Eigen::Index>(position_.size());
  Eigen::VectorXd z(dim);
  for (Eigen::Index i = 0; i < dim; ++i) z[i] = direction_stream.normal(static_cast<std::uint32_t>(i));
  const Eigen::VectorXd d = context_.cholesky_lower.triangularView<Eigen::Lower>() * z * (2.0 / z.norm());
  for (Eigen::Index i = 0; i < dim; ++i) direction_[i] = d[i];

  log_slice_ = context_.prior->log_density(position_) +
               std::log(stream(RandomPurpose::kSliceHeight).uniform(0));
  // Stepping out (Neal 2003, fig. 3) with unit width in t and m = max_steps.
  const RandomStream stepping = stream(RandomPurpose::kSteppingOut);
  const double u = stepping.uniform(0), v = stepping.uniform(1);
  left_ = -u;
  right_ = 1.0 - u;
  steps_left_ = static_cast<int>(std::floor(context_.max_steps * v));
  steps_right_ = context_.max_steps - 1 - steps_left_;
  shrink_draw_ = 0;
  phase_ = Phase::kStepLeft;
}

void SliceChain::set_probe(double t) {
  probe_t_ = t;
  for (std::size_t i = 0; i < probe_.size(); ++i) probe_[i] = position_[i] + t * direction_[i];
}

bool SliceChain::prior_admits_probe() const {
  return context_.prior->log_density(probe_) >= log_slice_;
}

void SliceChain::proceed() {
  for (;;) {
    switch (phase_) {
      case Phase::kStepLeft:
        if (steps_left_ <= 0) {
          phase_ = Phase::kStepRight;
          continue;
        }
        set_probe(left_);
        break;
      case Phase::kStepRight:
        if (steps_right_ <= 0) {
          phase_ = Phase::kShrink;
          continue;
        }
        set_probe(right_);
        break;
      case Phase::kShrink:
        if (shrink_draw_ >= static_cast<std::uint32_t>(context_.max_shrinkage)) {
          end_inner_step();  // nothing accepted: the chain keeps its state
          continue;
        }
        set_probe(left_ + (right_ - left_) *
                              RandomStream(context_.seed, RandomPurpose::kShrinkage,
                                           context_.outer_step, slot_,
                                           static_cast<std::uint32_t>(inner_step_))
                                  .uniform(shrink_draw_));
        break;
      case Phase::kFinished:
        return;
    }
    // Every probe is evaluated, even one the prior alone rejects: that is the
    // work BlackJAX's NSS does (docs/nss.md counts every probe as a call).
    ++probes_;
    return;
  }
}

void SliceChain::on_probe_result(bool in_slice, double probe_log_l) {
  switch (phase_) {
    case Phase::kStepLeft:
      if (in_slice) {
        left_ -= 1.0;
        --steps_left_;
      } else {
        steps_left_ = 0;
      }
      break;
    case Phase::kStepRight:
      if (in_slice) {
        right_ += 1.0;
        --steps_right_;
      } else {
        steps_right_ = 0;
      }
      break;
    case Phase::kShrink:
      if (in_slice) {
        position_ = probe_;
        log_l_ = probe_log_l;
        end_inner_step();
      } else {
        (probe_t_ < 0.0 ? left_ : right_) = probe_t_;
        ++shrink_draw_;
      }
      break;
    case Phase::kFinished:
      break;
  }
}

void SliceChain::receive(double log_l) {
  on_probe_result(prior_admits_probe() && log_l > context_.threshold, log_l);
  proceed();
}

void SliceChain::end_inner_step() {
  ++inner_step_;
  begin_inner_step();
}

}  // namespace nslab
