#!/usr/bin/env python3
"""Side-by-side report of nslab and its peers from the result files under
results/peers/ (nslab.result/1). Standard library only.

    python3 tools/peers/compare.py [--root results/peers] [--out results/peers/README.md]

Per problem: log Z +- error of every run, agreement in combined sigma,
evaluations per outer step (nslab NSS vs BlackJAX NSS, like with like),
ms/eval and its ratio with the spread over repeats; for Nautilus, evaluations
to reach N_eff and the sampler's own overhead per evaluation.
"""
from __future__ import annotations

import argparse
import json
import math
import statistics as st
import sys
from collections import defaultdict
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

LABELS = {
    "nslab-nss": "nslab NSS",
    "blackjax-nss": "BlackJAX NSS",
    "nslab-nautilus": "nslab Nautilus",
    "nautilus-sampler": "nautilus-sampler",
    "af-nss": "PyAutoFit af.NSS",
    "af-nautilus": "PyAutoFit af.Nautilus",
}


def load(root: Path):
    """{cell path: {run name prefix: [docs sorted by seed]}}"""
    table = defaultdict(lambda: defaultdict(list))
    for path in sorted(root.rglob("*.json")):
        try:
            doc = json.loads(path.read_text())
        except (OSError, json.JSONDecodeError):
            continue
        if doc.get("schema") != "nslab.result/1":
            continue
        cell_path = str(path.parent.relative_to(root))
        stem = path.stem
        name = stem.rsplit("-seed", 1)[0] if "-seed" in stem else stem
        doc["_file"] = str(path.relative_to(root))
        average_repeats(doc)
        table[cell_path][name].append(doc)
    for runs in table.values():
        for docs in runs.values():
            docs.sort(key=lambda d: d.get("config", {}).get("seed", 0))
    return table


def average_repeats(doc):
    """A file from `nslab_side.py --repeats R` lists R runs' walls (same
    result, other timings): every table uses their means. The first run's
    own walls stay under performance.first_run."""
    p = doc.get("performance", {})
    runs = p.get("repeats")
    if not runs:
        return
    p["first_run"] = {k: p.get(k) for k in ("sampler_wall_s", "likelihood_wall_s", "time_per_eval_ms")}
    p["sampler_wall_s"] = st.fmean(r["sampler_wall_s"] for r in runs)
    p["likelihood_wall_s"] = st.fmean(r["likelihood_wall_s"] for r in runs)
    p["time_per_eval_ms"] = 1000.0 * p["sampler_wall_s"] / p["likelihood_evals"]


def overhead_ms(d):
    """The sampler's own time per evaluation (wall minus likelihood), ms;
    None where the likelihood is fused into the sampler and not timed apart."""
    p = d["performance"]
    if p.get("likelihood_wall_s") is None:
        return None
    return (p["sampler_wall_s"] - p["likelihood_wall_s"]) / p["likelihood_evals"] * 1000


def mean_sd(xs):
    xs = [x for x in xs if x is not None and math.isfinite(x)]
    if not xs:
        return None, None
    return st.fmean(xs), (st.stdev(xs) if len(xs) > 1 else 0.0)


def fmt(x, nd=3):
    return "—" if x is None else f"{x:.{nd}f}"


def fmt_ms(mean, sd):
    if mean is None:
        return "—"
    return f"{mean*1000:.2f} ± {sd*1000:.2f} µs" if mean < 0.1 else f"{mean:.3f} ± {sd:.3f} ms"


def log_z(doc):
    r = doc["results"]
    return r.get("log_evidence"), r.get("log_evidence_error")


def combined_sigma(a, b):
    (za, ea), (zb, eb) = a, b
    if None in (za, ea, zb, eb):
        return None
    return abs(za - zb) / math.hypot(ea, eb)


