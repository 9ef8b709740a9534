#!/usr/bin/env python3
"""nslab's own runs beside the peers: the same cells, seeds and settings,
written to results/peers/<cell path>/nslab-<sampler>-seed<N>.json.

    python3 tools/peers/nslab_side.py [--samplers nss,nautilus] [--cells gaussian/d2,...] [--seeds 1,2,3]

Runs with threads=1 (the JAX and numpy peers are pinned to one thread too).
A sampler nslab does not list yet (`nslab list`) is skipped with a note.
Needs only the standard library (and the built nslab: NSLAB=/path/to/nslab).
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peerlib  # noqa: E402


def listed_cells() -> set[str]:
    out = subprocess.run([str(peerlib.nslab_binary()), "list"], check=True, capture_output=True,
                         text=True).stdout
    return set(out.split())


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--samplers", default="nss,nautilus")
    ap.add_argument("--cells", default=",".join(f"{m}/d{d}" for m, d in peerlib.ANALYTIC_CELLS))
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--set", action="append", default=[], help="extra k=v for every run")
    ap.add_argument("--out-root", default=str(peerlib.RESULTS_ROOT))
    args = ap.parse_args(argv)
    listed = listed_cells()
    extra = dict(s.split("=", 1) for s in args.set)
    for sampler in args.samplers.split(","):
        for spec in args.cells.split(","):
            cell = f"{sampler}/analytic/{spec}/fp64"
            if cell not in listed:
                print(f"skip {cell}: not in `nslab list` (not landed yet?)", flush=True)
                continue
            for seed in [int(s) for s in args.seeds.split(",")]:
                out = peerlib.Path(args.out_root) / f"analytic/{spec}" / f"nslab-{sampler}-seed{seed}.json"
                out.parent.mkdir(parents=True, exist_ok=True)
                doc = peerlib.run_nslab(cell, out, {"seed": seed, "threads": 1, **extra})
                r, p = doc["results"], doc["performance"]
                print(f"{cell} seed {seed}: logZ {r['log_evidence']:.3f} +- {r['log_evidence_error']:.3f}, "
                      f"{p['likelihood_evals']} evals, {p['time_per_eval_ms']*1000:.2f} us/eval", flush=True)


if __name__ == "__main__":
    main()
