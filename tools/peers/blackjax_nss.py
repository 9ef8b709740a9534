#!/usr/bin/env python3
"""BlackJAX nested slice sampling (blackjax.ns.nss, mainline) on nslab's
analytic cells, with nslab's NSS settings, writing nslab.result/1 files to
results/peers/<cell path>/blackjax-nss-seed<N>.json.

    build/peers-venv/bin/python tools/peers/blackjax_nss.py [--cells gaussian/d2,...] [--seeds 1,2,3]

Likelihood evaluations are counted three ways per outer step, all from the
run's own SliceInfo (num_expansions, num_shrink, bracket) plus a replay of the
stepping-out draws (u, J) from the very keys the kernel consumed:
  blackjax_calls  2 + expansions + shrinks per inner step: every likelihood
                  call BlackJAX makes for a chain (it evaluates both initial
                  bracket ends unconditionally, even when J or K is 0, and the
                  last expanded end even when the cap is reached);
  neal_probes     the probes of Neal (2003) fig. 3 as docs/nss.md specifies and
                  nslab counts in diagnostics.slice_probes (no probe on a side
                  whose budget J/K is 0 or used up);
  lockstep_lanes  what a vmap'd while-loop really computes: every lane is
                  evaluated until the slowest chain of the batch finishes.
All three include probes outside the prior box (BlackJAX calls the likelihood
there; nslab skips the call and counts only the probe).
"""
from __future__ import annotations

import argparse
import os
import sys
import time

os.environ.setdefault("JAX_PLATFORMS", "cpu")
# One CPU thread for XLA, as nslab is run with threads=1 beside it.
os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pin_cpu  # noqa: E402  (before numpy/jax: their thread pools start at import)

pin_cpu.pin_to_one_cpu()

import jax  # noqa: E402

jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

import blackjax  # noqa: E402
from blackjax.ns import utils as ns_utils  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peerlib  # noqa: E402



def nss_settings(dim: int) -> dict:
    # num_inner_steps as nslab's analytic cells take it: num_inner_steps=auto,
    # max(5, 3 dim) (samplers/nss/inner_steps_rule.hpp).
    return {"n_live": 200, "num_delete": 50, "num_inner_steps": max(5, 3 * dim),
            "termination": -3.0, "max_steps": 10, "max_shrinkage": 100}


def make_replay(num_delete: int, num_inner_steps: int, max_steps: int):
    """Re-derives (u, J) of every stepping-out from the outer step's key,
    following the key splits of blackjax.ns (base.build_kernel ->
    from_mcmc.update_with_mcmc_take_last -> mcmc.slice kernel ->
    _univariate_slice -> stepping_out)."""

    def per_inner_step(key):
        _prop_key, slice_key = jax.random.split(key)
        _level_key, interval_key, _shrink_key = jax.random.split(slice_key, 3)
        u_key, jk_key = jax.random.split(interval_key)
        u = jax.random.uniform(u_key)
        v = jax.random.uniform(jk_key)
        j = jnp.floor(max_steps * v).astype(int)
        return u, j

    def per_chain(chain_key):
        return jax.vmap(per_inner_step)(jax.random.split(chain_key, num_inner_steps))

    @jax.jit
    def replay(step_key, expansions, shrinks, bracket_left, bracket_right):
        _, inner_key = jax.random.split(step_key)
        _choice_key, sample_key = jax.random.split(inner_key)
        u, j = jax.vmap(per_chain)(jax.random.split(sample_key, num_delete))
        k = (max_steps - 1) - j
        e_left = jnp.round(-bracket_left - u).astype(int)
        e_right = expansions - e_left
        # Consistency of the replay: the right end must sit at 1 - u + E_R.
        mismatch = jnp.max(jnp.abs(bracket_right - (1.0 - u + e_right)))
        bad = jnp.sum((e_left < 0) | (e_right < 0) | (e_left > j) | (e_right > k))
        blackjax_calls = jnp.sum(2 + expansions + shrinks)
        neal = ((j > 0) * (e_left + (e_left < j)) + (k > 0) * (e_right + (e_right < k)) + shrinks)
        lockstep = num_delete * jnp.sum(
            2 + jnp.max(e_left, axis=0) + jnp.max(e_right, axis=0) + jnp.max(shrinks, axis=0))
        return blackjax_calls, jnp.sum(neal), lockstep, mismatch, bad

    return replay