def evidence_section(cell_path, runs, out):
    names = [n for n in LABELS if n in runs] + [n for n in runs if n not in LABELS]
    ref = None
    for n in names:
        ref = runs[n][0]["results"].get("reference_log_evidence")
        if ref is not None:
            break
    out.append(f"#### log Z" + (f" (closed form {ref:.4f})" if ref is not None else ""))
    out.append("")
    out.append("| sampler | seeds | log Z ± error per seed | mean log Z (sd over seeds) | mean error | "
               "mean \\|Δ\\|/σ vs closed form | max log L (best seed) |")
    out.append("|---|---|---|---|---|---|---|")
    for n in names:
        docs = runs[n]
        zs = [log_z(d) for d in docs]
        per_seed = ", ".join(f"{z:.3f} ± {e:.3f}" for z, e in zs if z is not None)
        zm, zsd = mean_sd([z for z, _ in zs])
        em, _ = mean_sd([e for _, e in zs])
        vs_ref = "—"
        if ref is not None:
            sig = [abs(z - ref) / e for z, e in zs if z is not None and e]
            vs_ref = f"{st.fmean(sig):.2f} (max {max(sig):.2f})" if sig else "—"
        max_l = max((d["results"].get("max_log_likelihood") or -math.inf) for d in docs)
        out.append(f"| {LABELS.get(n, n)} | {len(docs)} | {per_seed} | {fmt(zm)} ({fmt(zsd)}) | "
                   f"{fmt(em)} | {vs_ref} | {fmt(max_l)} |")
    out.append("")
    # Pairwise agreement nslab vs each peer of the same family.
    pairs = [("nslab-nss", "blackjax-nss"), ("nslab-nss", "af-nss"), ("nslab-nautilus", "nautilus-sampler"),
             ("nslab-nautilus", "af-nautilus"), ("nslab-nss", "af-nautilus"), ("nslab-nss", "nslab-nautilus")]
    lines = []
    for a, b in pairs:
        if a in runs and b in runs:
            A, B = runs[a], runs[b]
            k = min(len(A), len(B))
            sig = [combined_sigma(log_z(A[i]), log_z(B[i])) for i in range(k)]
            sig = [s for s in sig if s is not None]
            za = [log_z(d) for d in A]
            zb = [log_z(d) for d in B]
            ma, _ = mean_sd([z for z, _ in za])
            mb, _ = mean_sd([z for z, _ in zb])
            # Mean over seeds: error of the mean from the per-run errors.
            ea = math.sqrt(sum(e * e for _, e in za)) / len(za)
            eb = math.sqrt(sum(e * e for _, e in zb)) / len(zb)
            mean_sig = abs(ma - mb) / math.hypot(ea, eb) if ea or eb else None
            within1 = sum(s <= 1 for s in sig)
            within2 = sum(s <= 2 for s in sig)
            lines.append(f"| {LABELS[a]} vs {LABELS[b]} | {k} | "
                         + ", ".join(f"{s:.2f}" for s in sig)
                         + f" | {within1}/{len(sig)} | {within2}/{len(sig)} | "
                           f"{ma - mb:+.3f} | {fmt(mean_sig, 2)} |")
    if lines:
        out.append("Agreement in combined σ = \\|ΔlogZ\\| / √(σ₁² + σ₂²), run i of one beside run i of "
                   "the other (independent streams), and of the seed means:")
        out.append("")
        out.append("| pair | runs | \\|Δ\\|/σ per pair | ≤ 1σ | ≤ 2σ | Δ of means | Δ of means / σ of means |")
        out.append("|---|---|---|---|---|---|---|")
        out.extend(lines)
        out.append("")


