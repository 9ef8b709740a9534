// The device factories of a build without CUDA: each refuses with the one
// backend message, so cells/ and tools name them without an #if. A new device
// likelihood adds its one line here beside its .cu definition.
#if !defined(NSLAB_WITH_CUDA)
#include "core/backend.hpp"
#include "likelihoods/analytic/gaussian_cuda.hpp"
#include "likelihoods/analytic/mixture_cuda.hpp"
#include "likelihoods/lens/mge_likelihood_cuda.hpp"
#include "likelihoods/lens/pixelization/pixelized_likelihood_cuda.hpp"
#include "likelihoods/synthetic/mapping_cuda.hpp"

namespace nslab {

std::unique_ptr<Likelihood> make_cuda_gaussian_likelihood(int, Precision, const std::string&) { refuse_cuda_in_this_build(); }
std::unique_ptr<Likelihood> make_cuda_mixture_likelihood(int, Precision, const std::string&) { refuse_cuda_in_this_build(); }
std::unique_ptr<Likelihood> make_cuda_mapping_likelihood(const std::string&, Precision, const std::string&) { refuse_cuda_in_this_build(); }
std::unique_ptr<Likelihood> make_cuda_mge_likelihood(std::shared_ptr<const MaskedImaging>, Precision, const std::string&) { refuse_cuda_in_this_build(); }
std::unique_ptr<Likelihood> make_cuda_pixelized_likelihood(std::shared_ptr<const MaskedImaging>, std::shared_ptr<const PixelizedSource>,
                                                           InversionFormulation, Precision, const std::string&) { refuse_cuda_in_this_build(); }

}  // namespace nslab
#endif