def run_one(problem: peerlib.AnalyticProblem, seed: int, settings: dict, compiled_cache: dict):
    dim = problem.dim
    log_l = peerlib.jax_log_likelihood(problem)
    log_prior = peerlib.jax_log_prior(problem)
    key_cache = (problem.model, dim)
    if key_cache not in compiled_cache:
        algo = blackjax.nss(
            logprior_fn=log_prior, loglikelihood_fn=log_l,
            num_inner_steps=settings["num_inner_steps"], num_delete=settings["num_delete"],
            max_steps=settings["max_steps"], max_shrinkage=settings["max_shrinkage"])
        t0 = time.perf_counter()
        dummy = jnp.zeros((settings["n_live"], dim))
        init_c = jax.jit(algo.init).lower(dummy).compile()
        state0 = init_c(dummy)
        step_c = jax.jit(algo.step).lower(jax.random.PRNGKey(0), state0).compile()
        replay = make_replay(settings["num_delete"], settings["num_inner_steps"], settings["max_steps"])
        compile_s = time.perf_counter() - t0
        compiled_cache[key_cache] = (init_c, step_c, replay, compile_s)
    init_c, step_c, replay, compile_s = compiled_cache[key_cache]

    started_at = peerlib.utc_now()
    t_total = time.perf_counter()
    key = jax.random.PRNGKey(seed)
    key, init_key = jax.random.split(key)
    lower, upper = jnp.asarray(problem.lower), jnp.asarray(problem.upper)
    positions = jax.random.uniform(init_key, (settings["n_live"], dim), minval=lower, maxval=upper)

    t_sampler = time.perf_counter()
    state = init_c(positions)
    dead, step_keys, infos = [], [], []
    outer_steps = 0
    stopped_by = "termination"
    while True:
        integ = state.integrator
        if outer_steps > 0 and float(integ.logZ_live - integ.logZ) < settings["termination"]:
            break
        if outer_steps >= 100000:
            stopped_by = "max_steps_guard"
            break
        key, step_key = jax.random.split(key)
        state, info = step_c(step_key, state)
        dead.append(info)
        step_keys.append(step_key)
        outer_steps += 1
    jax.block_until_ready(state)
    sampler_wall_s = time.perf_counter() - t_sampler

    final = ns_utils.finalise(state, dead, update_info=False)
    ev_key = jax.random.PRNGKey(seed + 1000003)
    log_w = ns_utils.log_weights(ev_key, final, shape=100)  # (n_points, 100)
    log_z_samples = jax.scipy.special.logsumexp(log_w, axis=0)
    log_z = float(jnp.mean(log_z_samples))
    log_z_err = float(jnp.std(log_z_samples))
    points = np.asarray(final.particles.position)
    log_l_all = np.asarray(final.particles.loglikelihood)
    mean, std, ess = peerlib.weighted_summary(points, np.asarray(jnp.mean(log_w, axis=-1)))
    best = int(np.argmax(log_l_all))
    total_wall_s = time.perf_counter() - t_total

    # Counting: after the timed part (the key replay is measurement, not sampling).
    blackjax_calls = neal_probes = lockstep = 0
    per_step_calls = []
    max_mismatch, bad_total = 0.0, 0
    accepted = 0
    for step_key, info in zip(step_keys, dead):
        ui = info.update_info
        c, n, l, mm, bad = replay(step_key, ui.num_expansions, ui.num_shrink,
                                  ui.bracket_left, ui.bracket_right)
        blackjax_calls += int(c)
        neal_probes += int(n)
        lockstep += int(l)
        per_step_calls.append(int(c))
        max_mismatch = max(max_mismatch, float(mm))
        bad_total += int(bad)
        accepted += int(jnp.sum(ui.is_accepted))
    if max_mismatch > 1e-9 or bad_total:
        raise RuntimeError(f"key replay does not match the run (mismatch {max_mismatch}, bad {bad_total})")

    n_live = settings["n_live"]
    evals = blackjax_calls + n_live
    inner_steps_total = outer_steps * settings["num_delete"] * settings["num_inner_steps"]
    config = dict(settings)
    config.update({"seed": seed, "backend": "cpu", "threads": 1,
                   "inner_kernel": "blackjax.nss (hit-and-run slice, stepping_out)",
                   "evidence_samples": 100, "jax_enable_x64": True,
                   "xla_flags": os.environ.get("XLA_FLAGS", "")})
    results = {
        "log_evidence": log_z,
        "log_evidence_error": log_z_err,
        "log_evidence_error_method": "standard deviation over 100 sampled shrinkage sequences "
                                     "(blackjax.ns.utils.log_weights)",
        "max_log_likelihood": float(log_l_all[best]),
        "posterior_samples": int(points.shape[0]),
        "effective_sample_size": float(ess),
        "posterior_mean": mean.tolist(),
        "posterior_std": std.tolist(),
        "stopped_by": stopped_by,
        "reference_log_evidence": problem.reference_log_evidence,
        "diagnostics": {
            "outer_steps": outer_steps,
            "blackjax_likelihood_calls": blackjax_calls,
            "blackjax_calls_per_outer_step": blackjax_calls / outer_steps,
            "neal_probes": neal_probes,
            "neal_probes_per_outer_step": neal_probes / outer_steps,
            "lockstep_lane_evaluations": lockstep,
            "lockstep_lanes_per_outer_step": lockstep / outer_steps,
            "inner_steps": inner_steps_total,
            "accepted_inner_steps": accepted,
            "dead_points": outer_steps * settings["num_delete"],
            "running_log_z": float(state.integrator.logZ),
            "compile_s": compile_s,
        },
    }
    performance = {
        "total_wall_s": total_wall_s,
        "sampler_wall_s": sampler_wall_s,
        "likelihood_wall_s": None,  # fused into the XLA program: not separable
        "likelihood_evals": evals,
        "likelihood_evals_counting": "blackjax_likelihood_calls + n_live initial draws",
        "likelihood_calls": outer_steps + 1,
        "time_per_eval_ms": 1000.0 * sampler_wall_s / evals,
        "time_per_lockstep_eval_ms": 1000.0 * sampler_wall_s / (lockstep + n_live),
        "sampler_overhead_fraction": None,
        "compile_s_excluded": compile_s,
        "timing_note": "sampler_wall_s: init + outer steps (compiled, Python loop checking the "
                       "termination each step); total_wall_s adds the evidence post-processing "
                       "(eager JAX, compiled per run); compile of init/step excluded",
    }
    memory = {"bytes_per_replica": None, "peak_device_bytes": peerlib.peak_rss_bytes(),
              "peak_device_source": "rss", "peak_rss_bytes": peerlib.peak_rss_bytes(),
              "note": "process high-water mark (ru_maxrss), JAX on CPU"}
    build = peerlib.versions("blackjax", "jax", "jaxlib", "numpy")
    doc = peerlib.result_document(
        cell_path=problem.cell_path, sampler="blackjax-nss", batch_key="chunk_size", precision="fp64",
        config=config,
        model_summary={"free_parameters": dim, "parameter_names": problem.parameter_names,
                       "max_likelihood_parameters": points[best].tolist()},
        results=results, performance=performance, memory=memory, device=peerlib.cpu_device(),
        build=build, started_at=started_at)
    return doc


