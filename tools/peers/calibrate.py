#!/usr/bin/env python3
"""Calibration of the NSS evidence over many seeds: nslab NSS (cheap, many
seeds) and BlackJAX NSS (fewer) on the analytic cells, against the closed
form. Five seeds cannot tell a 0.1-nat bias or an error bar that is 30 % too
small; this can. Writes one summary file, results/peers/calibration.json
(per run: seed, log Z, error, outer steps, probes per step), which
compare.py reports.

    build/peers-venv/bin/python tools/peers/calibrate.py [--nslab-seeds 100] [--blackjax-seeds 20]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peerlib  # noqa: E402


def nslab_runs(cell_path: str, seeds, workdir):
    runs = []
    for seed in seeds:
        out = peerlib.Path(workdir) / f"{cell_path.replace('/', '_')}_{seed}.json"
        doc = peerlib.run_nslab(f"nss/{cell_path}/fp64", out, {"seed": seed, "threads": 1})
        r = doc["results"]
        runs.append({"seed": seed, "log_z": r["log_evidence"], "error": r["log_evidence_error"],
                     "outer_steps": r["diagnostics"]["outer_steps"],
                     "probes_per_step": r["diagnostics"]["slice_probes"] / r["diagnostics"]["outer_steps"]})
        out.unlink()
    return runs


def blackjax_runs(problem, seeds):
    import blackjax_nss  # the venv's JAX; imported only when asked for

    compiled: dict = {}
    settings = blackjax_nss.nss_settings(problem.dim)
    runs = []
    for seed in seeds:
        doc = blackjax_nss.run_one(problem, seed, settings, compiled)
        r = doc["results"]
        runs.append({"seed": seed, "log_z": r["log_evidence"], "error": r["log_evidence_error"],
                     "outer_steps": r["diagnostics"]["outer_steps"],
                     "probes_per_step": r["diagnostics"]["neal_probes_per_outer_step"]})
    return runs


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cells", default=",".join(f"{m}/d{d}" for m, d in peerlib.ANALYTIC_CELLS))
    ap.add_argument("--nslab-seeds", type=int, default=100)
    ap.add_argument("--blackjax-seeds", type=int, default=20)
    ap.add_argument("--nslab-first-seed", type=int, default=1001)
    ap.add_argument("--blackjax-first-seed", type=int, default=2001)
    ap.add_argument("--append", action="store_true",
                    help="add these runs to the problem's existing ones (seeds already there are skipped)")
    ap.add_argument("--out", default=str(peerlib.RESULTS_ROOT / "calibration.json"))
    args = ap.parse_args(argv)
    out_path = peerlib.Path(args.out)
    summary = json.loads(out_path.read_text()) if out_path.exists() else {}
    summary.setdefault("schema", "nslab.peers.calibration/1")
    summary.setdefault("problems", {})
    with tempfile.TemporaryDirectory() as workdir:
        for spec in args.cells.split(","):
            model, size = spec.split("/")
            problem = peerlib.make_problem(model, int(size[1:]))
            entry = {"reference_log_evidence": problem.reference_log_evidence}
            t0 = time.perf_counter()
            old = summary["problems"].get(problem.cell_path, {})
            have = {name: {r["seed"] for r in old.get(name, [])} if args.append else set()
                    for name in ("nslab-nss", "blackjax-nss")}
            if args.nslab_seeds:
                seeds = [s for s in range(args.nslab_first_seed, args.nslab_first_seed + args.nslab_seeds)
                         if s not in have["nslab-nss"]]
                entry["nslab-nss"] = nslab_runs(problem.cell_path, seeds, workdir)
            if args.blackjax_seeds:
                seeds = [s for s in range(args.blackjax_first_seed, args.blackjax_first_seed + args.blackjax_seeds)
                         if s not in have["blackjax-nss"]]
                entry["blackjax-nss"] = blackjax_runs(problem, seeds)
            if args.append:
                for name, runs in entry.items():
                    if name in ("nslab-nss", "blackjax-nss"):
                        entry[name] = old.get(name, []) + runs
            old.update(entry)
            summary["problems"][problem.cell_path] = old
            summary["started_at"] = peerlib.utc_now()
            summary["build"] = {**peerlib.versions("blackjax", "jax"),
                                "nslab_git_sha": _nslab_sha(workdir, problem.cell_path)}
            peerlib.write_result(out_path, summary)
            print(f"{problem.cell_path}: done in {time.perf_counter() - t0:.0f} s", flush=True)


def _nslab_sha(workdir, cell_path):
    out = peerlib.Path(workdir) / "sha.json"
    doc = peerlib.run_nslab(f"nss/{cell_path}/fp64", out, {"seed": 1, "threads": 1, "max_evals": 1000})
    out.unlink()
    return doc["build"].get("git_sha")


if __name__ == "__main__":
    main()
