#!/usr/bin/env bash
# Creates the peers' virtual environment (never committed) and installs the
# peer samplers from PyPI. Outside CI: nslab never needs any of this.
#
#   tools/peers/setup.sh [VENV_DIR]        (default: build/peers-venv)
#
# Core peers (must install): jax (CPU), blackjax (with blackjax.ns),
# nautilus-sampler, in VENV_DIR. Optional, in build/peers-venv-autolens
# (AUTOLENS_VENV): autofit, autolens (+ blackjax for af.NSS); their failure
# is reported, not fatal. PEERS_SKIP_AUTOLENS=1 skips them.
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="${1:-$repo_root/build/peers-venv}"
python="${PYTHON:-python3}"

if [[ ! -x "$venv/bin/python" ]]; then
  "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --upgrade pip

# blackjax >= 1.6 ships blackjax.ns (nested slice sampling) on mainline.
"$venv/bin/python" -m pip install --quiet \
  "jax[cpu]" "blackjax>=1.6" "nautilus-sampler>=1.0" numpy scipy psutil

"$venv/bin/python" - <<'PY'
import importlib.metadata as md
import blackjax, blackjax.ns  # noqa: F401  (fails loudly if mainline lacks ns)
from blackjax.ns import adaptive, nss  # noqa: F401
import nautilus  # noqa: F401
for name in ("jax", "jaxlib", "blackjax", "nautilus-sampler", "numpy"):
    print(f"  {name} {md.version(name)}")
PY

# PyAutoFit / PyAutoLens (af.NSS, af.Nautilus) in a venv of their own:
# current autofit needs Python >= 3.12 (its 2026.7.29.1.post1 sdist refuses
# 3.11 outright) and pins its own jax / nautilus-sampler, which must not move
# the core peers' versions. af.NSS imports blackjax (>= 1.6.2, the
# autofit[optional] extra), so it is added here explicitly.
if [[ "${PEERS_SKIP_AUTOLENS:-0}" != "1" ]]; then
  al_venv="${AUTOLENS_VENV:-$repo_root/build/peers-venv-autolens}"
  al_python="${PYTHON_AUTOLENS:-}"
  if [[ -z "$al_python" ]]; then
    for candidate in python3.13 python3.12 /root/.pyenv/versions/3.12*/bin/python3; do
      if command -v "$candidate" >/dev/null 2>&1 &&
         "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
        al_python="$(command -v "$candidate")"
        break
      fi
    done
  fi
  log="$repo_root/build/peers-autolens-install.log"
  if [[ -z "$al_python" ]]; then
    echo "autofit/autolens skipped: no Python >= 3.12 found (set PYTHON_AUTOLENS)" >&2
  else
    [[ -x "$al_venv/bin/python" ]] || "$al_python" -m venv "$al_venv"
    if "$al_venv/bin/python" -m pip install --quiet --upgrade pip >"$log" 2>&1 &&
       "$al_venv/bin/python" -m pip install autofit autolens "blackjax>=1.6.2" psutil >>"$log" 2>&1 &&
       "$al_venv/bin/python" -c "import autofit, autolens, blackjax.ns" >>"$log" 2>&1; then
      "$al_venv/bin/python" -c "import importlib.metadata as md; [print(f'  {n} {md.version(n)}') for n in ('autofit','autolens','autoarray','autogalaxy','jax','blackjax','nautilus-sampler')]"
      echo "autolens venv ready: $al_venv"
    else
      echo "autofit/autolens did not install or import; see $log" >&2
      tail -n 20 "$log" >&2
    fi
  fi
fi
echo "peers venv ready: $venv"
