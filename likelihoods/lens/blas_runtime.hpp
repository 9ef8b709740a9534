#pragma once
// Makes the linked BLAS safe to call from nslab's thread pool, whose
// threads each run their own points' factorisations at the same time.
//
// Why: a single-threaded OpenBLAS built without USE_LOCKING (Debian's
// libopenblas0-serial is one) shares its work buffers between calling
// threads without a lock, so two concurrent calls can silently corrupt each
// other's result. Measured on this project's machine, OpenBLAS 0.3.21
// serial: two threads each making 200,000 48 x 48 ssyrk calls got 1-2 % of
// their results wrong; the pthread build (libopenblas0-pthread, what
// scripts/bootstrap installs) and the reference BLAS got none
// (BlasRuntime.ConcurrentCallsGiveTheSerialResults is that check).
//
// So, once per process: an OpenBLAS is told to use one thread of its own per
// call (the pool already runs the batch; more would oversubscribe the
// cores), and one that reports itself SINGLE_THREADED has every call made
// under one lock: correct, and said once on stderr, but the batch's BLAS
// work then runs one call at a time. Other implementations (reference,
// BLIS, MKL) are reentrant and are left alone.
#include <mutex>
#include <optional>
#include <string>

namespace nslab::blas {

struct Runtime {
  std::string description;  // e.g. "OpenBLAS 0.3.21 ... Zen MAX_THREADS=64", or "not OpenBLAS"
  bool serialised = false;  // every call is made under one process-wide lock
};

// The first call inspects the library (and prints the one line when it
// serialises); later calls return the same.
const Runtime& runtime();

// Held for the duration of one BLAS/LAPACK call: locks only when the
// runtime is serialised.
class CallGuard {
 public:
  CallGuard();

 private:
  std::optional<std::lock_guard<std::mutex>> lock_;
};

}  // namespace nslab::blas
