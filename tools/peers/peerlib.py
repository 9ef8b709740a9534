"""Shared pieces of the peer runs: the analytic problems (reimplemented from
likelihoods/analytic/{gaussian,mixture}.hpp), the nslab command, and result
files in nslab's schema (nslab.result/1), written atomically.

Outside CI; run from build/peers-venv (tools/peers/setup.sh)."""
from __future__ import annotations

import datetime as _dt
import importlib.metadata as _md
import json
import math
import os
import platform
import resource
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

try:  # nslab_side.py needs only the standard library
    import numpy as np
except ImportError:  # pragma: no cover
    np = None

REPO_ROOT = Path(__file__).resolve().parents[2]
RESULTS_ROOT = REPO_ROOT / "results" / "peers"
DEFAULT_NSLAB = REPO_ROOT / "build" / "h-peers" / "nslab"

ANALYTIC_CELLS = [
    ("gaussian", 2),
    ("gaussian", 5),
    ("gaussian", 10),
    ("mixture", 2),
    ("mixture", 5),
]


# --------------------------------------------------------------------------
# The analytic problems, exactly as the C++ defines them.
# --------------------------------------------------------------------------
@dataclass
class AnalyticProblem:
    model: str
    dim: int
    lower: np.ndarray
    upper: np.ndarray
    reference_log_evidence: float
    # gaussian
    mean: np.ndarray | None = None
    covariance: np.ndarray | None = None
    cholesky: np.ndarray | None = None
    log_normaliser: float = 0.0

    @property
    def parameter_names(self):
        return [f"x{i}" for i in range(self.dim)]

    @property
    def cell_path(self) -> str:
        return f"analytic/{self.model}/d{self.dim}"

    def log_prior_constant(self) -> float:
        return -float(np.sum(np.log(self.upper - self.lower)))


MIXTURE_SIGMA = 0.05
MIXTURE_OFFSET = 0.5
MIXTURE_WEIGHT_POSITIVE = 0.6


def make_problem(model: str, dim: int) -> AnalyticProblem:
    if model == "gaussian":
        # gaussian.cpp: mu_i = 0.1 ((i mod 3) - 1); sigma_i evenly in
        # [0.05, 0.15]; AR(1) correlation 0.5^|i-j|; box [-2, 2]^d.
        i = np.arange(dim)
        mean = 0.1 * ((i % 3) - 1)
        sigma = np.full(dim, 0.1) if dim == 1 else 0.05 + 0.1 * i / (dim - 1)
        corr = 0.5 ** np.abs(i[:, None] - i[None, :])
        cov = corr * sigma[:, None] * sigma[None, :]
        chol = np.linalg.cholesky(cov)
        log_norm = -0.5 * dim * math.log(2 * math.pi) - float(np.sum(np.log(np.diag(chol))))
        return AnalyticProblem(
            model, dim, np.full(dim, -2.0), np.full(dim, 2.0), -dim * math.log(4.0),
            mean=mean, covariance=cov, cholesky=chol, log_normaliser=log_norm)
    if model == "mixture":
        # mixture.cpp: modes at +-0.5 on x0, weights 0.6/0.4, sigma 0.05, box [-1, 1]^d.
        return AnalyticProblem(model, dim, np.full(dim, -1.0), np.full(dim, 1.0),
                               -dim * math.log(2.0))
    raise ValueError(f"unknown analytic model {model}")


