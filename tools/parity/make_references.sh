#!/usr/bin/env bash
# Regenerates tests/data/parity/*.json from PyAutoLens itself.
#
# Builds a private venv in the build folder (never committed; CI never needs
# it), installs the PyAutoLens release the specs were read from, and runs
# pyautolens_reference.py on the real HST dataset in shared/.
#
#   tools/parity/make_references.sh [DATASET_DIR] [MODELS]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
dataset="${1:-$root/../shared/datasets/imaging/hst}"
models="${2:-mge,pixelization,delaunay}"
venv="$root/build/parity-venv"
# autolens >= 2026.9 needs Python >= 3.12; pin the whole PyAuto family to one
# release inside lensing.md's 2026.5-2026.8 window so the four agree.
version="2026.8.29.1"
python="${PYTHON:-$(command -v python3.12 || command -v python3)}"

if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
  "$venv/bin/pip" install --quiet --upgrade pip
fi
"$venv/bin/pip" install --quiet "autolens==$version" "autogalaxy==$version" \
  "autoarray==$version" "autofit==$version"

# PyAutoConf writes an output/ folder and config lookups relative to the cwd.
work="$root/build/parity-work"
mkdir -p "$work"
cd "$work"
"$venv/bin/python" "$root/tools/parity/pyautolens_reference.py" \
  --dataset "$dataset" --pixel-scale 0.05 --instrument hst --models "$models" \
  --out "$root/tests/data/parity"
