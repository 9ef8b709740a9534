"""Pins the peer process to one CPU. Kept apart from peerlib (which imports
numpy) so a script can pin itself before numpy or jax start their thread
pools: import this module first.

XLA's CPU client starts its own thread pool whatever XLA_FLAGS says: an
af.NSS run with --xla_cpu_multi_thread_eigen=false still kept both cores of
a 2-core machine busy. One-core comparisons with nslab (threads=1) need the
affinity, and threads inherit it only when they start after it is set."""
from __future__ import annotations

import os


def pin_to_one_cpu() -> int:
    """Keeps the calling thread, and every thread it starts later, on one CPU.
    NSLAB_PEER_CPU picks the CPU (default: the lowest allowed)."""
    cpu = int(os.environ.get("NSLAB_PEER_CPU", min(os.sched_getaffinity(0))))
    os.sched_setaffinity(0, {cpu})
    return cpu


def pinned_cpu() -> int | None:
    """The CPU the process is pinned to, or None if it may run on several."""
    allowed = os.sched_getaffinity(0)
    return next(iter(allowed)) if len(allowed) == 1 else None
