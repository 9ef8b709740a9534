#include "samplers/nautilus/nautilus_checkpoint.hpp"

#include "core/error.hpp"
#include "samplers/common/binary_archive.hpp"

namespace nslab {
namespace {

// /2: each network also stores its training sample count, and the state
// its networks' training work (network_sample_epochs). /3: sealed with a
// CRC-32 (samplers/common/binary_archive.hpp). /4: the count of processes
// that have worked on the run (docs/gpu-hst-cells.md).
constexpr char kMagic[] = "nslab.nautilus.checkpoint/4";

// ---- writing -------------------------------------------------------------

template <class Scalar>
void save(ArchiveWriter& out, const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>& matrix) {
  out.write<std::int64_t>(matrix.rows());
  out.write<std::int64_t>(matrix.cols());
  out.write(std::vector<Scalar>(matrix.data(), matrix.data() + matrix.size()));
}

template <class Scalar>
void save(ArchiveWriter& out, const Eigen::Matrix<Scalar, Eigen::Dynamic, 1>& vector) {
  out.write(std::vector<Scalar>(vector.data(), vector.data() + vector.size()));
}

void save(ArchiveWriter& out, const Ellipsoid& ellipsoid) {
  save(out, ellipsoid.centre());
  save(out, ellipsoid.cholesky());
}

void save(ArchiveWriter& out, const NeuralBound& bound) {
  save(out, bound.ellipsoid());
  out.write(bound.score_threshold());
  const NetworkEnsemble& emulator = bound.emulator();
  save(out, emulator.input_mean());
  save(out, emulator.input_scale());
  out.write<std::uint64_t>(emulator.networks().size());
  for (const MlpRegressor& network : emulator.networks()) {
    out.write(network.epochs());
    out.write<std::uint64_t>(network.training_samples());
    out.write<std::uint64_t>(network.weights().size());
    for (std::size_t l = 0; l < network.weights().size(); ++l) {
      save(out, network.weights()[l]);
      save(out, network.biases()[l]);
    }
  }
}

void save(ArchiveWriter& out, const BoundUnion<CubeEllipsoidMixture>::Parts& parts) {
  out.write<std::uint64_t>(parts.dim);
  out.write(parts.enlarge_per_dim);
  out.write<std::uint64_t>(parts.n_points_min);
  out.write(parts.random.seed);
  out.write(parts.random.bound_id);
  out.write(static_cast<std::uint32_t>(parts.random.part));
  out.write<std::uint64_t>(parts.members.size());
  for (std::size_t k = 0; k < parts.members.size(); ++k) {
    const CubeEllipsoidMixture& member = parts.members[k];
    out.write(member.cube_dims());
    out.write<char>(member.ellipsoid().has_value());
    if (member.ellipsoid()) save(out, *member.ellipsoid());
    save(out, parts.member_points[k]);
  }
  out.write(parts.blocked);
  out.write(parts.pending);
  out.write<std::uint64_t>(parts.n_sample);
  out.write<std::uint64_t>(parts.n_reject);
  out.write(parts.rounds);
  out.write(parts.splits);
}

void save(ArchiveWriter& out, const ShellBound& bound) {
  out.write<std::uint64_t>(bound.dim());
  out.write(bound.seed());
  out.write(bound.cube_draws());
  out.write<char>(bound.nautilus_bound().has_value());
  if (!bound.nautilus_bound()) return;
  const NautilusBound::Parts parts = bound.nautilus_bound()->parts();
  out.write<std::uint64_t>(parts.neural.size());
  for (const NeuralBound& neural : parts.neural) save(out, neural);
  save(out, parts.outer);
  out.write(parts.pending);
  out.write<std::uint64_t>(parts.n_sample);
  out.write<std::uint64_t>(parts.n_reject);
}

void save(ArchiveWriter& out, const Shell& shell) {
  out.write(shell.points);
  out.write(shell.log_l);
  out.write<std::uint64_t>(shell.n_sample);
  out.write(shell.log_l_min);
  out.write<std::uint64_t>(shell.n_sample_exploration);
  out.write<std::uint64_t>(shell.end_exploration);
  out.write<std::uint64_t>(shell.n);
  out.write(shell.log_v);
  out.write(shell.log_l_mean);
  out.write(shell.n_eff);
}

// ---- reading -------------------------------------------------------------

class Loader {
 public:
  Loader(const std::string& bytes, const std::string& source) : reader_(bytes, source) {}
  template <class T>
  T get() {
    T value{};
    reader_.read(value);
    return value;
  }
  std::size_t size() { return static_cast<std::size_t>(get<std::uint64_t>()); }
  template <class Scalar>
  Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic> matrix() {
    const auto rows = get<std::int64_t>(), cols = get<std::int64_t>();
    const auto data = get<std::vector<Scalar>>();
    if (rows < 0 || cols < 0 || static_cast<std::size_t>(rows * cols) != data.size()) corrupt();
    return Eigen::Map<const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>>(data.data(), rows, cols);
  }
  template <class Scalar>
  Eigen::Matrix<Scalar, Eigen::Dynamic, 1> vector() {
    const auto data = get<std::vector<Scalar>>();
    return Eigen::Map<const Eigen::Matrix<Scalar, Eigen::Dynamic, 1>>(data.data(),
                                                                      static_cast<Eigen::Index>(data.size()));
  }
  Ellipsoid ellipsoid() {
    Eigen::VectorXd centre = vector<double>();
    return Ellipsoid::from_cholesky(std::move(centre), matrix<double>());
  }
  bool at_end() const { return reader_.at_end(); }
  [[noreturn]] void corrupt() const { throw UsageError("checkpoint is truncated or corrupt"); }
  ArchiveReader& reader() { return reader_; }