def likelihood_microbench(problem, batch: int = 50, repeats: int = 2000) -> float:
    """ms per point of the jitted, vmapped JAX log L on a batch of `batch`."""
    f = jax.jit(jax.vmap(peerlib.jax_log_likelihood(problem)))
    x = jax.random.uniform(jax.random.PRNGKey(3), (batch, problem.dim),
                           minval=jnp.asarray(problem.lower) * 0.1, maxval=jnp.asarray(problem.upper) * 0.1)
    f(x).block_until_ready()
    t0 = time.perf_counter()
    for _ in range(repeats):
        y = f(x)
    y.block_until_ready()
    return 1000.0 * (time.perf_counter() - t0) / (repeats * batch)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cells", default=",".join(f"{m}/d{d}" for m, d in peerlib.ANALYTIC_CELLS))
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--out-root", default=str(peerlib.RESULTS_ROOT))
    ap.add_argument("--with-nslab", action="store_true",
                    help="run `nslab run nss/...` with the same seed right after each BlackJAX run "
                         "(interleaved, so both see the same machine load) into nslab-nss-seed<N>.json")
    ap.add_argument("--no-warmup", action="store_true",
                    help="skip the discarded warm-up run (seed 0) before the timed seeds")
    args = ap.parse_args(argv)
    seeds = [int(s) for s in args.seeds.split(",")]
    compiled: dict = {}
    for spec in args.cells.split(","):
        model, size = spec.split("/")
        problem = peerlib.make_problem(model, int(size[1:]))
        settings = nss_settings(problem.dim)
        log_l = jax.jit(peerlib.jax_log_likelihood(problem))
        checks = peerlib.assert_against_nslab(problem, lambda p: log_l(jnp.asarray(p)))
        micro = likelihood_microbench(problem)
        if not args.no_warmup:  # first run in a process is slower (allocator, caches): discard it
            run_one(problem, 0, settings, compiled)
        for seed in seeds:
            doc = run_one(problem, seed, settings, compiled)
            doc["results"]["likelihood_checked_against_nslab_eval"] = checks
            doc["performance"]["likelihood_only_ms_per_eval_batch50"] = micro
            path = peerlib.write_result(
                peerlib.Path(args.out_root) / problem.cell_path / f"blackjax-nss-seed{seed}.json", doc)
            r, p = doc["results"], doc["performance"]
            print(f"{problem.cell_path} seed {seed}: logZ {r['log_evidence']:.3f} +- "
                  f"{r['log_evidence_error']:.3f} (ref {r['reference_log_evidence']:.3f}), "
                  f"{r['diagnostics']['outer_steps']} steps, "
                  f"{r['diagnostics']['blackjax_calls_per_outer_step']:.1f} calls/step, "
                  f"{r['diagnostics']['neal_probes_per_outer_step']:.1f} neal probes/step, "
                  f"{p['time_per_eval_ms']*1000:.2f} us/eval -> {peerlib.rel(path)}",
                  flush=True)
            if args.with_nslab:
                out = peerlib.Path(args.out_root) / problem.cell_path / f"nslab-nss-seed{seed}.json"
                cell = f"nss/{problem.cell_path}/fp64"
                nd = peerlib.run_nslab(cell, out, {"seed": seed, "threads": 1})
                if nd["results"]["diagnostics"]["num_inner_steps"] != settings["num_inner_steps"] or \
                        nd["config"]["n_live"] != settings["n_live"] or \
                        nd["config"]["num_delete"] != settings["num_delete"]:
                    raise RuntimeError(f"{cell}: nslab settings differ from the peer's: {nd['config']}")
                r, p = nd["results"], nd["performance"]
                print(f"  nslab seed {seed}: logZ {r['log_evidence']:.3f} +- {r['log_evidence_error']:.3f}, "
                      f"{r['diagnostics']['outer_steps']:.0f} steps, "
                      f"{r['diagnostics']['slice_probes'] / r['diagnostics']['outer_steps']:.1f} probes/step, "
                      f"{p['time_per_eval_ms']*1000:.2f} us/eval", flush=True)


if __name__ == "__main__":
    main()