def parameters_section(runs, out):
    """Posterior and max-likelihood point of every sampler, parameter by
    parameter, for cells without a closed form (the lens cells): do the
    searches find the same region? Runs are compared by position in the
    parameter vector; nslab's short names label the rows (af lists the
    PyAutoFit model paths, same order)."""
    names = [n for n in LABELS if n in runs] + [n for n in runs if n not in LABELS]
    first = {n: runs[n][0] for n in names
             if runs[n][0]["results"].get("posterior_mean") and runs[n][0]["results"].get("posterior_std")}
    if len(first) < 2 or any(runs[n][0]["results"].get("reference_log_evidence") is not None for n in first):
        return
    sizes = {len(d["results"]["posterior_mean"]) for d in first.values()}
    if len(sizes) != 1:
        return
    labels = next((d["model_summary"]["parameter_names"] for n, d in first.items()
                   if n.startswith("nslab") and len(d["model_summary"]["parameter_names"]) in sizes), None)
    labels = labels or [f"p{i}" for i in range(sizes.pop())]
    order = list(first)
    out.append("#### Parameters: posterior mean ± sd (max-likelihood point), seed 1 of each")
    out.append("")
    out.append("| parameter | " + " | ".join(LABELS.get(n, n) for n in order) + " |")
    out.append("|---|" + "---|" * len(order))
    for i, label in enumerate(labels):
        cells = []
        for n in order:
            r, m = first[n]["results"], first[n]["model_summary"].get("max_likelihood_parameters")
            best = f" ({m[i]:.4f})" if m else ""
            cells.append(f"{r['posterior_mean'][i]:.4f} ± {r['posterior_std'][i]:.4f}{best}")
        out.append(f"| {label} | " + " | ".join(cells) + " |")
    out.append("")
    out.append("Same region? Largest over parameters of \\|Δ mean\\| / √(sd₁² + sd₂²), and of each run's "
               "max-likelihood point against the other's posterior, \\|θ_maxL − mean\\| / sd:")
    out.append("")
    out.append("| pair | posterior means (worst parameter) | A's max-L point in B's posterior | "
               "B's max-L point in A's posterior |")
    out.append("|---|---|---|---|")

    def worst(values):
        i = max(range(len(values)), key=lambda k: values[k])
        return f"{values[i]:.2f}σ ({labels[i]})"

    for ia, a in enumerate(order):
        for b in order[ia + 1:]:
            ra, rb = first[a]["results"], first[b]["results"]
            ma, sa, mb, sb = ra["posterior_mean"], ra["posterior_std"], rb["posterior_mean"], rb["posterior_std"]
            means = [abs(x - y) / math.hypot(u, v) for x, y, u, v in zip(ma, mb, sa, sb)]
            cols = [worst(means)]
            for p_doc, (m, sd) in ((first[a], (mb, sb)), (first[b], (ma, sa))):
                point = p_doc["model_summary"].get("max_likelihood_parameters")
                cols.append(worst([abs(t - x) / u for t, x, u in zip(point, m, sd)]) if point else "—")
            out.append(f"| {LABELS.get(a, a)} vs {LABELS.get(b, b)} | " + " | ".join(cols) + " |")
    out.append("")


