#pragma once
// Where the lens tests find shared/'s real HST dataset. It is never copied
// into the repository: tests that need it skip, saying why, where it is absent.
#include <cstdlib>
#include <filesystem>

namespace nslab::lens_test {

// The repository: NSLAB_SOURCE_DIR from the environment when set (a build
// carried to another machine, scripts/gpu-check-pixelized), else where it was built.
inline std::filesystem::path source_dir() {
  if (const char* source = std::getenv("NSLAB_SOURCE_DIR")) return source;
  return NSLAB_SOURCE_DIR;
}

inline std::filesystem::path hst_dataset_folder() {
  if (const char* shared = std::getenv("NSLAB_SHARED_DIR"))
    return std::filesystem::path(shared) / "datasets/imaging/hst";
  return source_dir() / "../shared/datasets/imaging/hst";
}

inline bool hst_dataset_present() {
  return std::filesystem::exists(hst_dataset_folder() / "data.fits");
}

}  // namespace nslab::lens_test
