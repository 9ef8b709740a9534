#!/usr/bin/env bash
# Creates the peers' virtual environment (never committed) and installs the
# peer samplers from PyPI. Outside CI: nslab never needs any of this.
#
#   tools/peers/setup.sh [VENV_DIR]        (default: build/peers-venv)
#
# Core peers (must install): jax (CPU), blackjax (with blackjax.ns),
# nautilus-sampler. Optional (installed where they install): autofit,
# autolens; their failure is reported, not fatal.
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

if [[ "${PEERS_SKIP_AUTOLENS:-0}" != "1" ]]; then
  log="$venv/autolens-install.log"
  if "$venv/bin/python" -m pip install autofit autolens >"$log" 2>&1 &&
     "$venv/bin/python" -c "import autofit, autolens" >>"$log" 2>&1; then
    "$venv/bin/python" -c "import importlib.metadata as md; [print(f'  {n} {md.version(n)}') for n in ('autofit','autolens','autoarray','autogalaxy','jax','blackjax')]"
  else
    echo "autofit/autolens did not install or import; see $log" >&2
    tail -n 20 "$log" >&2
  fi
fi
echo "peers venv ready: $venv"
