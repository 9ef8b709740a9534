#!/usr/bin/env python3
"""ms per evaluation of PyAutoLens's JAX log L (jit + vmap over a batch of
parameter vectors, CPU, one thread) beside nslab's on the same dataset and
core, interleaved: each repeat times one JAX batch, then `nslab bench` times
nslab's likelihood in batches of the same size (one thread, its own prior
draws, at least a second), so the ratio has a spread over repeats taken side
by side. The JAX values are checked against `nslab eval` at a few of the
vectors first. Writes results/peers/imaging/<model>/<instrument>/likelihood-timing.json.

Models: mge (af_lens.py's model), and the pixelized cells pixelization
(RectangularAdaptImage 39x39 + Constant) and delaunay (Hilbert image mesh
1,500 + Delaunay + ConstantSplit), built by tools/parity/pyautolens_reference.py
with the truth source's lensed, blurred image as the adapt image (from
--tracer, default DATASET/tracer.json, else the HST dataset's, which is the
truth nslab simulates); nslab runs them on the sparse (w-tilde) path.

    build/peers-venv-autolens/bin/python tools/peers/af_lens_bench.py --dataset DIR \
        [--instrument euclid] [--model mge] [--batch 50] [--repeats 5]
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



# The euclid and hst cells' meshes (cells/families_lens_pixelized.cpp): a
# 39 x 39 rectangular grid, a 1,500-point Hilbert image mesh.
PIXELIZED_MESH_SIZE = {"pixelization": 39, "delaunay": 1500}
HST_TRACER = Path(__file__).resolve().parents[2].parent / "shared/datasets/imaging/hst/tracer.json"


def build_pixelized(dataset_dir: Path, instrument: str, model_type: str, tracer_path: Path):
    """The pixelized cell's model and a JAX AnalysisImaging, as the parity references build them."""
    import jax

    jax.config.update("jax_enable_x64", True)
    import autolens as al

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "parity"))
    import pyautolens_reference as ref  # noqa: E402

    dataset = ref.load_dataset(dataset_dir, af_lens.INSTRUMENT_PIXEL_SCALE[instrument])
    mesh_size = PIXELIZED_MESH_SIZE[model_type]
    model = ref.build_model(model_type, mesh_size)
    analysis = al.AnalysisImaging(dataset=dataset,
                                  adapt_images=ref.adapt_images_for(model_type, mesh_size, dataset,
                                                                    al.from_json(file_path=tracer_path)),
                                  settings=al.Settings(use_border_relocator=True),
                                  raise_inversion_positions_likelihood_exception=False, use_jax=True)
    return model, analysis


def nslab_bench_ms(binary: Path, family: str, dataset_dir: Path, batch: int, min_time: float):
    """One `nslab bench` of the likelihood in batches of `batch` on one thread:
    (wall, CPU) ms per evaluation. With one thread the batch runs on the
    calling thread, so its CPU time is the evaluations' own."""
    import subprocess
    out = subprocess.run([str(binary), "bench", "--cells", "none", "--nss-steps", "none",
                          "--likelihoods", family, "--threads", "1", "--batch-sizes", str(batch),
                          "--vary", f"dataset={dataset_dir}", f"--benchmark_min_time={min_time}",
                          "--benchmark_format=json"], check=True, capture_output=True, text=True).stdout
    runs = [r for r in json.loads(out)["benchmarks"] if r.get("run_type") == "iteration"]
    return float(runs[0]["ms_per_eval"]), float(runs[0]["cpu_time"]) / batch


