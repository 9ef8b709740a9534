#include "likelihoods/lens/blas_runtime.hpp"

#include <dlfcn.h>

#include <iostream>

namespace nslab::blas {
namespace {

// OpenBLAS's own entry points, looked up rather than linked, so that any
// BLAS links (Debian's alternatives choose it at run time).
template <class Function>
Function* openblas_symbol(const char* name) {
  return reinterpret_cast<Function*>(dlsym(RTLD_DEFAULT, name));
}

Runtime inspect() {
  Runtime runtime{"not OpenBLAS", false};
  auto* get_config = openblas_symbol<char*()>("openblas_get_config");
  if (get_config == nullptr) return runtime;
  runtime.description = get_config();
  if (auto* set_threads = openblas_symbol<void(int)>("openblas_set_num_threads")) set_threads(1);
  runtime.serialised = runtime.description.find("SINGLE_THREADED") != std::string::npos;
  if (runtime.serialised)
    std::cerr << "nslab: the linked BLAS (" << runtime.description
              << ") is single-threaded OpenBLAS, not safe to call from several threads at once; "
                 "its calls are made one at a time (install libopenblas0-pthread to run them in parallel)\n";
  return runtime;
}

std::mutex& call_lock() {
  static std::mutex lock;
  return lock;
}

}  // namespace

const Runtime& runtime() {
  static const Runtime inspected = inspect();
  return inspected;
}

CallGuard::CallGuard() {
  if (runtime().serialised) lock_.emplace(call_lock());
}

}  // namespace nslab::blas
