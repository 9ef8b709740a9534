#include "likelihoods/lens/mge_likelihood.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "core/denormals.hpp"
#include "core/phase_profile.hpp"
#include "likelihoods/lens/canvas_bits.hpp"
#include "likelihoods/lens/lens_parameters.hpp"

namespace nslab {

namespace {
constexpr std::size_t kColumns = 2 * kMgeTotalGaussians;  // lens light, then source
constexpr double kInfinity = std::numeric_limits<double>::infinity();
// What a Gaussian column may lose, as a share of its largest blurred value.
constexpr double kNegligibleShare = 1e-17;
// Canvas columns a block whose smallest squared radius decides, per Gaussian,
// whether the exp is taken there at all.
constexpr std::size_t kBlockColumns = 16;
std::size_t blocks_per_row(std::size_t cols) { return (cols + kBlockColumns - 1) / kBlockColumns; }
}

std::vector<std::string> mge_parameter_names() {
  std::vector<std::string> names = lens_parameter_names();
  for (const char* name : {"source_centre_y", "source_centre_x", "source_e1", "source_e2"})
    names.push_back(name);
  return names;
}

Prior mge_prior() {
  std::vector<ParameterPrior> priors = lens_parameter_priors();
  const auto ellipticity = ParameterPrior::truncated_gaussian(0.0, 0.3, -1.0, 1.0);
  priors.push_back(ParameterPrior::gaussian(0.0, 0.3));
  priors.push_back(ParameterPrior::gaussian(0.0, 0.3));
  priors.push_back(ellipticity);
  priors.push_back(ellipticity);
  return Prior(std::move(priors));
}

std::vector<double> mge_truth_parameters() {
  std::vector<double> theta = lens_truth_parameters();
  const EllipticalComponents source = ell_comps_from(0.8, 60.0);
  for (double value : {0.0, 0.0, source.e1, source.e2}) theta.push_back(value);
  return theta;
}

template <class Real>
MgeLikelihood<Real>::MgeLikelihood(std::shared_ptr<const MaskedImaging> imaging)
    : PointwiseLikelihood(mge_parameter_names(), mge_prior()), imaging_(std::move(imaging)),
      sigmas_(mge_sigmas(imaging_->mask.radius, kMgeTotalGaussians)) {
  layout_.parameters = kColumns;
  const PsfConvolver& psf = *imaging_->psf;
  input_spans_.assign(psf.canvas_rows(), {1 << 30, -1});
  for (const PsfConvolver::CanvasCell& cell : psf.input_cells()) {
    input_spans_[cell.row].first = std::min(input_spans_[cell.row].first, cell.col);
    input_spans_[cell.row].second = std::max(input_spans_[cell.row].second, cell.col);
  }
  const std::size_t n = imaging_->masked_pixels();
  inverse_sigma_.resize(n);
  weighted_data_.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    inverse_sigma_[i] = 1.0 / imaging_->noise_map[i];
    weighted_data_[i] = imaging_->data[i] * inverse_sigma_[i];
  }
  const SubPixelGrid& grid = imaging_->light_profile_grid;
  std::uint32_t most_sub_pixels = 1;
  over_sampled_first_sub_.push_back(0);
  for (std::uint32_t p = 0; p < grid.pixels(); ++p)
    if (grid.begin[p + 1] - grid.begin[p] > 1) {
      over_sampled_pixels_.push_back(p);
      over_sampled_sub_pixels_ += grid.begin[p + 1] - grid.begin[p];
      over_sampled_first_sub_.push_back(static_cast<std::uint32_t>(over_sampled_sub_pixels_));
      most_sub_pixels = std::max(most_sub_pixels, grid.begin[p + 1] - grid.begin[p]);
    }
  // The blurring pixels within the kernel core's reach of the mask: both
  // lists are row-major and the core's is a subset of the whole kernel's.
  const std::vector<MaskedPixel> reached =
      make_blurring_pixels(imaging_->mask, imaging_->psf_kernel.rows, imaging_->psf_kernel.cols);
  for (std::size_t q = 0, r = 0; q < imaging_->blurring.size() && r < reached.size(); ++q)
    if (imaging_->blurring[q].row == reached[r].row && imaging_->blurring[q].col == reached[r].col)
      reached_blurring_.push_back(static_cast<std::uint32_t>(q)), ++r;
  // A Gaussian's value v at the mask cell of smallest squared radius bounds
  // its blurred column from below: that pixel's value is at least v over its
  // sub-pixel count (v is its nearest sub-pixel's), and a non-negative
  // kernel keeps at least its centre tap's share of it. Cells below
  // kNegligibleShare x centre / most_sub_pixels of v are left out, so what is
  // dropped from any blurred value is below kNegligibleShare (1e-17) of the
  // column's largest: under a double's rounding of it.
  const Image2D& kernel = imaging_->psf_kernel;
  const double centre = kernel.at(kernel.rows / 2, kernel.cols / 2);
  const bool non_negative = std::all_of(kernel.values.begin(), kernel.values.end(), [](double v) { return v >= 0.0; });
  log_negligible_ = non_negative && centre > 0.0 ? std::log(kNegligibleShare * centre / most_sub_pixels) : -kInfinity;
}