def spread(values) -> dict:
    return {"values": values, "mean": float(np.mean(values)), "median": float(np.median(values)),
            "min": float(np.min(values)),
            "sd": float(np.std(values, ddof=1)) if len(values) > 1 else 0.0}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dataset", required=True)
    ap.add_argument("--instrument", default="euclid")
    ap.add_argument("--model", default="mge", choices=["mge", "pixelization", "delaunay"])
    ap.add_argument("--tracer", default=None, help="truth tracer.json for the pixelized adapt image")
    ap.add_argument("--batch", type=int, default=50)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--nslab-result", default=None, help="an nslab run's result file on this cell (its ms/eval)")
    ap.add_argument("--also-nslab", default=None, help="a second nslab binary timed in the same interleaving")
    ap.add_argument("--nslab-min-time", type=float, default=1.0, help="seconds per nslab bench")
    ap.add_argument("--value-checks", type=int, default=5, help="vectors checked against nslab eval")
    ap.add_argument("--out-root", default=str(peerlib.RESULTS_ROOT))
    args = ap.parse_args(argv)
    import jax
    import jax.numpy as jnp

    dataset_dir = Path(args.dataset).resolve()
    if args.model == "mge":
        _, model, analysis = af_lens.build(dataset_dir, args.instrument)
    else:
        tracer = Path(args.tracer) if args.tracer else dataset_dir / "tracer.json"
        model, analysis = build_pixelized(dataset_dir, args.instrument, args.model,
                                          tracer if tracer.exists() else HST_TRACER)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "parity"))
    import pyautolens_reference as ref  # noqa: E402  (the parity references hold the first of these)
    vectors = np.array(ref.timing_points(model, args.batch), dtype=float)

    def log_l(v):
        instance = model.instance_from_vector(vector=v, xp=jnp)
        return analysis.log_likelihood_function(instance=instance)

    f = jax.jit(jax.vmap(log_l))
    t0 = time.perf_counter()
    first = np.asarray(f(jnp.asarray(vectors)))
    compile_s = time.perf_counter() - t0
    bench_family = f"imaging/{args.model}/{args.instrument}/fp64"
    binaries = {"nslab_bench": peerlib.nslab_binary()}
    if args.also_nslab:
        binaries["nslab_bench_other_build"] = Path(args.also_nslab)
    jax_wall, jax_cpu = [], []
    nslab = {key: ([], []) for key in binaries}
    for _ in range(args.repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        jax.block_until_ready(f(jnp.asarray(vectors)))
        jax_cpu.append(1000.0 * (time.process_time() - c0) / args.batch)
        jax_wall.append(1000.0 * (time.perf_counter() - t0) / args.batch)
        for key, binary in binaries.items():
            wall, cpu = nslab_bench_ms(binary, bench_family, dataset_dir, args.batch, args.nslab_min_time)
            nslab[key][0].append(wall)
            nslab[key][1].append(cpu)
    # The same vectors through nslab, one `nslab eval` each (process start
    # included, so this is a check of the values, not nslab's timing).
    cell = f"nss/imaging/{args.model}/{args.instrument}/fp64"
    checked = min(len(vectors), args.value_checks)
    nslab_values = [peerlib.nslab_eval(cell, v, extra_sets=[f"dataset={dataset_dir}"]) for v in vectors[:checked]]
    rel = [abs(a - b) / abs(b) for a, b in zip(first[:checked], nslab_values)]
    # Wall and CPU time both: on a loaded machine the wall time of either
    # side stretches with whatever else runs; the CPU time (JAX: the whole
    # process, pinned to one CPU; nslab: its one evaluating thread) does not.
    doc = {"schema": "nslab.peers.likelihood-timing/2", "cell": cell, "dataset": str(dataset_dir),
           "pyautolens_jax": {"batch": args.batch, "repeats": args.repeats,
                              "wall_ms_per_eval": spread(jax_wall), "cpu_ms_per_eval": spread(jax_cpu),
                              "compile_s": compile_s, "threads": 1, "cpu": pin_cpu.pinned_cpu()},
           "value_check_vs_nslab_eval": {"relative_differences": rel}}
    for key, binary in binaries.items():
        wall, cpu = nslab[key]
        doc[key] = {"likelihood": bench_family, "batch": args.batch, "threads": 1, "binary": str(binary),
                    "wall_ms_per_eval": spread(wall), "cpu_ms_per_eval": spread(cpu),
                    "jax_over_nslab_wall": spread([j / n for j, n in zip(jax_wall, wall)]),
                    "jax_over_nslab_cpu": spread([j / n for j, n in zip(jax_cpu, cpu)])}
    doc.update({"build": peerlib.versions("autolens", "autofit", "jax", "jaxlib"),
                "device": peerlib.cpu_device(), "started_at": peerlib.utc_now()})
    if args.nslab_result:
        nd = json.loads(Path(args.nslab_result).read_text())
        p = nd["performance"]
        doc["nslab"] = {"result": args.nslab_result, "time_per_eval_ms": p["time_per_eval_ms"],
                        "likelihood_ms_per_eval": 1000.0 * p["likelihood_wall_s"] / p["likelihood_evals"],
                        "likelihood_evals": p["likelihood_evals"], "threads": nd["config"].get("threads"),
                        "git_sha": nd["build"].get("git_sha")}
    path = peerlib.write_result(Path(args.out_root) / f"imaging/{args.model}/{args.instrument}" /
                                "likelihood-timing.json", doc)
    print(json.dumps({k: v for k, v in doc.items() if k.startswith(("pyautolens", "nslab", "value"))}, indent=1))
    if "nslab" in doc:
        print("nslab:", doc["nslab"])
    print("->", peerlib.rel(path))


if __name__ == "__main__":
    main()