 private:
  ArchiveReader reader_;
};

NeuralBound load_neural_bound(Loader& in) {
  Ellipsoid ellipsoid = in.ellipsoid();
  const double threshold = in.get<double>();
  Eigen::VectorXd mean = in.vector<double>();
  Eigen::VectorXd scale = in.vector<double>();
  std::vector<MlpRegressor> networks(in.size());
  for (MlpRegressor& network : networks) {
    const int epochs = in.get<int>();
    const std::size_t training_samples = in.size();
    std::vector<MlpRegressor::Matrix> weights(in.size());
    std::vector<MlpRegressor::Vector> biases(weights.size());
    for (std::size_t l = 0; l < weights.size(); ++l) {
      weights[l] = in.matrix<float>();
      biases[l] = in.vector<float>();
    }
    network = MlpRegressor::from_parameters(std::move(weights), std::move(biases), epochs, training_samples);
  }
  return NeuralBound::from_parts(std::move(ellipsoid),
                                 NetworkEnsemble::from_parts(std::move(mean), std::move(scale), std::move(networks)),
                                 threshold);
}

BoundUnion<CubeEllipsoidMixture>::Parts load_outer_union(Loader& in) {
  BoundUnion<CubeEllipsoidMixture>::Parts parts;
  parts.dim = in.size();
  parts.enlarge_per_dim = in.get<double>();
  parts.n_points_min = in.size();
  parts.random.seed = in.get<std::uint64_t>();
  parts.random.bound_id = in.get<std::uint32_t>();
  parts.random.part = static_cast<BoundPart>(in.get<std::uint32_t>());
  const std::size_t members = in.size();
  for (std::size_t k = 0; k < members; ++k) {
    std::vector<char> cube_dims = in.get<std::vector<char>>();
    std::optional<Ellipsoid> ellipsoid;
    if (in.get<char>()) ellipsoid = in.ellipsoid();
    parts.members.push_back(CubeEllipsoidMixture::from_parts(std::move(cube_dims), std::move(ellipsoid)));
    parts.member_points.push_back(in.matrix<double>());
  }
  parts.blocked = in.get<std::vector<char>>();
  parts.pending = in.get<std::vector<double>>();
  parts.n_sample = in.size();
  parts.n_reject = in.size();
  parts.rounds = in.get<std::uint32_t>();
  parts.splits = in.get<std::uint32_t>();
  return parts;
}

ShellBound load_shell_bound(Loader& in) {
  const std::size_t dim = in.size();
  const auto seed = in.get<std::uint64_t>();
  const auto cube_draws = in.get<std::uint32_t>();
  if (!in.get<char>()) return ShellBound::from_parts(dim, seed, cube_draws, std::nullopt);
  NautilusBound::Parts parts;
  parts.neural.resize(in.size());
  for (NeuralBound& neural : parts.neural) neural = load_neural_bound(in);
  parts.outer = load_outer_union(in);
  parts.pending = in.get<std::vector<double>>();
  parts.n_sample = in.size();
  parts.n_reject = in.size();
  return ShellBound::from_parts(dim, seed, cube_draws, NautilusBound::from_parts(std::move(parts)));
}

Shell load_shell(Loader& in) {
  Shell shell;
  shell.points = in.get<std::vector<double>>();
  shell.log_l = in.get<std::vector<double>>();
  shell.n_sample = in.size();
  shell.log_l_min = in.get<double>();
  shell.n_sample_exploration = in.size();
  shell.end_exploration = in.size();
  shell.n = in.size();
  shell.log_v = in.get<double>();
  shell.log_l_mean = in.get<double>();
  shell.n_eff = in.get<double>();
  return shell;
}

}  // namespace

std::string serialise_nautilus_state(const NautilusState& state, const std::string& fingerprint) {
  ArchiveWriter out;
  out.write(std::string(kMagic));
  out.write(fingerprint);
  out.write<std::uint64_t>(state.bounds.size());
  for (const ShellBound& bound : state.bounds) save(out, bound);
  out.write<std::uint64_t>(state.shells.size());
  for (const Shell& shell : state.shells) save(out, shell);
  out.write(state.transfer.points);
  out.write(state.transfer.log_l);
  out.write(state.transfer.shell);
  out.write<char>(state.explored);
  out.write<char>(state.discard_exploration);
  out.write(state.n_update_iter);
  out.write<std::uint64_t>(state.n_like_iter);
  out.write(state.batches);
  out.write(state.bound_attempts);
  for (std::size_t value : {state.bounds_rejected, state.bounds_degenerate, state.bounds_not_built,
                            state.exploration_evals, state.transferred_points, state.finite_log_l,
                            state.network_epochs})
    out.write<std::uint64_t>(value);
  out.write(state.network_sample_epochs);
  out.write(state.log_f_live_explored);
  out.write(state.best_log_l);
  out.write(state.best_point);
  const EvaluationCounters& counters = state.counters;
  for (std::size_t value : {counters.likelihood_evals, counters.likelihood_calls, counters.largest_batch,
                            counters.non_finite_log_likelihoods})
    out.write<std::uint64_t>(value);
  out.write(counters.likelihood_wall_s);
  out.write(state.elapsed_wall_s);
  out.write<std::uint64_t>(state.processes);
  return out.sealed();
}

NautilusState deserialise_nautilus_state(const std::string& bytes, const std::string& fingerprint,
                                         const std::string& source) {
  Loader in(bytes, source);
  check_checkpoint_magic(in.get<std::string>(), kMagic, "a nautilus", source);
  in.reader().check_seal();
  if (in.get<std::string>() != fingerprint)
    throw UsageError("checkpoint " + source +
                     " was written by another build or with other settings; delete it or rerun "
                     "without --resume");
  try {
    NautilusState state;
    const std::size_t bounds = in.size();
    for (std::size_t k = 0; k < bounds; ++k) state.bounds.push_back(load_shell_bound(in));
    const std::size_t shells = in.size();
    for (std::size_t k = 0; k < shells; ++k) state.shells.push_back(load_shell(in));
    state.transfer.points = in.get<std::vector<double>>();
    state.transfer.log_l = in.get<std::vector<double>>();
    state.transfer.shell = in.get<std::vector<std::int64_t>>();
    state.explored = in.get<char>();
    state.discard_exploration = in.get<char>();
    state.n_update_iter = in.get<std::int64_t>();
    state.n_like_iter = in.size();
    state.batches = in.get<std::uint32_t>();
    state.bound_attempts = in.get<std::uint32_t>();
    for (std::size_t* value : {&state.bounds_rejected, &state.bounds_degenerate, &state.bounds_not_built,
                               &state.exploration_evals, &state.transferred_points, &state.finite_log_l,
                               &state.network_epochs})
      *value = in.size();
    state.network_sample_epochs = in.get<double>();
    state.log_f_live_explored = in.get<double>();
    state.best_log_l = in.get<double>();
    state.best_point = in.get<std::vector<double>>();
    EvaluationCounters& counters = state.counters;
    for (std::size_t* value : {&counters.likelihood_evals, &counters.likelihood_calls,
                               &counters.largest_batch, &counters.non_finite_log_likelihoods})
      *value = in.size();
    counters.likelihood_wall_s = in.get<double>();
    state.elapsed_wall_s = in.get<double>();
    state.processes = in.size();
    if (!in.at_end()) in.corrupt();
    if (state.bounds.size() != state.shells.size() || state.bounds.empty()) in.corrupt();
    return state;
  } catch (const DegenerateBound&) {
    throw UsageError("checkpoint " + source + " holds a malformed bound; delete it to start afresh");
  } catch (const UsageError&) {
    throw UsageError("checkpoint " + source + " is truncated or corrupt; delete it to start afresh");
  }
}

}  // namespace nslab
