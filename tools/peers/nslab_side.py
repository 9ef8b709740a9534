#!/usr/bin/env python3
"""nslab's own runs beside the peers: the same cells, seeds and settings,
written to results/peers/<cell path>/nslab-<sampler>-seed<N>.json.

    python3 tools/peers/nslab_side.py [--samplers nss,nautilus] [--cells gaussian/d2,...] [--seeds 1,2,3]

Runs with threads=1 (the JAX and numpy peers are pinned to one thread too).

--repeats R runs each cell and seed R times: the results are identical (same
seed), only the timing differs. The file keeps the first run's result and
lists every run's walls under performance.repeats, which compare.py averages.
An nslab run lasts a tenth of the peer's, so on a machine whose speed drifts
over minutes one run samples a much shorter stretch than the peer run beside
it; R runs back to back span a comparable stretch.
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


def with_repeats(doc: dict, cell: str, out, sets: dict, repeats: int) -> dict:
    """Runs the cell repeats - 1 more times and lists every run's walls in
    doc["performance"]["repeats"]; refuses if a repeat's result differs."""
    walls = [{k: doc["performance"][k] for k in ("sampler_wall_s", "likelihood_wall_s")}]
    scratch = out.with_name(out.stem + ".repeat.json")
    for _ in range(repeats - 1):
        again = peerlib.run_nslab(cell, scratch, sets)
        if again["results"]["log_evidence"] != doc["results"]["log_evidence"]:
            raise SystemExit(f"{cell}: a repeat with the same seed gave another log Z")
        walls.append({k: again["performance"][k] for k in ("sampler_wall_s", "likelihood_wall_s")})
    scratch.unlink(missing_ok=True)
    doc["performance"]["repeats"] = walls
    peerlib.write_result(out, doc)
    return doc


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--samplers", default="nss,nautilus")
    ap.add_argument("--cells", default=",".join(f"{m}/d{d}" for m, d in peerlib.ANALYTIC_CELLS))
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--set", action="append", default=[], help="extra k=v for every run")
    ap.add_argument("--out-root", default=str(peerlib.RESULTS_ROOT))
    ap.add_argument("--repeats", type=int, default=1, help="runs per cell and seed (timing only)")
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
                sets = {"seed": seed, "threads": 1, **extra}
                doc = peerlib.run_nslab(cell, out, sets)
                if args.repeats > 1:
                    doc = with_repeats(doc, cell, out, sets, args.repeats)
                r, p = doc["results"], doc["performance"]
                print(f"{cell} seed {seed}: logZ {r['log_evidence']:.3f} +- {r['log_evidence_error']:.3f}, "
                      f"{p['likelihood_evals']} evals, {p['time_per_eval_ms']*1000:.2f} us/eval", flush=True)


if __name__ == "__main__":
    main()