def numpy_log_likelihood(problem: AnalyticProblem):
    """Vectorised numpy log L: (n, dim) -> (n,)."""
    if problem.model == "gaussian":
        import scipy.linalg

        chol, mean, log_norm = problem.cholesky, problem.mean, problem.log_normaliser

        def log_l(x):
            x = np.atleast_2d(x)
            r = scipy.linalg.solve_triangular(chol, (x - mean).T, lower=True)
            return log_norm - 0.5 * np.sum(r * r, axis=0)

        return log_l

    d = problem.dim
    inv_var = 1.0 / MIXTURE_SIGMA**2
    log_norm = -0.5 * d * math.log(2 * math.pi * MIXTURE_SIGMA**2)
    lw_pos, lw_neg = math.log(MIXTURE_WEIGHT_POSITIVE), math.log(1 - MIXTURE_WEIGHT_POSITIVE)

    def log_l(x):
        x = np.atleast_2d(x)
        shared = np.sum(x[:, 1:] ** 2, axis=1)
        pos = lw_pos + log_norm - 0.5 * inv_var * (shared + (x[:, 0] - MIXTURE_OFFSET) ** 2)
        neg = lw_neg + log_norm - 0.5 * inv_var * (shared + (x[:, 0] + MIXTURE_OFFSET) ** 2)
        return np.logaddexp(pos, neg)

    return log_l


def jax_log_likelihood(problem: AnalyticProblem):
    """Single-point JAX log L: (dim,) -> scalar (float64 when x64 is on)."""
    import jax.numpy as jnp
    import jax.scipy.linalg

    if problem.model == "gaussian":
        chol = jnp.asarray(problem.cholesky)
        mean = jnp.asarray(problem.mean)
        log_norm = problem.log_normaliser

        def log_l(x):
            r = jax.scipy.linalg.solve_triangular(chol, x - mean, lower=True)
            return log_norm - 0.5 * jnp.sum(r * r)

        return log_l

    d = problem.dim
    inv_var = 1.0 / MIXTURE_SIGMA**2
    log_norm = -0.5 * d * math.log(2 * math.pi * MIXTURE_SIGMA**2)
    lw_pos, lw_neg = math.log(MIXTURE_WEIGHT_POSITIVE), math.log(1 - MIXTURE_WEIGHT_POSITIVE)

    def log_l(x):
        shared = jnp.sum(x[1:] ** 2)
        pos = lw_pos + log_norm - 0.5 * inv_var * (shared + (x[0] - MIXTURE_OFFSET) ** 2)
        neg = lw_neg + log_norm - 0.5 * inv_var * (shared + (x[0] + MIXTURE_OFFSET) ** 2)
        return jnp.logaddexp(pos, neg)

    return log_l


def jax_log_prior(problem: AnalyticProblem):
    """Box-uniform log prior, inclusive bounds (as likelihoods/prior.cpp)."""
    import jax.numpy as jnp

    lower, upper = jnp.asarray(problem.lower), jnp.asarray(problem.upper)
    inside_value = problem.log_prior_constant()

    def log_prior(x):
        inside = jnp.all((x >= lower) & (x <= upper))
        return jnp.where(inside, inside_value, -jnp.inf)

    return log_prior


# --------------------------------------------------------------------------
# nslab itself
# --------------------------------------------------------------------------
# Resolved at import, before any script changes its working directory.
_NSLAB_PATH = Path(os.environ.get("NSLAB", DEFAULT_NSLAB)).resolve()


def nslab_binary() -> Path:
    path = _NSLAB_PATH
    if not path.exists():
        raise SystemExit(f"nslab not found at {path}: build it (see tools/peers/README.md) "
                         "or set NSLAB=/path/to/nslab")
    return path


def nslab_eval(cell: str, point, extra_sets=()) -> float:
    at = ",".join(repr(float(v)) for v in point)
    cmd = [str(nslab_binary()), "eval", cell, "--at", at, "--json"]
    for s in extra_sets:
        cmd += ["--set", s]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"nslab eval {cell} failed ({done.returncode}): {done.stderr.strip()}")
    return float(json.loads(done.stdout)["log_likelihood"])