def evals_section(runs, out):
    if "nslab-nss" not in runs or "blackjax-nss" not in runs:
        return None
    ns, bj = runs["nslab-nss"], runs["blackjax-nss"]

    def per_step(doc, key):
        d = doc["results"]["diagnostics"]
        return d[key] / d["outer_steps"]

    ns_probes = [per_step(d, "slice_probes") for d in ns]
    ns_calls = [(d["performance"]["likelihood_evals"] - d["config"]["n_live"]) /
                d["results"]["diagnostics"]["outer_steps"] for d in ns]
    bj_neal = [per_step(d, "neal_probes") for d in bj]
    bj_calls = [per_step(d, "blackjax_likelihood_calls") for d in bj]
    bj_lock = [per_step(d, "lockstep_lane_evaluations") for d in bj]
    m = lambda xs: mean_sd(xs)  # noqa: E731
    rows = [
        ("**like with like**: every slice probe as Neal (2003) fig. 3 / docs/nss.md counts them "
         "(in or out of the prior box)", "nslab `diagnostics.slice_probes`", ns_probes,
         "BlackJAX, same probes (key replay)", bj_neal),
        ("likelihood calls each code actually makes", "nslab `likelihood_evals` − n_live "
         "(skips probes outside the box)", ns_calls,
         "BlackJAX (2 + expansions + shrinks per inner step)", bj_calls),
    ]
    out.append("#### Evaluations per outer step (mean over seeds ± sd)")
    out.append("")
    out.append("| what | nslab | | BlackJAX | | BlackJAX / nslab − 1 |")
    out.append("|---|---|---|---|---|---|")
    summary = {}
    for what, a_name, a, b_name, b in rows:
        am, asd = m(a)
        bm, bsd = m(b)
        rel = bm / am - 1
        out.append(f"| {what} | {a_name} | {am:.1f} ± {asd:.1f} | {b_name} | {bm:.1f} ± {bsd:.1f} | "
                   f"{100*rel:+.1f} % |")
        summary[a_name] = rel
    lm, lsd = m(bj_lock)
    out.append(f"| lane evaluations a vmap'd while-loop computes | | | BlackJAX lockstep "
               f"(all 50 lanes until the slowest chain ends) | {lm:.1f} ± {lsd:.1f} | "
               f"{100*(lm/m(ns_probes)[0]-1):+.1f} % vs nslab probes |")
    steps_ns = m([d["results"]["diagnostics"]["outer_steps"] for d in ns])
    steps_bj = m([d["results"]["diagnostics"]["outer_steps"] for d in bj])
    out.append(f"| outer steps to termination | | {steps_ns[0]:.1f} ± {steps_ns[1]:.1f} | | "
               f"{steps_bj[0]:.1f} ± {steps_bj[1]:.1f} | {100*(steps_bj[0]/steps_ns[0]-1):+.1f} % |")
    out.append("")
    return {"like_with_like": summary["nslab `diagnostics.slice_probes`"]}


def timing_section(runs, out):
    names = [n for n in LABELS if n in runs]
    if not names:
        return
    out.append("#### Time per evaluation (`time_per_eval_ms` = sampler wall / evaluations; mean ± sd over seeds)")
    out.append("")
    out.append("| sampler | time per eval | total evals (mean) | sampler wall s (mean) | "
               "likelihood wall share | overhead per eval | note |")
    out.append("|---|---|---|---|---|---|---|")
    for n in names:
        docs = runs[n]
        t = mean_sd([d["performance"].get("time_per_eval_ms") for d in docs])
        ev = mean_sd([d["performance"].get("likelihood_evals") for d in docs])[0]
        wall = mean_sd([d["performance"].get("sampler_wall_s") for d in docs])[0]
        shares = [d["performance"]["likelihood_wall_s"] / d["performance"]["sampler_wall_s"]
                  for d in docs if d["performance"].get("likelihood_wall_s")]
        share = f"{100*st.fmean(shares):.0f} %" if shares else "— (fused)"
        over = [overhead_ms(d) for d in docs if overhead_ms(d) is not None]
        om = mean_sd(over)
        note = ""
        if n == "blackjax-nss":
            micro = docs[0]["performance"].get("likelihood_only_ms_per_eval_batch50")
            if micro:
                note = f"JAX log L alone (jit+vmap, batch 50): {micro*1000:.2f} µs/eval"
        out.append(f"| {LABELS[n]} | {fmt_ms(*t)} | {ev:.0f} | {wall:.3f} | {share} | "
                   f"{fmt_ms(*om) if over else '—'} | {note} |")
    out.append("")
    ratio_pairs = [("blackjax-nss", "nslab-nss"), ("af-nss", "nslab-nss"),
                   ("nautilus-sampler", "nslab-nautilus"), ("af-nautilus", "nslab-nautilus")]
    lines = []
    for peer, own in ratio_pairs:
        if peer in runs and own in runs:
            P, O = runs[peer], runs[own]
            k = min(len(P), len(O))
            r = [P[i]["performance"]["time_per_eval_ms"] / O[i]["performance"]["time_per_eval_ms"]
                 for i in range(k)]
            rm, rsd = mean_sd(r)
            lines.append(f"| {LABELS[peer]} / {LABELS[own]} | {k} | {', '.join(f'{x:.1f}' for x in r)} | "
                         f"{rm:.1f} ± {rsd:.1f} | {min(r):.1f}–{max(r):.1f} |")
    if "blackjax-nss" in runs and "nslab-nss" in runs:
        P, O = runs["blackjax-nss"], runs["nslab-nss"]
        k = min(len(P), len(O))
        per_step = lambda d: d["performance"]["sampler_wall_s"] / d["results"]["diagnostics"]["outer_steps"]  # noqa: E731
        r = [per_step(P[i]) / per_step(O[i]) for i in range(k)]
        rm, rsd = mean_sd(r)
        lines.append(f"| same work: sampler wall per outer step, BlackJAX NSS / nslab NSS | {k} | "
                     f"{', '.join(f'{x:.1f}' for x in r)} | {rm:.1f} ± {rsd:.1f} | {min(r):.1f}–{max(r):.1f} |")
    if lines:
        out.append("| ms/eval ratio (peer / nslab) | repeats | per repeat | mean ± sd | range |")
        out.append("|---|---|---|---|---|")
        out.extend(lines)
        out.append("")


