// nslab simulate INSTRUMENT --out DIR [--seed N]: writes the project's
// simulated imaging dataset of an instrument (data.fits, noise_map.fits,
// psf.fits in the PyAutoLens layout) -- the dataset the imaging/* cells fit
// by default (they use seed 1).
#include <iostream>

#include "harness/commands/commands.hpp"
#include "harness/commands/option_checks.hpp"
#include "likelihoods/lens/simulator.hpp"

namespace nslab {

namespace {
struct SimulateArguments {
  std::string instrument, out;
  std::uint64_t seed = kDefaultSimulatorSeed;
};
}  // namespace

CommandRunner add_simulate_command(CLI::App& app) {
  auto* command = app.add_subcommand(
      "simulate", "Simulate an imaging dataset of an instrument (PyAutoLens FITS layout)");
  auto args = std::make_shared<SimulateArguments>();
  command->add_option("instrument", args->instrument, "ci, euclid, hst, jwst or ao")->required();
  command->add_option("--out", args->out, "folder to write data/noise_map/psf.fits into")
      ->required();
  command->add_option("--seed", args->seed, "noise seed (the cells' datasets use 1)")
      ->check(non_negative_integer());
  return [args] {
    const ImagingInstrument& instrument = imaging_instrument(args->instrument);
    const ImagingDataset dataset = simulate_imaging(instrument, args->seed);
    write_imaging_dataset(dataset, args->out);
    std::cout << "wrote " << instrument.name << " dataset (" << dataset.data.rows << "x"
              << dataset.data.cols << ", " << instrument.pixel_scale << "\"/px, seed "
              << args->seed << ") to " << args->out << "\n";
    return 0;
  };
}

}  // namespace nslab
