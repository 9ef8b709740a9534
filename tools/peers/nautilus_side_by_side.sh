#!/usr/bin/env bash
# nslab Nautilus beside nautilus-sampler on the analytic cells, interleaved
# per cell and seed on one CPU, so both sides see the same machine state:
# nslab runs each seed REPEATS times back to back (identical results; its
# timing becomes their mean, spanning a stretch of time comparable with the
# peer's single, ~10x longer run), then nautilus-sampler runs that seed.
# Usage: tools/peers/nautilus_side_by_side.sh [CPU] [REPEATS]   (defaults 0, 10)
# NSLAB=/path/to/nslab picks the build (default build/cpu-fp64/nslab).
set -euo pipefail
cd "$(dirname "$0")/../.."
cpu=${1:-0}
repeats=${2:-10}
export NSLAB=${NSLAB:-$PWD/build/cpu-fp64/nslab} NSLAB_PEER_CPU=$cpu
for cell in gaussian/d2 gaussian/d5 gaussian/d10 mixture/d2 mixture/d5; do
  for seed in 1 2 3; do
    taskset -c "$cpu" python3 tools/peers/nslab_side.py --samplers nautilus --cells "$cell" --seeds "$seed" \
      --repeats "$repeats"
    build/peers-venv/bin/python tools/peers/nautilus_peer.py --cells "$cell" --seeds "$seed"
  done
done
python3 tools/peers/compare.py --out results/peers/README.md >/dev/null
echo "wrote results/peers/README.md"
