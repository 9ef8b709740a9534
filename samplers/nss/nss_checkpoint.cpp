#include "samplers/nss/nss_checkpoint.hpp"

#include "samplers/common/binary_archive.hpp"

namespace nslab {
namespace {
// /2: sealed with a CRC-32 (samplers/common/binary_archive.hpp). /3: the
// count of processes that have worked on the run (docs/gpu-hst-cells.md).
constexpr char kMagic[] = "nslab.nss.checkpoint/3";

template <class Archive, class State, class Counters>
void visit_fields(Archive&& archive, State& state, Counters& counters) {
  archive(state.outer_step);
  for (auto* set : {&state.live, &state.dead}) {
    archive(set->dim);
    archive(set->positions);
    archive(set->log_l);
    archive(set->log_l_birth);
  }
  archive(state.evidence.log_x);
  archive(state.evidence.log_z);
  archive(counters.likelihood_evals);
  archive(counters.likelihood_calls);
  archive(counters.largest_batch);
  archive(counters.non_finite_log_likelihoods);
  archive(counters.likelihood_wall_s);
  archive(state.slice_probes);
  archive(state.elapsed_wall_s);
  archive(state.processes);
}
}  // namespace

std::string serialise_nss_state(const NssState& state, const std::string& fingerprint) {
  ArchiveWriter writer;
  writer.write(std::string(kMagic));
  writer.write(fingerprint);
  visit_fields([&](const auto& field) { writer.write(field); }, state, state.counters);
  return writer.sealed();
}

NssState deserialise_nss_state(const std::string& bytes, const std::string& fingerprint,
                               const std::string& source) {
  ArchiveReader reader(bytes, source);
  std::string magic, saved_fingerprint;
  reader.read(magic);
  check_checkpoint_magic(magic, kMagic, "an NSS", source);
  reader.check_seal();
  reader.read(saved_fingerprint);
  if (saved_fingerprint != fingerprint)
    throw UsageError("checkpoint " + source +
                     " was written by another build or with other settings; delete it or rerun "
                     "without --resume");
  NssState state;
  visit_fields([&](auto& field) { reader.read(field); }, state, state.counters);
  if (!reader.at_end()) throw UsageError("checkpoint " + source + " has trailing bytes");
  return state;
}

}  // namespace nslab
