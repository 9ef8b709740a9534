#pragma once
// The batched likelihood interface every sampler sees (docs/design.md, "The likelihood contract").
//
// A likelihood knows its parameters and prior, how much working memory one
// evaluation in flight needs (bytes_per_replica), and evaluates a batch of
// points into a batch of log-likelihoods inside a workspace it is handed.
// One point's value never depends on the rest of its batch: that is what lets
// chunk_size and n_batch change memory and speed without changing results.
#include <atomic>
#include <cstddef>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/allocator.hpp"
#include "core/workspace.hpp"
#include "likelihoods/prior.hpp"

namespace nslab {

// x0, x1, ... for problems whose parameters have no physical meaning.
std::vector<std::string> numbered_parameter_names(std::size_t dim);

class Likelihood {
 public:
  virtual ~Likelihood() = default;

  std::size_t dim() const { return prior_.dim(); }
  const std::vector<std::string>& parameter_names() const { return parameter_names_; }
  const Prior& prior() const { return prior_; }

  // Working memory of one evaluation in flight [bytes], in the units the
  // workspace allocates (multiples of kAllocationAlignment).
  virtual std::size_t bytes_per_replica() const = 0;
  // Closed-form log evidence under the prior, where one exists.
  virtual std::optional<double> reference_log_evidence() const { return std::nullopt; }
  // Where the workspace must live (host memory, or the device for CUDA).
  virtual Allocator& workspace_allocator() const { return host_allocator(); }
  // The parts of the figure of merit at one point (chi-squared, log-dets,
  // noise normalisation, ...) for `nslab eval`; empty when there are none.
  virtual std::map<std::string, double> evaluation_parts(std::span<const double>) const {
    return {};
  }
  // The parameters the data were made from, where known (`nslab eval --at truth`).
  virtual std::optional<std::vector<double>> truth_parameters() const { return std::nullopt; }
  // Sizes worth printing beside a value (masked pixels, source pixels, ...).
  virtual std::map<std::string, double> sizes() const { return {}; }

  // points: n x dim, row-major, physical parameters; log_l: n values.
  // Non-finite values come back as -inf; returns how many there were.
  std::size_t evaluate(std::span<const double> points, std::span<double> log_l,
                       Workspace& workspace) const;

 protected:
  Likelihood(std::vector<std::string> parameter_names, Prior prior);

 private:
  virtual void do_evaluate(std::span<const double> points, std::span<double> log_l,
                           Workspace& workspace) const = 0;

  std::vector<std::string> parameter_names_;
  Prior prior_;
};

// A CPU likelihood written one point at a time. The batch gets one replica
// region per point (as a GPU batch would), and the points run on the default
// thread pool, each in its own region.
class PointwiseLikelihood : public Likelihood {
 public:
  // The most scratch one evaluation has taken so far [bytes]; the memory
  // gate checks it equals bytes_per_replica (declared memory is really used).
  std::size_t scratch_high_water_bytes() const { return scratch_high_water_.load(); }

 protected:
  using Likelihood::Likelihood;

 private:
  mutable std::atomic<std::size_t> scratch_high_water_{0};
  void do_evaluate(std::span<const double> points, std::span<double> log_l,
                   Workspace& workspace) const final;
  virtual double log_likelihood(std::span<const double> theta, ScratchArena& scratch) const = 0;
};

}  // namespace nslab
