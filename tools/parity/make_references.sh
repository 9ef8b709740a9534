#!/usr/bin/env bash
# Regenerates tests/data/parity/*.json from PyAutoLens itself (docs/parity.md).
#
#   tools/parity/make_references.sh simulated INSTRUMENT [MODELS] [SEED]
#       nslab's own simulated dataset (`nslab simulate INSTRUMENT --seed SEED`,
#       seed 1 by default, the cells' dataset): writes INSTRUMENT_<model>.json,
#       which the parity tests check on every clone.
#   tools/parity/make_references.sh hst [DATASET_DIR] [MODELS]
#       the real HST dataset in shared/ (default ../shared/datasets/imaging/hst):
#       writes hst_<model>.json, checked only where shared/ is present.
# MODELS: comma-separated, of mge,pixelization,delaunay (default all three).
#
# Environment:
#   PARITY_VENV  a virtual environment with autolens installed, used as it is;
#                without it a private one is built in build/parity-venv with
#                the PyAuto family pinned to $PARITY_AUTOLENS (never committed;
#                CI never needs it).
#   NSLAB        the nslab binary that simulates (default build/ci/nslab).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
usage() { echo "usage: $0 simulated INSTRUMENT [MODELS] [SEED] | $0 hst [DATASET_DIR] [MODELS]" >&2; exit 2; }
kind="${1:-}"
[ -n "$kind" ] || usage

if [ -n "${PARITY_VENV:-}" ]; then
  venv="$PARITY_VENV"
  [ -x "$venv/bin/python" ] || { echo "PARITY_VENV=$venv has no bin/python" >&2; exit 2; }
else
  venv="$root/build/parity-venv"
  # autolens >= 2026.9 needs Python >= 3.12; the whole PyAuto family is
  # pinned to one release so the four agree.
  version="${PARITY_AUTOLENS:-2026.8.29.1}"
  python="${PYTHON:-$(command -v python3.12 || command -v python3)}"
  if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv"
    "$venv/bin/pip" install --quiet --upgrade pip
  fi
  "$venv/bin/pip" install --quiet "autolens==$version" "autogalaxy==$version" \
    "autoarray==$version" "autofit==$version"
fi

# PyAutoConf writes an output/ folder and config lookups relative to the cwd.
work="$root/build/parity-work"
mkdir -p "$work"
case "$kind" in
  simulated)
    instrument="${2:-}"
    [ -n "$instrument" ] || usage
    models="${3:-mge,pixelization,delaunay}"
    seed="${4:-1}"
    nslab="${NSLAB:-$root/build/ci/nslab}"
    [ -x "$nslab" ] || { echo "no nslab binary at $nslab (build it, or set NSLAB)" >&2; exit 2; }
    dataset="$work/datasets/$instrument-seed$seed"
    "$nslab" simulate "$instrument" --seed "$seed" --out "$dataset"
    # The mesh sizes the cells' mesh=auto picks (cells/families_lens_pixelized.cpp):
    # the ci instrument's small meshes, the fiducial ones elsewhere.
    if [ "$instrument" = ci ]; then sizes=(--rectangular-side 12 --delaunay-pixels 150); else sizes=(); fi
    cd "$work"
    "$venv/bin/python" "$root/tools/parity/pyautolens_reference.py" \
      --dataset "$dataset" --instrument "$instrument" --simulated-seed "$seed" \
      --models "$models" "${sizes[@]}" --out "$root/tests/data/parity"
    ;;
  hst)
    dataset="${2:-$root/../shared/datasets/imaging/hst}"
    models="${3:-mge,pixelization,delaunay}"
    cd "$work"
    "$venv/bin/python" "$root/tools/parity/pyautolens_reference.py" \
      --dataset "$dataset" --pixel-scale 0.05 --instrument hst --models "$models" \
      --out "$root/tests/data/parity"
    ;;
  *) usage ;;
esac