def nautilus_section(runs, out):
    names = [n for n in ("nslab-nautilus", "nautilus-sampler", "af-nautilus") if n in runs]
    if not names:
        return
    out.append("#### Nautilus: evaluations to reach the N_eff target")
    out.append("")
    out.append("| sampler | n_live / n_batch / n_eff target | N_eff reached (mean) | evaluations (mean ± sd) | "
               "overhead per eval (mean ± sd) |")
    out.append("|---|---|---|---|---|")
    for n in names:
        docs = runs[n]
        c = docs[0]["config"]
        neff = mean_sd([d["results"].get("effective_sample_size") for d in docs])[0]
        ev = mean_sd([d["performance"].get("likelihood_evals") for d in docs])
        over = mean_sd([overhead_ms(d) for d in docs])
        out.append(f"| {LABELS[n]} | {c.get('n_live')} / {c.get('n_batch')} / {c.get('n_eff')} | "
                   f"{fmt(neff, 0)} | {ev[0]:.0f} ± {ev[1]:.0f} | {fmt_ms(*over) if over[0] is not None else '—'} |")
    out.append("")
    if "nslab-nautilus" in runs and "nautilus-sampler" in runs:
        keys = ["n_live", "n_batch", "n_eff", "f_live", "n_networks", "enlarge_per_dim", "split_threshold",
                "discard_exploration"]
        a, b = runs["nslab-nautilus"][0]["config"], runs["nautilus-sampler"][0]["config"]
        differ = [k for k in keys if k in a and k in b and a[k] != b[k]]
        out.append("Settings " + ("identical (" + ", ".join(f"{k} {a[k]}" for k in keys if k in a) + ")"
                                   if not differ else "DIFFER: " + ", ".join(f"{k} {a[k]} vs {b[k]}" for k in differ))
                   + "; nautilus-sampler took them from: "
                   + str(runs["nautilus-sampler"][0]["config"].get("settings_source")) + ".")
        ev_n = mean_sd([d["performance"]["likelihood_evals"] for d in runs["nslab-nautilus"]])[0]
        ev_p = mean_sd([d["performance"]["likelihood_evals"] for d in runs["nautilus-sampler"]])[0]
        out.append(f"Evaluations to the N_eff target, nautilus-sampler / nslab: {ev_p / ev_n:.2f}.")

        mine = [overhead_ms(d) for d in runs["nslab-nautilus"]]
        theirs = [overhead_ms(d) for d in runs["nautilus-sampler"]]
        peer_by_seed = {d["config"].get("seed"): d for d in runs["nautilus-sampler"]}
        pairs = [(peer_by_seed[d["config"].get("seed")], d) for d in runs["nslab-nautilus"]
                 if d["config"].get("seed") in peer_by_seed]  # seed i beside seed i
        ratios = [overhead_ms(p) / overhead_ms(d) for p, d in pairs]
        if ratios:
            out.append(f"Sampler overhead per evaluation, nautilus-sampler / nslab: "
                       f"{st.mean(theirs) / st.mean(mine):.1f}× of the means; per seed "
                       + ", ".join(f"{r:.1f}×" for r in ratios)
                       + " (the Nautilus issue asks for ≥ 10×)"
                       + (f"; nslab timed as the mean of {len(runs['nslab-nautilus'][0]['performance']['repeats'])} "
                          "back-to-back runs per seed (identical results), each seed's right before the peer's run"
                          if runs["nslab-nautilus"][0]["performance"].get("repeats") else "") + ".")

        # Same work: most of either sampler's own time is training networks,
        # whose cost is samples x epochs; both sides count it.
        def work(d):
            return (d["results"].get("diagnostics") or {}).get("network_sample_epochs")
        if all(work(d) for d in runs["nslab-nautilus"] + runs["nautilus-sampler"]):
            w_mine = [work(d) for d in runs["nslab-nautilus"]]
            w_theirs = [work(d) for d in runs["nautilus-sampler"]]

            def per_sample_epoch(d):  # the sampler's own seconds per sample-epoch of training
                return overhead_ms(d) * d["performance"]["likelihood_evals"] / work(d)
            per_work = [per_sample_epoch(p) / per_sample_epoch(d) for p, d in pairs]
            out.append(f"Network training work (samples × epochs, summed over every network), mean: nslab "
                       f"{st.mean(w_mine):,.0f}, nautilus-sampler {st.mean(w_theirs):,.0f} "
                       f"(nautilus-sampler / nslab {st.mean(w_theirs) / st.mean(w_mine):.2f}). "
                       "Same work: sampler overhead per sample-epoch of training, nautilus-sampler / nslab, per seed "
                       + ", ".join(f"{r:.1f}×" for r in per_work) + ".")
        out.append("")