template <class Real>
std::size_t MgeLikelihood<Real>::bytes_per_replica() const {
  const PsfConvolver& psf = *imaging_->psf;
  const std::size_t n = imaging_->masked_pixels(), m = over_sampled_sub_pixels_;
  const std::size_t blocks = psf.canvas_rows() * blocks_per_row(psf.canvas_cols());
  return 2 * aligned_array_bytes<double>(psf.canvas_size())   // squared radii on the canvas: lens, source
         + 2 * aligned_array_bytes<double>(m)                 // ... at the over-sampled sub-pixels
         + 2 * aligned_array_bytes<double>(psf.canvas_rows())  // their minima per canvas row
         + 2 * aligned_array_bytes<double>(psf.canvas_cols())  // ... per canvas column
         + 2 * aligned_array_bytes<double>(blocks)            // ... per block of a canvas row
         + aligned_array_bytes<double>(m)                     // one Gaussian at the sub-pixels
         + aligned_array_bytes<Real>(psf.canvas_size())       // its image on the canvas
         + 2 * aligned_array_bytes<std::uint64_t>(psf.canvas_bits_size())  // ... where it and the one before wrote
         + aligned_array_bytes<std::uint64_t>(psf.convolve_bits_size())    // the blurring's bits
         + aligned_array_bytes<Real>(psf.canvas_pass_size())  // the row pass
         + aligned_array_bytes<Real>(n * kColumns)            // blurred columns B
         + aligned_array_bytes<double>(kColumns * kColumns)   // curvature F
         + 2 * aligned_array_bytes<double>(kColumns)          // D and s
         + curvature_from_scaled_columns_scratch_bytes<Real>(kColumns)
         + inversion_scratch_bytes(layout_)
         + aligned_array_bytes<double>(n);                    // the model image of chi^2
}

