#pragma once
// Where the lens tests find shared/'s real HST dataset. It is never copied
// into the repository: tests that need it skip, saying why, where it is absent.
#include <cstdlib>
#include <filesystem>

namespace nslab::lens_test {

inline std::filesystem::path hst_dataset_folder() {
  if (const char* shared = std::getenv("NSLAB_SHARED_DIR"))
    return std::filesystem::path(shared) / "datasets/imaging/hst";
  return std::filesystem::path(NSLAB_SOURCE_DIR) / "../shared/datasets/imaging/hst";
}

inline bool hst_dataset_present() {
  return std::filesystem::exists(hst_dataset_folder() / "data.fits");
}

}  // namespace nslab::lens_test