def calibration_section(root: Path, out):
    path = root / "calibration.json"
    if not path.exists():
        return
    cal = json.loads(path.read_text())
    out.append("## Calibration over many seeds (`calibration.json`, `tools/peers/calibrate.py`)")
    out.append("")
    out.append("Each run's log Z against the closed form. A calibrated sampler has a bias within a few "
               "standard errors of zero, a scatter over seeds close to its mean reported error, and "
               "about 68 % / 95 % of runs within 1σ / 2σ of the closed form.")
    out.append("")
    out.append("| problem | sampler | runs | mean log Z − closed form (± s.e.) | bias / s.e. | sd over seeds | "
               "mean reported error | sd / error | within 1σ | within 2σ | probes per outer step |")
    out.append("|---|---|---|---|---|---|---|---|---|---|---|")
    for cell_path, entry in sorted(cal.get("problems", {}).items()):
        ref = entry["reference_log_evidence"]
        for name in ("nslab-nss", "blackjax-nss"):
            runs = entry.get(name)
            if not runs:
                continue
            n = len(runs)
            d = [r["log_z"] - ref for r in runs]
            e = [r["error"] for r in runs]
            bias, sd = st.fmean(d), st.stdev(d)
            se = sd / math.sqrt(n)
            em = st.fmean(e)
            w1 = sum(abs(x) <= y for x, y in zip(d, e)) / n
            w2 = sum(abs(x) <= 2 * y for x, y in zip(d, e)) / n
            pps = st.fmean(r["probes_per_step"] for r in runs)
            out.append(f"| {cell_path} | {LABELS[name]} | {n} | {bias:+.3f} ± {se:.3f} | {bias / se:+.1f} | "
                       f"{sd:.3f} | {em:.3f} | {sd / em:.2f} | {100 * w1:.0f} % | {100 * w2:.0f} % | {pps:.1f} |")
    out.append("")