def assert_against_nslab(problem: AnalyticProblem, log_l_fn, n_points: int = 4, seed: int = 7,
                         rtol: float = 1e-12, atol: float = 1e-9) -> list[dict]:
    """Checks our reimplementation against `nslab eval` at a few points: the box
    centre, the mean (Gaussian) / a mode (mixture), and random prior draws."""
    rng = np.random.default_rng(seed)
    points = [0.5 * (problem.lower + problem.upper)]
    if problem.model == "gaussian":
        points.append(problem.mean.copy())
    else:
        mode = np.zeros(problem.dim)
        mode[0] = -MIXTURE_OFFSET
        points.append(mode)
    for _ in range(n_points - len(points)):
        points.append(rng.uniform(problem.lower, problem.upper) * 0.2)
    checks = []
    cell = f"nss/{problem.cell_path}/fp64"
    for p in points:
        ours = float(log_l_fn(p))
        theirs = nslab_eval(cell, p)
        ok = abs(ours - theirs) <= atol + rtol * abs(theirs)
        checks.append({"point": [float(v) for v in p], "peer": ours, "nslab": theirs, "ok": ok})
        if not ok:
            raise AssertionError(f"{cell}: peer log L {ours!r} != nslab eval {theirs!r} at {p}")
    return checks


def run_nslab(cell: str, out: Path, sets: dict) -> dict:
    cmd = [str(nslab_binary()), "run", cell, "--out", str(out), "--quiet"]
    for k, v in sets.items():
        cmd += ["--set", f"{k}={v}"]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr.strip()}")
    return json.loads(out.read_text())


# --------------------------------------------------------------------------
# Result files
# --------------------------------------------------------------------------
def utc_now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def peak_rss_bytes() -> int:
    # ru_maxrss is KiB on Linux: the process high-water mark (monotone, so a
    # later run in the same process reports max(previous, its own)).
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * 1024


def versions(*names) -> dict:
    out = {}
    for n in names:
        try:
            out[n] = _md.version(n)
        except _md.PackageNotFoundError:
            out[n] = None
    out["python"] = platform.python_version()
    return out


def cpu_device() -> dict:
    name = platform.processor() or platform.machine()
    fields = {}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            fields.setdefault(key.strip(), value.strip())
    except OSError:
        pass
    name = fields.get("model name", name)
    # As nslab's result files and bench reports say it (harness/system_info.hpp):
    # a VM names different CPUs alike, and their timings differ.
    identity = name
    if fields.get("cpu family") and fields.get("model"):
        identity += f", family {fields['cpu family']} model {fields['model']}"
    mem = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = int(line.split()[1]) * 1024
    except OSError:
        pass
    return {"backend": "cpu", "name": name, "identity": identity, "memory_bytes": mem, "driver": None,
            "compute_capability": None, "cpu_count": os.cpu_count()}


def finite_or_none(x):
    try:
        x = float(x)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def weighted_summary(points: np.ndarray, log_w: np.ndarray):
    w = np.exp(log_w - np.max(log_w))
    w /= w.sum()
    mean = w @ points
    std = np.sqrt(np.maximum(w @ (points - mean) ** 2, 0.0))
    ess = 1.0 / np.sum(w * w)
    return mean, std, ess


def write_result(path: Path, document: dict) -> Path:
    """Atomic write: temporary file in the same folder, then rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(document, f, indent=2, sort_keys=False)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def result_document(*, cell_path: str, sampler: str, batch_key: str, precision: str, config: dict,
                    model_summary: dict, results: dict, performance: dict, memory: dict,
                    device: dict, build: dict, started_at: str) -> dict:
    """batch_key: the config key that bounds the batch (chunk_size or n_batch),
    named in the document so readers need not guess it from the sampler."""
    dataset, model, instrument = cell_path.split("/")
    return {
        "schema": "nslab.result/1",
        "cell": f"{sampler}/{cell_path}/{precision}",
        "sampler": sampler,
        "dataset": dataset,
        "model": model,
        "instrument": instrument,
        "precision": precision,
        "batch_key": batch_key,
        "peer": True,
        "config": config,
        "model_summary": model_summary,
        "results": {k: v for k, v in results.items()},
        "performance": performance,
        "memory": memory,
        "device": device,
        "build": build,
        "started_at": started_at,
    }


def rel(path) -> str:
    path = Path(path).resolve()
    try:
        return str(path.relative_to(REPO_ROOT))
    except ValueError:
        return str(path)