// One Gaussian column at a time, on the PSF's canvas: squared radii are laid
// out there once per evaluation (+inf off the input pixels, so the Gaussian
// is 0 there). Per-row and per-column minima of the squared radii bound
// where a narrow Gaussian is not negligible (the constructor's
// log_negligible_); within those bounds, the minima of blocks of 16 canvas
// columns leave out the blocks where it is certainly 0 (a traced source
// Gaussian is nonzero on a few arcs across a bounding box of most of the
// canvas). Each Gaussian is a vectorised exp over the blocks left, plus the
// over-sampled pixels' sums, and is blurred straight into its column of B
// while the canvas is in cache, the blurring visiting only those blocks'
// surroundings.
template <class Real>
FitParts MgeLikelihood<Real>::fit(std::span<const double> theta, ScratchArena& scratch) const {
  const FlushDenormalsScope flush;
  const MaskedImaging& im = *imaging_;
  const PsfConvolver& psf = *im.psf;
  const auto& cells = psf.input_cells();
  const SubPixelGrid& grid = im.light_profile_grid;
  const std::size_t n = im.masked_pixels(), m = over_sampled_sub_pixels_;
  const std::size_t rows = psf.canvas_rows(), cols = psf.canvas_cols();
  const LensGalaxy lens = lens_galaxy_from(theta, sigmas_);
  const GaussianBasis source(theta[11], theta[12], {theta[13], theta[14]}, sigmas_);
  const std::array<const GaussianBasis*, 2> bases = {&lens.light, &source};

  const std::size_t blocks = blocks_per_row(cols);
  struct SquaredRadii {
    std::span<double> canvas, sub_pixels, row_min, col_min, block_min;
    double mask_floor = kInfinity;  // the smallest over the mask pixels (their sub-pixels)
  };
  std::array<SquaredRadii, 2> r2;  // lens light (image plane), source (traced)
  for (SquaredRadii& r : r2) {
    r.canvas = scratch.take<double>(psf.canvas_size());
    r.sub_pixels = scratch.take<double>(m);
    r.row_min = scratch.take<double>(rows);
    r.col_min = scratch.take<double>(cols);
    r.block_min = scratch.take<double>(rows * blocks);
  }
  {
    PhaseTimer timer(Phase::kRayTracing);
    // Squared radii of the lens light (image plane) and of the source
    // (traced) at `count` points, at most kTraceChunk: the trace's atan and
    // atanh go over whole arrays (profiles.hpp).
    constexpr std::size_t kTraceChunk = 256;
    double beta_y[kTraceChunk], beta_x[kTraceChunk], at[2][kTraceChunk];
    auto squared_radii = [&](const double* y, const double* x, std::size_t count) {
      lens.mass.trace({y, count}, {x, count}, {beta_y, count}, {beta_x, count});
      lens.light.squared_radii({y, count}, {x, count}, {at[0], count});
      source.squared_radii({beta_y, count}, {beta_x, count}, {at[1], count});
    };
    for (SquaredRadii& r : r2) std::fill(r.canvas.begin(), r.canvas.end(), kInfinity);
    // The sub-pixels in grid order, each with its pixel p.
    std::size_t sub = 0, p = 0;
    for (std::size_t k0 = 0; k0 < grid.y.size(); k0 += kTraceChunk) {
      const std::size_t count = std::min(kTraceChunk, grid.y.size() - k0);
      squared_radii(grid.y.data() + k0, grid.x.data() + k0, count);
      for (std::size_t c = 0; c < count; ++c) {
        while (grid.begin[p + 1] <= k0 + c) ++p;
        const std::int32_t cell = cells[p].index;
        const bool over_sampled = grid.begin[p + 1] - grid.begin[p] > 1;
        for (int s = 0; s < 2; ++s) {
          // An over-sampled pixel's canvas cell keeps its smallest squared
          // radius, for the bounds only: its value is binned below.
          r2[s].canvas[cell] = std::min(r2[s].canvas[cell], at[s][c]);
          r2[s].mask_floor = std::min(r2[s].mask_floor, at[s][c]);
          if (over_sampled) r2[s].sub_pixels[sub] = at[s][c];
        }
        sub += over_sampled;
      }
    }
    // The blurring pixels beyond the kernel core's reach stay at +inf: no
    // output reads them.
    const std::size_t reached = reached_blurring_.size();
    for (std::size_t q0 = 0; q0 < reached; q0 += kTraceChunk) {
      const std::size_t count = std::min(kTraceChunk, reached - q0);
      double y[kTraceChunk], x[kTraceChunk];
      for (std::size_t c = 0; c < count; ++c) {
        const MaskedPixel& pixel = im.blurring[reached_blurring_[q0 + c]];
        y[c] = pixel.y, x[c] = pixel.x;
      }
      squared_radii(y, x, count);
      for (std::size_t c = 0; c < count; ++c)
        for (int s = 0; s < 2; ++s) r2[s].canvas[cells[n + reached_blurring_[q0 + c]].index] = at[s][c];
    }
    // The minima per block, row and column. Each block's minimum is taken in
    // a local and the column minima in one element-wise pass a row: kept in
    // memory cell by cell, each min waited for the store of the one before.
    for (SquaredRadii& r : r2) {
      std::fill(r.col_min.begin(), r.col_min.end(), kInfinity);
      for (std::size_t i = 0; i < rows; ++i) {
        const double* row = r.canvas.data() + i * cols;
        double* block_min = r.block_min.data() + i * blocks;
        double row_min = kInfinity;
        for (std::size_t b = 0; b < blocks; ++b) {
          double block = kInfinity;
          for (std::size_t j = b * kBlockColumns; j < std::min(cols, (b + 1) * kBlockColumns); ++j)
            block = std::min(block, row[j]);
          block_min[b] = block, row_min = std::min(row_min, block);
        }
        r.row_min[i] = row_min;
        for (std::size_t j = 0; j < cols; ++j) r.col_min[j] = std::min(r.col_min[j], row[j]);
      }
    }
  }
  auto sub_pixel_values = scratch.take<double>(m);
  // The canvas is zeroed here; then each Gaussian overwrites its cells, and
  // only the cells of the one before that it did not overwrite are zeroed
  // (`stale`: where the one before wrote, within `previous`).
  auto canvas = scratch.take<Real>(psf.canvas_size());
  std::fill(canvas.begin(), canvas.end(), Real(0));
  const std::size_t words = canvas_bit_words(cols);
  auto occupied = scratch.take<std::uint64_t>(psf.canvas_bits_size());
  auto stale = scratch.take<std::uint64_t>(psf.canvas_bits_size());
  std::fill(occupied.begin(), occupied.end(), std::uint64_t{0});
  std::fill(stale.begin(), stale.end(), std::uint64_t{0});
  PsfConvolver::CanvasRegion previous;
  auto blurring_bits = scratch.take<std::uint64_t>(psf.convolve_bits_size());
  auto pass = scratch.take<Real>(psf.canvas_pass_size());
  auto blurred = scratch.take<Real>(n * kColumns);
  auto curvature = scratch.take<double>(kColumns * kColumns);
  auto data_vector = scratch.take<double>(kColumns);
  auto reconstruction = scratch.take<double>(kColumns);
  std::array<NonzeroRange, kColumns> column_nonzero;
  for (std::size_t j = 0; j < kColumns; ++j) {
    const std::size_t s = j / kMgeTotalGaussians, k = j % kMgeTotalGaussians;
    const GaussianBasis& basis = *bases[s];
    PsfConvolver::CanvasRegion nonzero;
    bool skipped = false;  // a block or an over-sampled pixel left at 0 within the bounds
    {
      PhaseTimer timer(Phase::kLightProfiles);
      auto bounds = [&](std::span<const double> minima, int& first, int& last) {
        for (int i = 0; i < static_cast<int>(minima.size()); ++i)
          if (basis.may_be_nonzero<Real>(k, minima[i]) &&
              basis.log_ratio(k, minima[i], r2[s].mask_floor) >= log_negligible_)
            first = std::min(first, i), last = i;
      };
      bounds(r2[s].row_min, nonzero.row0, nonzero.row1);
      bounds(r2[s].col_min, nonzero.col0, nonzero.col1);
      // The exp only inside the bounds, on each row's input cells (outside
      // them the squared radius is +inf and the canvas stays 0), in the
      // blocks where the Gaussian may be nonzero, consecutive ones at once.
      auto may_be_nonzero = [&](int r, int c) {
        return basis.may_be_nonzero<Real>(k, r2[s].block_min[r * blocks + c / kBlockColumns]);
      };
      for (int r = nonzero.row0; r <= nonzero.row1; ++r) {
        const int lo = std::max(nonzero.col0, input_spans_[r].first);
        const int hi = std::min(nonzero.col1, input_spans_[r].second);
        auto block_end = [&](int c) { return std::min<int>(hi, (c / kBlockColumns + 1) * kBlockColumns - 1); };
        for (int first = lo; first <= hi;) {
          int last = block_end(first);
          if (!may_be_nonzero(r, first)) {
            first = last + 1, skipped = true;
            continue;
          }
          while (last < hi && may_be_nonzero(r, last + 1)) last = block_end(last + 1);
          const std::size_t start = static_cast<std::size_t>(r) * cols + first, width = last - first + 1;
          basis.column<Real>(k, r2[s].canvas.subspan(start, width), canvas.subspan(start, width));
          set_canvas_bits(occupied.data() + r * words, first, last);
          first = last + 1;
        }
      }
      // The over-sampled pixels inside the bounds where the Gaussian may be
      // nonzero (its cell holds its sub-pixels' smallest squared radius; the
      // others are left at 0), in runs of consecutive ones, whose sub-pixels
      // are consecutive too: one exp over each run's sub-pixels, then each
      // pixel's mean.
      const std::size_t over_sampled = over_sampled_pixels_.size();
      auto inside = [&](std::size_t i) {
        const PsfConvolver::CanvasCell& cell = cells[over_sampled_pixels_[i]];
        if (!nonzero.contains(cell.row, cell.col)) return false;
        const bool may = basis.may_be_nonzero<Real>(k, r2[s].canvas[cell.index]);
        skipped = skipped || !may;
        return may;
      };
      for (std::size_t i = 0; i < over_sampled;) {
        if (!inside(i)) {
          ++i;
          continue;
        }
        std::size_t end = i + 1;
        while (end < over_sampled && inside(end)) ++end;
        const std::size_t first = over_sampled_first_sub_[i], last = over_sampled_first_sub_[end];
        basis.column<double>(k, r2[s].sub_pixels.subspan(first, last - first),
                             sub_pixel_values.subspan(first, last - first));
        for (; i < end; ++i) {
          double sum = 0.0;
          for (std::size_t e = over_sampled_first_sub_[i]; e < over_sampled_first_sub_[i + 1]; ++e)
            sum += sub_pixel_values[e];
          const std::uint32_t p = over_sampled_pixels_[i];
          canvas[cells[p].index] = flushed<Real>(sum * grid.weight[p]);
          set_canvas_bits(occupied.data() + cells[p].row * words, cells[p].col, cells[p].col);
        }
      }
    }
    PsfConvolver::OutputRange written;
    {
      PhaseTimer timer(Phase::kBlurring);
      // Only what this Gaussian left of the one before: zeroing every cell
      // each wrote cost ~3 % of the hst blurring phase, and the next Gaussian
      // of the basis, wider, overwrites nearly all of them.
      for (int r = previous.row0; r <= previous.row1; ++r) {
        std::uint64_t* left = stale.data() + r * words;
        const std::uint64_t* rewritten = occupied.data() + r * words;
        for (std::size_t w = 0; w < words; ++w) left[w] &= ~rewritten[w];
        Real* row = canvas.data() + static_cast<std::size_t>(r) * cols;
        for_each_canvas_run(left, previous.col0, previous.col1,
                            [&](int first, int last) { std::fill(row + first, row + last + 1, Real(0)); });
        std::fill_n(left, words, std::uint64_t{0});
      }
      // The bits only where they leave something out: a Gaussian that fills
      // its bounds is convolved over them, without the bits' bookkeeping.
      written = psf.convolve_canvas(canvas.data(), nonzero, skipped ? occupied.data() : nullptr,
                                    blurred.data() + j * n, pass, blurring_bits);
      std::swap(occupied, stale);  // `occupied` is all clear again
      previous = nonzero;
    }
    PhaseTimer timer(Phase::kCurvature);  // B's column j over sigma and D_j, while in cache
    column_nonzero[j] = {static_cast<std::uint32_t>(written.first), static_cast<std::uint32_t>(written.last)};
    data_vector[j] = scale_column<Real>(blurred.subspan(j * n, n), inverse_sigma_, weighted_data_, column_nonzero[j]);
  }
  {
    PhaseTimer timer(Phase::kCurvature);
    curvature_from_scaled_columns<Real>(blurred, kColumns, curvature, scratch, column_nonzero);
  }
  const InversionSolution solution =
      solve_inversion(layout_, curvature, data_vector, {}, reconstruction, scratch);
  PhaseTimer timer(Phase::kChiSquared);
  const double chi_squared = dense_chi_squared_by_column<Real>(
      blurred, kColumns, im.data.span(), im.noise_map.span(), reconstruction, scratch, column_nonzero);
  return fit_parts(chi_squared, im.noise_normalization, solution, false);
}

template <class Real>
std::map<std::string, double> MgeLikelihood<Real>::evaluation_parts(
    std::span<const double> theta) const {
  Workspace workspace(workspace_allocator());
  workspace.reserve(1, bytes_per_replica());
  ScratchArena scratch(workspace.replica(0), workspace.stride_bytes());
  const FitParts parts = fit(theta, scratch);
  return {{"chi_squared", parts.chi_squared},
          {"noise_normalization", parts.noise_normalization},
          {"log_likelihood", parts.log_likelihood},
          {"figure_of_merit", parts.figure_of_merit}};
}

template <class Real>
std::map<std::string, double> MgeLikelihood<Real>::sizes() const {
  return {{"masked_pixels", static_cast<double>(imaging_->masked_pixels())},
          {"over_sampled_pixels", static_cast<double>(imaging_->over_sampled_points())},
          {"blurring_pixels", static_cast<double>(imaging_->blurring_pixels())},
          {"linear_parameters", static_cast<double>(kColumns)},
          {"image_rows", static_cast<double>(imaging_->dataset.data.rows)}};
}

template class MgeLikelihood<double>;
template class MgeLikelihood<float>;

}  // namespace nslab