def lens_section(root: Path, out):
    files = sorted(root.glob("imaging/*/*/pyautolens-parity-*.json")) + \
        sorted(root.glob("imaging/*/*/likelihood-timing.json"))
    if not files:
        return
    out.append("## Lens cells: PyAutoLens parity and likelihood cost")
    out.append("")
    for path in files:
        doc = json.loads(path.read_text())
        rel = path.relative_to(root)
        if doc.get("schema") == "nslab.peers.parity/1":
            worst = max((c["relative_difference"] or math.inf) for c in doc["checks"])
            out.append(f"- `{rel}`: PyAutoLens `log_likelihood_function` vs `nslab eval` on "
                       f"{doc['cell']} ({doc['dataset_label']} dataset), {len(doc['checks'])} points: "
                       f"worst relative difference {worst:.1e} ("
                       + ", ".join(f"{c['point']} {c['relative_difference']:.1e}" for c in doc["checks"]) + ").")
        elif doc.get("schema") == "nslab.peers.likelihood-timing/1":
            j = doc["pyautolens_jax"]
            line = (f"- `{rel}`: PyAutoLens JAX on CPU (jit+vmap, batch {j['batch']}, one thread): "
                    f"{j['ms_per_eval_mean']:.1f} ± {j['ms_per_eval_sd']:.1f} ms/eval over {j['repeats']} repeats "
                    f"(compile {j['compile_s']:.0f} s)")
            if "nslab_bench" in doc:
                b = doc["nslab_bench"]
                ratios = b["jax_over_nslab_per_repeat"]
                line += (f"; nslab's likelihood beside it (`nslab bench`, batch {b['batch']}, one thread, "
                         f"interleaved): {b['ms_per_eval_mean']:.2f} ± {b['ms_per_eval_sd']:.2f} ms/eval; "
                         f"JAX / nslab per repeat {', '.join(f'{r:.1f}' for r in ratios)} "
                         f"(mean {st.mean(ratios):.1f} ± {st.stdev(ratios) if len(ratios) > 1 else 0:.1f})")
            elif "nslab" in doc:
                n = doc["nslab"]
                line += (f"; nslab NSS on the same cell, threads={n['threads']}: {n['time_per_eval_ms']:.1f} ms/eval "
                         f"({n['likelihood_evals']} evals, likelihood {n['likelihood_ms_per_eval']:.1f} ms/eval); "
                         f"ratio nslab / JAX {n['time_per_eval_ms'] / j['ms_per_eval_mean']:.2f}")
            out.append(line + ".")
        elif doc.get("schema") == "nslab.peers.likelihood-timing/2":
            j = doc["pyautolens_jax"]
            worst = max(doc["value_check_vs_nslab_eval"]["relative_differences"], default=math.nan)
            line = (f"- `{rel}`: PyAutoLens JAX on CPU {j['cpu']} (jit+vmap, batch {j['batch']}, one thread) "
                    f"beside `nslab bench` (same batch, one thread), interleaved, {j['repeats']} repeats: "
                    f"JAX {j['cpu_ms_per_eval']['median']:.4g} ms/eval CPU (wall {j['wall_ms_per_eval']['median']:.4g}), "
                    f"compile {j['compile_s']:.0f} s; values vs `nslab eval` within {worst:.1e}")
            for key, label in (("nslab_bench", "nslab"), ("nslab_bench_other_build", "other nslab build")):
                if key in doc:
                    b = doc[key]
                    line += (f"; {label} {b['cpu_ms_per_eval']['median']:.4g} ms/eval CPU "
                             f"(wall {b['wall_ms_per_eval']['median']:.4g}): JAX / {label} "
                             f"{b['jax_over_nslab_cpu']['median']:.1f}x CPU (min {b['jax_over_nslab_cpu']['min']:.1f}), "
                             f"{b['jax_over_nslab_wall']['median']:.1f}x wall")
            machine = doc.get("device", {}).get("identity")
            out.append(line + " (medians over repeats)" + (f"; on {machine}, {doc['started_at'][:10]}." if machine else "."))
    out.append("")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", default=str(REPO_ROOT / "results" / "peers"))
    ap.add_argument("--out", default=None, help="also write the report (markdown) here")
    args = ap.parse_args(argv)
    root = Path(args.root)
    table = load(root)
    out = ["# nslab beside its peers", "",
           "Generated by `tools/peers/compare.py` from the result files in this folder "
           "(nslab.result/1); do not edit by hand. How to rerun: `tools/peers/README.md`.", ""]
    devices = sorted({d["device"]["name"] for runs in table.values() for docs in runs.values()
                      for d in docs if d.get("device")})
    builds = {}  # sampler -> build description -> the cells run with it
    for cell_path, runs in table.items():
        for n, docs in runs.items():
            for d in docs:
                b = ", ".join(f"{k} {v}" for k, v in d.get("build", {}).items()
                              if v and k in ("blackjax", "jax", "nautilus-sampler", "autofit",
                                             "autolens", "git_sha", "version", "python"))
                builds.setdefault(n, {}).setdefault(b, set()).add(cell_path)
    header_at = len(out)
    out.append("Machine: " + "; ".join(devices) + ". Every run single-threaded (nslab `threads=1`, "
               "XLA/BLAS one thread), one at a time.")
    out.append("")
    for n, by_build in sorted(builds.items()):
        for b, cells in sorted(by_build.items()):
            where = "" if len(by_build) == 1 else " (" + ", ".join(sorted(cells)) + ")"
            out.append(f"- {LABELS.get(n, n)}: {b}{where}")
    out.append("")
    eval_summary = {}
    for cell_path in sorted(table, key=lambda c: (c.split("/")[0] != "analytic", c)):
        runs = table[cell_path]
        out.append(f"### {cell_path}")
        out.append("")
        c = None
        for n in ("nslab-nss", "blackjax-nss"):
            if n in runs:
                c = runs[n][0]["config"]
                break
        if c:
            out.append(f"NSS settings: n_live {c.get('n_live')}, num_delete {c.get('num_delete')}, "
                       f"num_inner_steps {c.get('num_inner_steps')}, termination {c.get('termination')}, "
                       f"max_steps {c.get('max_steps')}, max_shrinkage {c.get('max_shrinkage')}.")
            out.append("")
        evidence_section(cell_path, runs, out)
        parameters_section(runs, out)
        s = evals_section(runs, out)
        if s:
            eval_summary[cell_path] = s["like_with_like"]
        nautilus_section(runs, out)
        timing_section(runs, out)
    if eval_summary:
        avg = st.fmean(eval_summary.values())
        parts = ", ".join(f"{k.split('/', 1)[1]} {100 * v:+.1f} %" for k, v in eval_summary.items())
        out.insert(header_at, f"Evaluations per outer step, like with like (all slice probes), BlackJAX vs nslab, "
                      f"averaged over the analytic problems: {100*avg:+.1f} % "
                      f"({parts}); "
                      f"docs/nss.md asks for agreement within 10 %.")
        out.insert(header_at + 1, "")
    calibration_section(root, out)
    lens_section(root, out)
    text = "\n".join(out) + "\n"
    sys.stdout.write(text)
    if args.out:
        path = Path(args.out)
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_text(text)
        tmp.replace(path)


if __name__ == "__main__":
    main()
