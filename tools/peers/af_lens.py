#!/usr/bin/env python3
"""PyAutoFit's af.NSS and af.Nautilus on the imaging/mge cell (euclid by
default), on CPU, on the very dataset nslab simulates, writing nslab.result/1
files to results/peers/imaging/mge/<instrument>/{af-nss,af-nautilus}-seed<N>.json.

Run it from the autolens venv (Python >= 3.12, see setup.sh):

    build/h-peers/nslab simulate euclid --out build/peers-data/euclid
    build/peers-venv-autolens/bin/python tools/peers/af_lens.py --dataset build/peers-data/euclid \\
        [--samplers nss,nautilus] [--seeds 1] [--instrument euclid]

The model is autolens_profiling's searches/_setup.py `mge` cell as
docs/lens-likelihoods.md states it (lens MGE 20 Gaussians, Isothermal, ExternalShear, source MGE 20
Gaussians; PyAutoFit's default priors). Before sampling, PyAutoLens's log L
is compared with `nslab eval imaging/mge/...` at a few parameter vectors
(prior median, the simulator's truth, random prior draws); a mismatch is
reported in the result (and stops the run unless --allow-mismatch).

Settings (autolens_profiling): af.NSS n_live 200, num_mcmc_steps 5,
num_delete 50, termination -3; af.Nautilus n_live 200, n_eff 500, n_batch
from --n-batch (default 100), use_jax_vmap, force_x1_cpu.

Counting: af.NSS reports expansions + shrinks only; we add the two initial
bracket-end calls per inner step BlackJAX makes and the n_live initial draws
(`likelihood_evals`), and keep af's own number as `af_reported_evals`.
af.NSS's wall time includes the JIT compile of its first step (af times the
loop that compiles it); we say so in the result.

Long searches span processes: af.NSS writes its nss_checkpoint.pkl every
--checkpoint-interval outer steps (default 10) and the same command resumes
from it; wall-<kind>-<instrument>-seed<N>.json in --workdir keeps each
process's elapsed time, and the result reports their sum and the list.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import threading
import time
from pathlib import Path

os.environ.setdefault("JAX_PLATFORMS", "cpu")
os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pin_cpu  # noqa: E402  (before numpy/jax: their thread pools start at import)

pin_cpu.pin_to_one_cpu()

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peerlib  # noqa: E402


INSTRUMENT_PIXEL_SCALE = {"euclid": 0.1, "hst": 0.05, "jwst": 0.03, "ao": 0.01}
MASK_RADIUS = 3.5
TOTAL_GAUSSIANS = 20


def build(dataset_dir: Path, instrument: str):
    import jax

    jax.config.update("jax_enable_x64", True)
    import autofit as af
    import autolens as al

    ps = INSTRUMENT_PIXEL_SCALE[instrument]
    dataset = al.Imaging.from_fits(data_path=dataset_dir / "data.fits", psf_path=dataset_dir / "psf.fits",
                                   noise_map_path=dataset_dir / "noise_map.fits", pixel_scales=ps)
    mask = al.Mask2D.circular(shape_native=dataset.shape_native, pixel_scales=dataset.pixel_scales,
                              radius=MASK_RADIUS)
    dataset = dataset.apply_mask(mask=mask)
    over = al.util.over_sample.over_sample_size_via_radial_bins_from(
        grid=dataset.grid, sub_size_list=[4, 2, 1], radial_list=[0.3, 0.6], centre_list=[(0.0, 0.0)])
    dataset = dataset.apply_over_sampling(over_sample_size_lp=over, over_sample_size_pixelization=1)

    lens_bulge = al.model_util.mge_model_from(mask_radius=MASK_RADIUS, total_gaussians=TOTAL_GAUSSIANS,
                                              centre_prior_is_uniform=True)
    mass = af.Model(al.mp.Isothermal)
    shear = af.Model(al.mp.ExternalShear)
    lens = af.Model(al.Galaxy, redshift=0.5, bulge=lens_bulge, mass=mass, shear=shear)
    source_bulge = al.model_util.mge_model_from(mask_radius=MASK_RADIUS, total_gaussians=TOTAL_GAUSSIANS,
                                                centre_prior_is_uniform=False)
    source = af.Model(al.Galaxy, redshift=1.0, bulge=source_bulge)
    model = af.Collection(galaxies=af.Collection(lens=lens, source=source))
    analysis = al.AnalysisImaging(dataset=dataset, use_jax=True)
    return dataset, model, analysis


def parity(model, analysis, cell: str, dataset_dir: Path, n_random: int = 3, seed: int = 5):
    """PyAutoLens log L vs `nslab eval` at the same parameter vectors."""
    rng = np.random.default_rng(seed)
    vectors = [("prior-median", model.vector_from_unit_vector([0.5] * model.prior_count))]
    for i in range(n_random):
        vectors.append((f"prior-draw-{i}", model.vector_from_unit_vector(list(rng.uniform(0.2, 0.8, model.prior_count)))))
    checks = []
    for label, v in vectors:
        v = [float(x) for x in v]
        ours = float(analysis.log_likelihood_function(instance=model.instance_from_vector(vector=v)))
        try:
            theirs = peerlib.nslab_eval(cell, v, extra_sets=[f"dataset={dataset_dir}"])
        except Exception as exc:  # noqa: BLE001  (report, don't hide)
            theirs, err = None, str(exc)
        else:
            err = None
        rel = abs(ours - theirs) / max(1.0, abs(theirs)) if theirs is not None else None
        checks.append({"point": label, "vector": v, "pyautolens": ours, "nslab": theirs,
                       "relative_difference": rel, "error": err})
    return checks


def summarise(samples):
    params = np.asarray(samples.parameter_lists, dtype=float)
    log_l = np.asarray(samples.log_likelihood_list, dtype=float)
    w = np.asarray(samples.weight_list, dtype=float)
    w = w / w.sum()
    mean = w @ params
    std = np.sqrt(np.maximum(w @ (params - mean) ** 2, 0.0))
    ess = 1.0 / np.sum(w * w)
    best = int(np.argmax(log_l))
    return params, log_l, mean, std, ess, best


class WallLedger:
    """Wall time of a search that may span several processes (a checkpointed
    af.NSS resumed after its process was stopped): each process records its
    own elapsed time in a JSON file every `period_s`, so a killed process
    loses at most one period, and the total is the sum over processes."""

    def __init__(self, path: Path, started_at: str, period_s: float = 30.0):
        self.path, self.key, self.period_s = path, started_at, period_s
        self.t0 = time.perf_counter()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._tick, daemon=True)

    def _processes(self) -> dict:
        return json.loads(self.path.read_text()) if self.path.exists() else {}

    def _record(self):
        processes = self._processes()
        processes[self.key] = time.perf_counter() - self.t0
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(processes, indent=1))
        tmp.replace(self.path)

    def _tick(self):
        while not self.stop.wait(self.period_s):
            self._record()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()
        self._record()
        if exc[0] is None:  # finished: a later fit of the same name starts afresh
            self.processes_s = self._processes()
            self.path.unlink()
        return False


def run_search(kind: str, model, analysis, seed: int, args, out_dir: Path):
    import autofit as af

    path_prefix = f"peers/{kind}/{args.instrument}"
    name = f"seed{seed}"
    if kind == "nss":
        settings = {"n_live": 200, "num_mcmc_steps": 5, "num_delete": 50, "termination": args.termination}
        # Checkpoints let a search longer than one session resume where it
        # stopped (af.NSS resumes by itself when its nss_checkpoint.pkl exists).
        search = af.NSS(name=name, path_prefix=path_prefix, seed=seed,
                        checkpoint_interval=args.checkpoint_interval, silence=True, **settings)
    else:
        settings = {"n_live": 200, "n_eff": args.n_eff, "n_batch": args.n_batch}
        if math.isfinite(args.n_like_max):
            settings["n_like_max"] = int(args.n_like_max)
        search = af.Nautilus(name=name, path_prefix=path_prefix, seed=seed, number_of_cores=1,
                             force_x1_cpu=True, use_jax_vmap=True, verbose=False, silence=True,
                             iterations_per_quick_update=None, **settings)
    started_at = peerlib.utc_now()
    ledger = WallLedger(Path(f"wall-{kind}-{args.instrument}-seed{seed}.json"), started_at)
    with ledger:
        result = search.fit(model=model, analysis=analysis)
    samples = result.samples
    info = dict(samples.samples_info or {})
    params, log_l, mean, std, ess, best = summarise(samples)
    return settings, info, params, log_l, mean, std, ess, best, ledger.processes_s, started_at


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dataset", required=True, help="folder with data.fits, noise_map.fits, psf.fits")
    ap.add_argument("--instrument", default="euclid")
    ap.add_argument("--samplers", default="nss,nautilus")
    ap.add_argument("--seeds", default="1")
    ap.add_argument("--n-batch", type=int, default=100)
    ap.add_argument("--n-eff", type=int, default=500)
    ap.add_argument("--termination", type=float, default=-3.0)
    ap.add_argument("--n-like-max", type=float, default=float("inf"),
                    help="af.Nautilus evaluation budget (smoke tests; the result then says stopped_by n_like_max)")
    ap.add_argument("--checkpoint-interval", type=int, default=10,
                    help="af.NSS outer steps between checkpoints; a rerun resumes from the last one")
    ap.add_argument("--allow-mismatch", action="store_true")
    ap.add_argument("--parity-only", action="store_true")
    ap.add_argument("--dataset-label", default="nslab-simulated",
                    help="names the parity record: pyautolens-parity-<label>.json")
    ap.add_argument("--out-root", default=str(peerlib.RESULTS_ROOT))
    ap.add_argument("--workdir", default=str(peerlib.REPO_ROOT / "build" / "peers-af"),
                    help="PyAutoFit writes its output/ folder here (never committed)")
    args = ap.parse_args(argv)
    dataset_dir = Path(args.dataset).resolve()
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    os.chdir(workdir)

    dataset, model, analysis = build(dataset_dir, args.instrument)
    cell = f"nss/imaging/mge/{args.instrument}/fp64"
    checks = parity(model, analysis, cell, dataset_dir)
    for c in checks:
        print(f"parity {c['point']}: PyAutoLens {c['pyautolens']!r}  nslab {c['nslab']!r}  "
              f"rel {c['relative_difference']}  {c['error'] or ''}", flush=True)
    ok = all(c["relative_difference"] is not None and c["relative_difference"] < 1e-6 for c in checks)
    if not ok and not args.allow_mismatch:
        raise SystemExit("PyAutoLens and nslab disagree on log L (see above); --allow-mismatch to run anyway")
    parity_doc = {"schema": "nslab.peers.parity/1", "cell": cell, "dataset": str(dataset_dir),
                  "dataset_label": args.dataset_label, "checks": checks, "all_within_1e-6": ok,
                  "build": peerlib.versions("autofit", "autolens", "autoarray", "autogalaxy", "jax"),
                  "nslab": str(peerlib.nslab_binary()), "started_at": peerlib.utc_now()}
    peerlib.write_result(Path(args.out_root) / f"imaging/mge/{args.instrument}" /
                         f"pyautolens-parity-{args.dataset_label}.json", parity_doc)
    if args.parity_only:
        return

    names = [p.name if hasattr(p, "name") else str(p) for p in model.paths]
    for kind in args.samplers.split(","):
        for seed in [int(s) for s in args.seeds.split(",")]:
            settings, info, params, log_l, mean, std, ess, best, process_walls, started_at = run_search(
                kind, model, analysis, seed, args, Path(args.out_root))
            total_wall_s = float(sum(process_walls.values()))
            if kind == "nss":
                n_live, nd, ni = settings["n_live"], settings["num_delete"], settings["num_mcmc_steps"]
                outer_steps = (len(params) - n_live) // nd
                af_evals = int(info.get("total_samples", 0))
                evals = af_evals + 2 * outer_steps * nd * ni + n_live
                # af times only its own process's loop; across resumed processes the
                # sum of their walls (each with its set-up and JIT compile) stands in.
                sampler_wall = float(info.get("time") or total_wall_s) if len(process_walls) == 1 else total_wall_s
                log_z, log_z_err = info.get("log_evidence"), info.get("log_evidence_error")
                err_method = "standard deviation over 100 sampled shrinkage sequences (af.NSS)"
                diagnostics = {"outer_steps": outer_steps, "af_reported_evals": af_evals,
                               "sampler_wall_includes_jit_compile": True,
                               "processes": len(process_walls)}
            else:
                evals = int(info.get("total_samples", 0))
                sampler_wall = float(info.get("time") or total_wall_s) if len(process_walls) == 1 else total_wall_s
                log_z = info.get("log_evidence")
                log_z_err = 1.0 / math.sqrt(ess) if ess > 0 else None
                err_method = "1/sqrt(N_eff) (nautilus reports no error)"
                diagnostics = {}
            sampler = f"af-{kind}"
            config = {**settings, "seed": seed, "backend": "cpu", "threads": 1,
                      "dataset": str(dataset_dir), "mask_radius": MASK_RADIUS,
                      "total_gaussians": TOTAL_GAUSSIANS, "use_jax": True}
            results = {
                "log_evidence": peerlib.finite_or_none(log_z),
                "log_evidence_error": peerlib.finite_or_none(log_z_err),
                "log_evidence_error_method": err_method,
                "max_log_likelihood": float(log_l[best]),
                "posterior_samples": int(len(params)),
                "effective_sample_size": float(ess),
                "posterior_mean": mean.tolist(),
                "posterior_std": std.tolist(),
                "stopped_by": ("termination" if kind == "nss" else
                               "n_like_max" if "n_like_max" in settings and evals >= settings["n_like_max"]
                               else "n_eff"),
                "diagnostics": diagnostics,
                "likelihood_checked_against_nslab_eval": checks,
                "af_samples_info": {k: v for k, v in info.items() if isinstance(v, (int, float, str))},
            }
            performance = {"total_wall_s": total_wall_s, "process_wall_s": list(process_walls.values()),
                           "sampler_wall_s": sampler_wall,
                           "likelihood_wall_s": None, "likelihood_evals": evals,
                           "time_per_eval_ms": 1000.0 * sampler_wall / evals if evals else None}
            memory = {"bytes_per_replica": None, "peak_device_bytes": peerlib.peak_rss_bytes(),
                      "peak_device_source": "rss", "peak_rss_bytes": peerlib.peak_rss_bytes()}
            build_info = peerlib.versions("autofit", "autolens", "autoarray", "autogalaxy", "blackjax",
                                          "jax", "jaxlib", "nautilus-sampler")
            doc = peerlib.result_document(
                cell_path=f"imaging/mge/{args.instrument}", sampler=sampler,
                batch_key="n_batch" if sampler == "af-nautilus" else "chunk_size", precision="fp64", config=config,
                model_summary={"free_parameters": len(names), "parameter_names": names,
                               "max_likelihood_parameters": params[best].tolist()},
                results=results, performance=performance, memory=memory, device=peerlib.cpu_device(),
                build=build_info, started_at=started_at)
            path = peerlib.write_result(
                Path(args.out_root) / f"imaging/mge/{args.instrument}" / f"{sampler}-seed{seed}.json", doc)
            print(f"{sampler} seed {seed}: logZ {log_z} +- {log_z_err}, max logL {log_l[best]:.3f}, "
                  f"{evals} evals, {performance['time_per_eval_ms']} ms/eval -> {peerlib.rel(path)}", flush=True)


if __name__ == "__main__":
    main()
