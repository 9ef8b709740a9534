#!/usr/bin/env python3
"""The nautilus-sampler package on nslab's analytic cells, with the settings
nslab's nautilus cells use, writing nslab.result/1 files to
results/peers/<cell path>/nautilus-sampler-seed<N>.json.

    build/peers-venv/bin/python tools/peers/nautilus_peer.py [--cells gaussian/d2,...] [--seeds 1,2,3]

Settings: taken from nslab's own nautilus result for the same cell and seed
(results/peers/<cell path>/nslab-nautilus-seed<N>.json, written by
nslab_side.py) when it exists, so both run with one configuration; otherwise
the af.Nautilus / autolens_profiling values of docs/nautilus.md (n_live 200,
n_eff 500, n_batch 100, the rest nautilus's defaults).

The likelihood is numpy, vectorised (one call per batch), checked against
`nslab eval`. Its wall time is measured around every call, so the sampler's
own overhead per evaluation = (sampler wall - likelihood wall) / evaluations.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pin_cpu  # noqa: E402  (before numpy: its thread pools start at import)

pin_cpu.pin_to_one_cpu()

import numpy as np  # noqa: E402
from nautilus import Sampler  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peerlib  # noqa: E402


NAUTILUS_KEYS = ["n_live", "n_batch", "n_update", "n_like_new_bound", "n_eff", "f_live",
                 "n_networks", "enlarge_per_dim", "split_threshold", "discard_exploration",
                 "n_shell", "n_points_min"]

FALLBACK = {"n_live": 200, "n_eff": 500, "n_batch": 100, "enlarge_per_dim": 1.1,
            "split_threshold": 100, "n_networks": 4, "f_live": 0.01, "n_shell": 1,
            "discard_exploration": False}


def settings_for(cell_path: str, seed: int, out_root) -> tuple[dict, str]:
    nslab_file = peerlib.Path(out_root) / cell_path / f"nslab-nautilus-seed{seed}.json"
    if nslab_file.exists():
        config = json.loads(nslab_file.read_text())["config"]
        picked = {k: config[k] for k in NAUTILUS_KEYS if k in config}
        for k, v in list(picked.items()):
            # nslab spells "nautilus's default" as 0 (n_update = n_live,
            # n_like_new_bound = 10 n_live, n_points_min = dim + 50) or a word.
            if v in ("auto", "none", "default", None) or (
                    k in ("n_update", "n_like_new_bound", "n_points_min") and v == 0):
                picked.pop(k)
        return {**FALLBACK, **picked}, peerlib.rel(nslab_file)
    return dict(FALLBACK), "af.Nautilus defaults of docs/nautilus.md (no nslab nautilus result found)"


class TrainingWork:
    """Counts the networks nautilus trains and their work (samples x epochs,
    sklearn's n_iter_), by wrapping nautilus.neural.train_network, so the
    overhead can be compared per unit of training as well as per evaluation.
    Counting adds a few microseconds per network."""

    def __init__(self):
        import nautilus.neural as neural
        self.neural, self.original = neural, neural.train_network
        self.networks = self.epochs = self.sample_epochs = 0

    def __enter__(self):
        def counted(x, y, kwargs, random_state):
            network = self.original(x, y, kwargs, random_state)
            self.networks += 1
            self.epochs += int(network.n_iter_)
            self.sample_epochs += len(x) * int(network.n_iter_)
            return network
        self.neural.train_network = counted
        return self

    def __exit__(self, *exc):
        self.neural.train_network = self.original
        return False


def run_one(problem, seed: int, settings: dict):
    log_l_np = peerlib.numpy_log_likelihood(problem)
    lower, width = problem.lower, problem.upper - problem.lower
    timer = {"wall": 0.0, "calls": 0, "evals": 0}

    def likelihood(x):
        t0 = time.perf_counter()
        y = log_l_np(x)
        timer["wall"] += time.perf_counter() - t0
        timer["calls"] += 1
        timer["evals"] += len(y)
        return y

    def prior(u):
        return lower + u * width

    ctor = {k: settings[k] for k in ("n_live", "n_update", "enlarge_per_dim", "n_points_min",
                                      "split_threshold", "n_networks", "n_batch",
                                      "n_like_new_bound") if k in settings}
    run_kw = {k: settings[k] for k in ("f_live", "n_shell", "n_eff", "discard_exploration")
              if k in settings}
    started_at = peerlib.utc_now()
    t0 = time.perf_counter()
    with TrainingWork() as training:
        sampler = Sampler(prior, likelihood, n_dim=problem.dim, vectorized=True, seed=seed, **ctor)
        sampler.run(verbose=False, **run_kw)
    sampler_wall_s = time.perf_counter() - t0
    points, log_w, log_l = sampler.posterior()
    mean, std, ess = peerlib.weighted_summary(points, log_w)
    total_wall_s = time.perf_counter() - t0
    n_like = int(sampler.n_like)
    log_z = float(sampler.log_z)
    n_eff = float(sampler.n_eff)
    best = int(np.argmax(log_l))
    overhead = sampler_wall_s - timer["wall"]
    config = dict(settings)
    config.update({"seed": seed, "backend": "cpu", "threads": 1, "vectorized": True})
    results = {
        "log_evidence": log_z,
        "log_evidence_error": 1.0 / np.sqrt(n_eff),
        "log_evidence_error_method": "1/sqrt(N_eff) (nautilus reports no error)",
        "max_log_likelihood": float(log_l[best]),
        "posterior_samples": int(points.shape[0]),
        "effective_sample_size": n_eff,
        "effective_sample_size_kish_of_posterior": float(ess),
        "posterior_mean": mean.tolist(),
        "posterior_std": std.tolist(),
        "stopped_by": "n_eff" if n_eff >= settings.get("n_eff", 0) else "other",
        "reference_log_evidence": problem.reference_log_evidence,
        "diagnostics": {"bounds": len(sampler.bounds),
                        "shells": len(sampler.shell_n) if hasattr(sampler, "shell_n") else None,
                        "networks_trained": training.networks, "network_epochs": training.epochs,
                        "network_sample_epochs": training.sample_epochs},
    }
    performance = {
        "total_wall_s": total_wall_s,
        "sampler_wall_s": sampler_wall_s,
        "likelihood_wall_s": timer["wall"],
        "likelihood_evals": n_like,
        "likelihood_evals_seen_by_likelihood": timer["evals"],
        "likelihood_calls": timer["calls"],
        "time_per_eval_ms": 1000.0 * sampler_wall_s / n_like,
        "sampler_overhead_fraction": overhead / sampler_wall_s,
        "sampler_overhead_ms_per_eval": 1000.0 * overhead / n_like,
    }
    memory = {"bytes_per_replica": None, "peak_device_bytes": peerlib.peak_rss_bytes(),
              "peak_device_source": "rss", "peak_rss_bytes": peerlib.peak_rss_bytes(),
              "note": "process high-water mark (ru_maxrss), numpy on CPU"}
    build = peerlib.versions("nautilus-sampler", "numpy", "scipy", "scikit-learn")
    return peerlib.result_document(
        cell_path=problem.cell_path, sampler="nautilus-sampler", batch_key="n_batch", precision="fp64",
        config=config,
        model_summary={"free_parameters": problem.dim, "parameter_names": problem.parameter_names,
                       "max_likelihood_parameters": points[best].tolist()},
        results=results, performance=performance, memory=memory, device=peerlib.cpu_device(),
        build=build, started_at=started_at)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cells", default=",".join(f"{m}/d{d}" for m, d in peerlib.ANALYTIC_CELLS))
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--out-root", default=str(peerlib.RESULTS_ROOT))
    args = ap.parse_args(argv)
    for spec in args.cells.split(","):
        model, size = spec.split("/")
        problem = peerlib.make_problem(model, int(size[1:]))
        checks = peerlib.assert_against_nslab(problem, lambda p: peerlib.numpy_log_likelihood(problem)(p)[0])
        for seed in [int(s) for s in args.seeds.split(",")]:
            settings, source = settings_for(problem.cell_path, seed, args.out_root)
            doc = run_one(problem, seed, settings)
            doc["config"]["settings_source"] = source
            doc["results"]["likelihood_checked_against_nslab_eval"] = checks
            path = peerlib.write_result(
                peerlib.Path(args.out_root) / problem.cell_path / f"nautilus-sampler-seed{seed}.json", doc)
            r, p = doc["results"], doc["performance"]
            print(f"{problem.cell_path} seed {seed}: logZ {r['log_evidence']:.3f} "
                  f"(ref {r['reference_log_evidence']:.3f}), N_eff {r['effective_sample_size']:.0f}, "
                  f"{p['likelihood_evals']} evals, overhead {p['sampler_overhead_ms_per_eval']:.3f} ms/eval "
                  f"-> {peerlib.rel(path)}", flush=True)


if __name__ == "__main__":
    main()
