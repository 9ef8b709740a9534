#!/usr/bin/env python3
"""ms per evaluation of PyAutoLens's JAX log L for imaging/mge (jit + vmap,
batch 50 = num_delete, CPU, one thread) beside nslab's on the same dataset,
interleaved: each repeat times one JAX batch of 50 parameter vectors, then
`nslab bench` times nslab's likelihood in batches of 50 (one thread, prior
draws, at least a second), so the ratio has a spread over repeats taken side
by side. The JAX values are checked against `nslab eval` at 5 of the vectors.
Writes results/peers/imaging/mge/<instrument>/likelihood-timing.json.

    build/peers-venv-autolens/bin/python tools/peers/af_lens_bench.py --dataset DIR [--repeats 5]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("JAX_PLATFORMS", "cpu")
os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pin_cpu  # noqa: E402  (before numpy/jax: their thread pools start at import)

pin_cpu.pin_to_one_cpu()

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import af_lens  # noqa: E402
import peerlib  # noqa: E402



def nslab_bench_ms(family: str, dataset_dir: Path, batch: int) -> float:
    """One `nslab bench` of the likelihood in batches of `batch` on one thread: ms per evaluation."""
    import subprocess
    out = subprocess.run([str(peerlib.nslab_binary()), "bench", "--cells", "none", "--nss-steps", "none",
                          "--likelihoods", family, "--threads", "1", "--batch-sizes", str(batch),
                          "--vary", f"dataset={dataset_dir}", "--benchmark_min_time=1",
                          "--benchmark_format=json"], check=True, capture_output=True, text=True).stdout
    runs = [r for r in json.loads(out)["benchmarks"] if r.get("run_type") == "iteration"]
    return float(runs[0]["ms_per_eval"])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dataset", required=True)
    ap.add_argument("--instrument", default="euclid")
    ap.add_argument("--batch", type=int, default=50)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--nslab-result", default=None, help="an nslab run's result file on this cell (its ms/eval)")
    ap.add_argument("--out-root", default=str(peerlib.RESULTS_ROOT))
    args = ap.parse_args(argv)
    import jax
    import jax.numpy as jnp

    dataset_dir = Path(args.dataset).resolve()
    _, model, analysis = af_lens.build(dataset_dir, args.instrument)
    rng = np.random.default_rng(11)
    vectors = np.array([model.vector_from_unit_vector(list(rng.uniform(0.3, 0.7, model.prior_count)))
                        for _ in range(args.batch)], dtype=float)

    def log_l(v):
        instance = model.instance_from_vector(vector=v, xp=jnp)
        return analysis.log_likelihood_function(instance=instance)

    f = jax.jit(jax.vmap(log_l))
    t0 = time.perf_counter()
    first = np.asarray(f(jnp.asarray(vectors)))
    compile_s = time.perf_counter() - t0
    times, nslab_times = [], []
    bench_family = f"imaging/mge/{args.instrument}/fp64"
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        jax.block_until_ready(f(jnp.asarray(vectors)))
        times.append(1000.0 * (time.perf_counter() - t0) / args.batch)
        nslab_times.append(nslab_bench_ms(bench_family, dataset_dir, args.batch))
    # The same vectors through nslab, one `nslab eval` each (process start
    # included, so this is a check of the values, not nslab's timing).
    cell = f"nss/imaging/mge/{args.instrument}/fp64"
    nslab_values = [peerlib.nslab_eval(cell, v, extra_sets=[f"dataset={dataset_dir}"]) for v in vectors[:5]]
    rel = [abs(a - b) / abs(b) for a, b in zip(first[:5], nslab_values)]
    doc = {"schema": "nslab.peers.likelihood-timing/1", "cell": cell, "dataset": str(dataset_dir),
           "pyautolens_jax": {"batch": args.batch, "repeats": args.repeats,
                              "ms_per_eval": times, "ms_per_eval_mean": float(np.mean(times)),
                              "ms_per_eval_sd": float(np.std(times, ddof=1)) if len(times) > 1 else 0.0,
                              "compile_s": compile_s, "threads": 1},
           "value_check_vs_nslab_eval": {"relative_differences": rel},
           "nslab_bench": {"likelihood": bench_family, "batch": args.batch, "threads": 1,
                           "ms_per_eval": nslab_times, "ms_per_eval_mean": float(np.mean(nslab_times)),
                           "ms_per_eval_sd": float(np.std(nslab_times, ddof=1)) if len(nslab_times) > 1 else 0.0,
                           "jax_over_nslab_per_repeat": [j / n for j, n in zip(times, nslab_times)],
                           "binary": str(peerlib.nslab_binary())},
           "build": peerlib.versions("autolens", "autofit", "jax", "jaxlib"),
           "device": peerlib.cpu_device(), "started_at": peerlib.utc_now()}
    if args.nslab_result:
        nd = json.loads(Path(args.nslab_result).read_text())
        p = nd["performance"]
        doc["nslab"] = {"result": args.nslab_result, "time_per_eval_ms": p["time_per_eval_ms"],
                        "likelihood_ms_per_eval": 1000.0 * p["likelihood_wall_s"] / p["likelihood_evals"],
                        "likelihood_evals": p["likelihood_evals"], "threads": nd["config"].get("threads"),
                        "git_sha": nd["build"].get("git_sha")}
    path = peerlib.write_result(Path(args.out_root) / f"imaging/mge/{args.instrument}" / "likelihood-timing.json", doc)
    print(json.dumps({k: doc[k] for k in ("pyautolens_jax", "nslab_bench", "value_check_vs_nslab_eval")}, indent=1))
    if "nslab" in doc:
        print("nslab:", doc["nslab"])
    print("->", peerlib.rel(path))


if __name__ == "__main__":
    main()
